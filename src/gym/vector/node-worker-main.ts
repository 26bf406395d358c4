/**
 * The Node worker_threads entry of a vector-env worker: adapts `parentPort` to `Endpoint` and serves.
 */
import { parentPort } from 'node:worker_threads';
import { serveVectorWorker } from './worker-server.ts';

if (parentPort === null) throw new Error('node-worker-main.ts must run inside a worker thread');
const port = parentPort;
serveVectorWorker({
  postMessage(message, transfer = []) {
    port.postMessage(message, transfer);
  },
  onMessage(handler) {
    port.on('message', handler);
  },
});
