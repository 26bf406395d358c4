/**
 * Where a result comes from: the commit of the code that produced it and the machine it ran on, printed
 * with every benchmark result and stored in every checkpoint `dojo train` writes (metadata `commit`).
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { CheckpointPayload, TrainRun } from '../../agents/common/agent.ts';

/** The package root: the git checkout whose commit is reported. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let cachedCommit: string | undefined;

/**
 * The short commit hash of the package's checkout, with "+dirty" when tracked files have uncommitted
 * changes; "unknown" outside a git checkout (an installed package). Read once per process.
 */
export function commitId(): string {
  if (cachedCommit !== undefined) return cachedCommit;
  const git = (...args: string[]): string => execFileSync('git', ['-C', ROOT, ...args], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  try {
    const hash = git('rev-parse', '--short', 'HEAD');
    cachedCommit = git('status', '--porcelain', '--untracked-files=no').length > 0 ? `${hash}+dirty` : hash;
  } catch {
    cachedCommit = 'unknown';
  }
  return cachedCommit;
}

/** CPU model, core count, memory and Node version. */
export function machine(): string {
  const cpus = os.cpus();
  return `${cpus[0]?.model ?? 'unknown cpu'} x${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}

/**
 * `run` with every checkpoint's metadata extended by `provenance` (`commit`, `preset`), so a file says
 * which code and which starting config produced it; all else delegates to `run`.
 */
export function withProvenance(run: TrainRun, provenance: Readonly<Record<string, string>>): TrainRun {
  return {
    get iterations() {
      return run.iterations;
    },
    get policy() {
      return run.policy;
    },
    get totalTimesteps() {
      return run.totalTimesteps;
    },
    globalStep: () => run.globalStep(),
    checkpointDue: () => run.checkpointDue(),
    checkpoint: (): CheckpointPayload => {
      const payload = run.checkpoint();
      return { tensors: payload.tensors, metadata: { ...payload.metadata, ...provenance } };
    },
    close: () => run.close(),
  };
}
