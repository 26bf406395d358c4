/**
 * `dojo worker --redis <url> [--redis-ca file] [--store dir] [--concurrency n] [--lock-ms n]`
 *
 * Takes sweep trials from the BullMQ queue on Redis (sweep-worker.ts), trains each as a `dojo train`
 * child and reports progress, evaluations, resume points and the finished run folder back through
 * Redis (or the shared `--store` folder), until SIGINT or SIGTERM. Start as many as you like on as many
 * machines as you like; each accepts only registered envs, known algorithms and configs that pass the
 * field specs.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { ConfigError } from '../core/errors.ts';

/** Options of `dojo worker`. */
type WorkerFlags = { redis?: string; redisCa?: string; store?: string; concurrency?: string; lockMs?: string };

/** How long a job's lock lasts by default (BullMQ's default): a vanished worker's trial is taken again after about twice this. */
const DEFAULT_LOCK_MS = 30_000;

/** Runs a worker until a signal stops it. */
export async function worker(flags: WorkerFlags): Promise<void> {
  if (flags.redis === undefined) throw new ConfigError('worker: --redis <url> is required (the Redis the sweep coordinator enqueued its trials on, e.g. redis://127.0.0.1:6379)');
  const concurrency = flags.concurrency !== undefined ? Number(flags.concurrency) : availableParallelism();
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigError(`worker: --concurrency expects a positive integer, received ${JSON.stringify(flags.concurrency)}`);
  const lockMs = flags.lockMs !== undefined ? Number(flags.lockMs) : DEFAULT_LOCK_MS;
  if (!Number.isInteger(lockMs) || lockMs < 1000) throw new ConfigError(`worker: --lock-ms expects an integer of at least 1000, received ${JSON.stringify(flags.lockMs)}`);
  // bullmq and ioredis load only here, so everything else needs no Redis
  const { runWorker } = await import('./sweep-worker.ts');
  await runWorker({ url: flags.redis, caFile: flags.redisCa, store: flags.store, concurrency, lockMs, log: (l) => process.stdout.write(`${l}\n`) });
}

/** Adds `dojo worker`. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('take sweep trials from a Redis queue (dojo sweep --redis) and train them; see docs/sweeps.md')
    .option('--redis <url>', 'redis://[:password@]host:port (rediss:// for TLS)')
    .option('--redis-ca <file>', 'with rediss://: the PEM certificate of the CA that signed the server\'s certificate (default: the system\'s CAs)')
    .option('--store <dir>', 'this machine\'s mount of the shared folder that sweeps started with --store send their run files through')
    .option('--concurrency <n>', 'trials at once (default: the core count)')
    .option('--lock-ms <n>', `how long a trial's lock lasts without renewal; a vanished worker's trial is taken again after about twice this (default ${DEFAULT_LOCK_MS})`)
    .action(async (opts: WorkerFlags) => {
      await worker(opts);
    });
}
