/**
 * The worker side of a WorkerVectorEnv: builds its block of copies with `make` (after importing the
 * registry modules it was told about) and answers reset/step/close requests. No Node imports; the Node
 * entry (`node-worker-main.ts`) and a future Web Worker entry only adapt their message port to `Endpoint`.
 */
import { make } from '../registry.ts';
import type { Action, Env, Observation } from '../env.ts';
import { CopyBlock, VectorEnvError } from './vector-env.ts';
import { isMainToWorker, stepTransferList, type Endpoint, type MainToWorker, type WorkerToMain } from './protocol.ts';

/** Serves vector-env requests arriving on `endpoint` until a `close` request. */
export function serveVectorWorker(endpoint: Endpoint): void {
  let block: CopyBlock | null = null;
  let queue: Promise<void> = Promise.resolve();
  const reply = (message: WorkerToMain, transfer: ArrayBuffer[] = []): void => endpoint.postMessage(message, transfer);
  const fail = (err: unknown): void => {
    const e = err instanceof Error ? err : new Error(String(err));
    const copyIndex = err instanceof VectorEnvError ? err.copyIndex : null;
    reply({ type: 'error', copyIndex, name: e.name, message: e.message });
  };

  async function handle(message: MainToWorker): Promise<void> {
    switch (message.type) {
      case 'init': {
        for (const url of message.modules) await import(/* @vite-ignore */ url);
        const envs: Env<Observation, Action>[] = [];
        for (let i = 0; i < message.count; i++) {
          try {
            envs.push(make<Observation, Action>(message.envId, message.makeOptions));
          } catch (err) {
            const e = err instanceof Error ? err : new Error(String(err));
            throw new VectorEnvError(message.envId, message.firstIndex + i, `${e.name}: ${e.message}`);
          }
        }
        block = new CopyBlock(envs, message.firstIndex);
        reply({ type: 'ready', obsDim: block.obsDim, actionDim: block.actionDim });
        return;
      }
      case 'reset': {
        const b = requireBlock(block);
        const r = b.reset(message.seeds.map((s) => s ?? undefined), message.options ?? undefined);
        const transfer = [r.obs.buffer as ArrayBuffer];
        if (r.masks !== undefined) transfer.push(r.masks.buffer as ArrayBuffer);
        reply({ type: 'reset-done', obs: r.obs, infos: r.infos, masks: r.masks ?? null }, transfer);
        return;
      }
      case 'step': {
        const r = requireBlock(block).step(message.actions);
        const done: Extract<WorkerToMain, { type: 'step-done' }> = { type: 'step-done', ...r, masks: r.masks ?? null };
        reply(done, stepTransferList(done));
        return;
      }
      case 'close': {
        if (block !== null) block.close();
        block = null;
        reply({ type: 'closed' });
        return;
      }
    }
  }

  endpoint.onMessage((message) => {
    if (!isMainToWorker(message)) {
      fail(new TypeError(`vector worker: unexpected message ${JSON.stringify(message)}`));
      return;
    }
    // Requests are answered in order; `init` is async (module imports), the rest are synchronous.
    queue = queue.then(() => handle(message)).catch(fail);
  });
}

function requireBlock(block: CopyBlock | null): CopyBlock {
  if (block === null) throw new Error('vector worker: request before init (or after close)');
  return block;
}
