/**
 * Starts vector-env workers from the training worker (nested Web Workers), for `WorkerVectorEnv`:
 * the browser's counterpart of `spawnNodeWorker`. With cross-origin isolation (the dev and preview
 * servers send COOP/COEP headers, vite.config.ts) steps go through shared memory; without it (a static
 * host that cannot send them) each step is one message per worker, and results are the same.
 */
import type { WorkerHandle } from '../gym/vector/vector-env.ts';

export function spawnWebWorker(index: number): WorkerHandle {
  const worker = new Worker(new URL('./vector-worker.ts', import.meta.url), { type: 'module', name: `dojo-vector-worker-${index}` });
  let closed = false;
  return {
    postMessage(message, transfer = []) {
      worker.postMessage(message, transfer);
    },
    onMessage(handler) {
      worker.addEventListener('message', (ev: MessageEvent) => handler(ev.data));
    },
    onFailure(handler) {
      worker.addEventListener('error', (ev: ErrorEvent) => handler(new Error(ev.message || `vector worker ${index} failed to load`)));
      worker.addEventListener('messageerror', () => handler(new Error(`vector worker ${index}: a message could not be read`)));
    },
    async terminate() {
      if (!closed) worker.terminate();
      closed = true;
    },
  };
}
