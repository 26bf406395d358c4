/**
 * Shared bench plumbing: the commit and machine every result is printed with, and a timer that
 * reports medians.
 */
import { execSync } from 'node:child_process';
import os from 'node:os';

/** The short commit hash, with "+dirty" when the tree has uncommitted changes. */
export function commitId(): string {
  try {
    const hash = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execSync('git status --porcelain --untracked-files=no', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty.length > 0 ? `${hash}+dirty` : hash;
  } catch {
    return 'unknown';
  }
}

/** CPU model, core count, memory and Node version. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown cpu'} x${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/** Median wall time in ms of `fn`, after warm-up, within a time budget. */
export async function medianMs(fn: () => void | Promise<void>, opts: { warmup?: number; minRuns?: number; maxRuns?: number; budgetMs?: number } = {}): Promise<number> {
  const { warmup = 3, minRuns = 5, maxRuns = 200, budgetMs = 2000 } = opts;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < minRuns || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
