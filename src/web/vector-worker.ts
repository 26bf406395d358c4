/**
 * A vector-env worker in the browser: the copies of a run's envs that the training worker steps on
 * another thread (`WorkerVectorEnv`, the same server as Node's worker threads). The registry is
 * filled by importing the env modules here, since a bundled page cannot import modules by URL the
 * way Node workers do.
 */
import './hot-envs.ts'; // the env registrations, swapped in place under `npm start` (a run that moves to new code starts new env workers)
import { serveVectorWorker } from '../gym/vector/worker-server.ts';

const scope = self as unknown as { postMessage(m: unknown, t: Transferable[]): void; addEventListener(type: 'message', h: (ev: MessageEvent) => void): void };
serveVectorWorker({
  postMessage(message, transfer = []) {
    scope.postMessage(message, transfer);
  },
  onMessage(handler) {
    scope.addEventListener('message', (ev) => handler(ev.data));
  },
});
