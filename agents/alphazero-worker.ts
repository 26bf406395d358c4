/**
 * AlphaZero self-play on Node `worker_threads` (a helper of agents/alphazero.ts).
 *
 * The main thread sends each worker the best network's weights and the rng states of its share of the
 * games; the worker plays them with the same `selfPlayGame` as the in-process path and sends the samples
 * back. Game i always uses rng i and the evaluator is a pure function of the weights, so the results equal
 * the in-process ones. Workers start through tsx's loader (as the vector-env workers do) and load this
 * same file, which serves requests when it finds itself on a worker thread.
 */
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Rng, type RngState } from '../src/core/rng.ts';
import { stateDict } from '../src/nn/index.ts';
import type { AzNet } from './alphazero-net.ts';
import type { AlphaZeroConfig, GameSamples, SelfPlayBackend } from './alphazero.ts';

interface PlayRequest {
  readonly weights: Array<[string, Float32Array, readonly number[]]>;
  readonly rngs: RngState[];
}

const BOOT = (url: string): string =>
  `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url)}); }).catch((e) => { console.error(e); process.exit(1); });`;

/** Starts `cfg.workers` workers; `play` splits the games between them in contiguous blocks. */
export function workerSelfPlay(envId: string, cfg: AlphaZeroConfig): { play: SelfPlayBackend; close: () => Promise<void> } {
  const workers = Array.from({ length: cfg.workers }, (_, i) => new Worker(BOOT(import.meta.url), { eval: true, execArgv: [], name: `dojo-alphazero-${i}`, workerData: { alphazero: true, envId, cfg } }));
  const ask = (w: Worker, req: PlayRequest): Promise<GameSamples[]> =>
    new Promise((resolve, reject) => {
      const onMessage = (m: GameSamples[] | { error: string }): void => {
        w.off('error', onError);
        if ('error' in m) reject(new Error(`alphazero self-play worker: ${m.error}`));
        else resolve(m);
      };
      const onError = (e: Error): void => {
        w.off('message', onMessage);
        reject(e);
      };
      w.once('message', onMessage);
      w.once('error', onError);
      w.postMessage(req);
    });
  const play: SelfPlayBackend = async (best: AzNet, rngs: readonly Rng[]) => {
    const weights: PlayRequest['weights'] = [...stateDict(best)].map(([k, t]) => [k, t.data.slice(), t.shape]);
    const per = Math.ceil(rngs.length / workers.length);
    const parts = await Promise.all(workers.map((w, i) => {
      const share = rngs.slice(i * per, (i + 1) * per).map((r) => r.getState());
      return share.length === 0 ? Promise.resolve([]) : ask(w, { weights, rngs: share });
    }));
    return parts.flat();
  };
  const close = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.terminate()));
  };
  return { play, close };
}

/** The worker side: rebuilds the game and network once, then plays each request. */
async function serve(): Promise<void> {
  const data = workerData as { envId: string; cfg: AlphaZeroConfig };
  await import('../envs/index.ts');
  const az = await import('./alphazero.ts');
  const { netEvaluator } = await import('./alphazero-net.ts');
  const { loadStateDict } = await import('../src/nn/index.ts');
  const game = az.gameOf(data.envId, data.cfg);
  const net = az.buildNet(game, data.cfg, new Rng(0));
  parentPort?.on('message', (req: PlayRequest) => {
    try {
      loadStateDict(net, new Map(req.weights.map(([k, d, shape]) => [k, { data: d, shape }])));
      const evaluate = netEvaluator(game, net);
      const out = req.rngs.map((state) => {
        const rng = new Rng(0);
        rng.setState(state);
        return az.selfPlayGame(game, evaluate, data.cfg, rng);
      });
      parentPort?.postMessage(out);
    } catch (e) {
      parentPort?.postMessage({ error: (e as Error).stack ?? String(e) });
    }
  });
}

if (!isMainThread && (workerData as { alphazero?: boolean } | null)?.alphazero === true) void serve();
