/**
 * Starts a vector-env worker on a Node `worker_threads` Worker and adapts it to `WorkerHandle`.
 *
 * The worker runs `node-worker-entry.mjs`, a plain-JS bootstrap that registers tsx's loader in the worker
 * and then imports the TypeScript server, so workers start the same way under `npx tsx`, under vitest and
 * from the `dojo` CLI. `execArgv` is cleared so the parent's flags (e.g. test-runner loaders) never leak in.
 */
import { Worker } from 'node:worker_threads';
import type { WorkerHandle } from './vector-env.ts';

const ENTRY = new URL('./node-worker-entry.mjs', import.meta.url);

/** Spawns worker number `index` (the index only names it in errors and thread lists). */
export function spawnNodeWorker(index: number): WorkerHandle {
  const worker = new Worker(ENTRY, { execArgv: [], name: `dojo-vector-worker-${index}` });
  let exited = false;
  return {
    postMessage(message, transfer = []) {
      worker.postMessage(message, transfer);
    },
    onMessage(handler) {
      worker.on('message', handler);
    },
    onFailure(handler) {
      worker.on('error', (err: unknown) => handler(err instanceof Error ? err : new Error(String(err))));
      worker.on('messageerror', (err: unknown) => handler(err instanceof Error ? err : new Error(String(err))));
      worker.on('exit', (code: number) => {
        exited = true;
        handler(new Error(`worker exited with code ${code}`));
      });
    },
    async terminate() {
      if (!exited) await worker.terminate();
    },
  };
}
