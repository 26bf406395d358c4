/**
 * The run folder of `dojo train` (`<out>/config.json`, `metrics.jsonl`, `evaluations.jsonl`,
 * `checkpoints/`, `final.safetensors`, `best.safetensors`), kept so that nothing is lost: a folder
 * holding another run is refused unless the user resumes from it or says `--overwrite`, the
 * default name never collides, folders are created one level at a time after checking that the
 * parent is a writable directory (Node's recursive mkdir spins forever on /proc), stale temporary
 * files of killed writers are removed, and on resume the logs are cut back to the checkpoint.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { removeStaleTemporaries, writeFileAtomic } from '../nn/safetensors-node.ts';

/** What a run writes in its folder: the files `--overwrite` removes (nothing else is touched). */
const RUN_FILES = ['config.json', 'metrics.jsonl', 'evaluations.jsonl', 'final.safetensors', 'best.safetensors'];
/** Checkpoints a run writes in `<out>/checkpoints`. */
const RUN_CHECKPOINT = /^(step|interrupted)-\d+\.safetensors$/;

/** How `prepareRunFolder` may treat a folder that already holds files. */
export type FolderUse = { resumeFrom?: string; overwrite?: boolean };

/**
 * Makes `out` and `out/checkpoints` ready for a run. A folder with files in it is refused unless
 * the run resumes from a checkpoint inside it, or `overwrite` is set (then the previous run's files
 * go, and nothing else). Stale temporary files (`*.tmp-<pid>-<hex>` of dead processes) are removed.
 */
export function prepareRunFolder(out: string, use: FolderUse = {}): void {
  createDirectory(out);
  const entries = fs.readdirSync(out).filter((n) => !isStaleTemporary(out, n));
  if (entries.length > 0 && !resumesFrom(out, use.resumeFrom)) {
    if (use.overwrite !== true) {
      throw new ConfigError(`train: the run folder ${out} is not empty (${describeEntries(entries)}); reusing it would overwrite or mix in another run's metrics and checkpoints. Choose another --out, resume from one of its checkpoints with --resume, or pass --overwrite to replace its run files`);
    }
    removeRunFiles(out);
  }
  createDirectory(path.join(out, 'checkpoints'));
  removeStaleTemporaries(out);
  removeStaleTemporaries(path.join(out, 'checkpoints'));
}

/**
 * A fresh folder `<parent>/<name>` (or `<name>-2`, `-3`, … when taken), created atomically so two
 * runs started in the same second never share one.
 */
export function claimRunFolder(parent: string, name: string): string {
  createDirectory(parent);
  for (let i = 1; i < 10_000; i++) {
    const candidate = path.join(parent, i === 1 ? name : `${name}-${i}`);
    try {
      fs.mkdirSync(candidate);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`train: cannot create the run folder ${candidate}: ${(err as Error).message}`);
    }
  }
  throw new ConfigError(`train: ${parent} already holds 10,000 runs named ${name}; choose --out`);
}

/**
 * Keeps the rows of a JSONL log whose `global_step` is at most `step` and drops the rest,
 * atomically (a temporary file renamed over the log): on resume, rows an interrupted run wrote
 * after its checkpoint would otherwise appear twice. Returns the number of rows dropped.
 */
export function cutLogAfter(file: string, step: number): number {
  if (!fs.existsSync(file)) return 0;
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const keep = lines.filter((line) => {
    try {
      const row = JSON.parse(line) as { global_step?: unknown };
      return typeof row.global_step === 'number' && row.global_step <= step;
    } catch {
      return false; // a row cut short by a kill
    }
  });
  if (keep.length === lines.length && (text === '' || text.endsWith('\n'))) return 0;
  writeFileAtomic(file, new TextEncoder().encode(keep.map((l) => `${l}\n`).join('')), 'log');
  return lines.length - keep.length;
}

/**
 * Creates `dir` and any missing parents one level at a time, after checking that the deepest
 * existing ancestor is a writable directory; the error names the folder and what is wrong.
 */
function createDirectory(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    const st = statOrNull(at);
    if (st !== null) {
      if (!st.isDirectory()) throw new ConfigError(`train: cannot create the run folder ${dir}: ${at} is not a directory`);
      break;
    }
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  if (missing.length === 0) return;
  try {
    fs.accessSync(at, fs.constants.W_OK);
  } catch {
    throw new ConfigError(`train: cannot create the run folder ${dir}: ${at} is not writable`);
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statOrNull(d)?.isDirectory()) continue;
      throw new ConfigError(`train: cannot create the run folder ${dir}: mkdir ${d} failed (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); is ${path.dirname(d)} a writable directory on a normal file system?`);
    }
  }
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function resumesFrom(out: string, checkpoint: string | undefined): boolean {
  if (checkpoint === undefined) return false;
  const rel = path.relative(fs.realpathSync(out), fs.realpathSync(checkpoint));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function isStaleTemporary(dir: string, name: string): boolean {
  return /\.tmp-\d+-[0-9a-f]{12}$/.test(name) && statOrNull(path.join(dir, name))?.isFile() === true;
}

function describeEntries(names: string[]): string {
  const shown = names.slice(0, 4).join(', ');
  return names.length > 4 ? `${shown} and ${names.length - 4} more` : shown;
}

/** Removes what a previous run wrote (RUN_FILES and its checkpoints), leaving anything else. */
function removeRunFiles(out: string): void {
  for (const name of RUN_FILES) fs.rmSync(path.join(out, name), { force: true });
  const ckpts = path.join(out, 'checkpoints');
  if (statOrNull(ckpts)?.isDirectory()) {
    for (const name of fs.readdirSync(ckpts)) if (RUN_CHECKPOINT.test(name)) fs.rmSync(path.join(ckpts, name), { force: true });
  }
}
