/**
 * What survives a reload: the last settings (env, algorithm, config per algorithm, speed) in
 * localStorage; in IndexedDB, since checkpoints outgrow localStorage's few megabytes, the last
 * checkpoint played (its .safetensors bytes) and every run of the run list (its metrics rows and its
 * latest checkpoint). All of it fails soft: private windows and full disks only lose the memory,
 * never the page, and the run list says when a run could not be stored.
 */
import type { Metrics } from '../core/metrics.ts';

const SETTINGS_KEY = 'rl-dojo/settings/v1';
const DB_NAME = 'rl-dojo';
const DB_VERSION = 2;
const STORE = 'checkpoints';
const RUNS = 'runs';
const LAST = 'last';

/** The remembered settings. */
export interface Settings {
  envId?: string;
  algo?: string;
  /** Config per `<algo>@<envId>`. */
  configs?: Record<string, Record<string, unknown>>;
  speed?: string;
  deterministic?: boolean;
  /** The env-workers choice ('auto' or a number). */
  workers?: string;
}

export function loadSettings(): Settings {
  try {
    const raw = localStorage.getItem(SETTINGS_KEY);
    const v: unknown = raw === null ? {} : JSON.parse(raw);
    return typeof v === 'object' && v !== null ? (v as Settings) : {};
  } catch {
    return {};
  }
}

export function saveSettings(s: Settings): void {
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch {
    // storage unavailable or full: settings are a convenience
  }
}

/** A stored checkpoint. */
export interface StoredCheckpoint {
  readonly name: string;
  /** The env it plays (restored only when it is still the selected env). */
  readonly envId: string;
  readonly bytes: ArrayBuffer;
  readonly savedAt: number;
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE);
      if (!db.objectStoreNames.contains(RUNS)) db.createObjectStore(RUNS);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB unavailable'));
  });
}

/** Keeps `ckpt` as the last checkpoint (replacing the previous one). */
export async function storeCheckpoint(ckpt: StoredCheckpoint): Promise<void> {
  try {
    const db = await openDb();
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).put(ckpt, LAST);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
    });
    db.close();
  } catch {
    // nothing to do: the checkpoint is still downloadable
  }
}

/** The last stored checkpoint, or null. */
export async function lastCheckpoint(): Promise<StoredCheckpoint | null> {
  try {
    const db = await openDb();
    const v = await new Promise<unknown>((resolve, reject) => {
      const req = db.transaction(STORE, 'readonly').objectStore(STORE).get(LAST);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB read failed'));
    });
    db.close();
    const c = v as Partial<StoredCheckpoint> | undefined;
    return c !== undefined && typeof c.name === 'string' && typeof c.envId === 'string' && c.bytes instanceof ArrayBuffer ? { name: c.name, envId: c.envId, bytes: c.bytes, savedAt: c.savedAt ?? 0 } : null;
  } catch {
    return null;
  }
}

/** A run of the page's run list, as stored: everything needed to chart it, play it and resume it. */
export interface StoredRun {
  readonly id: string;
  readonly envId: string;
  readonly algo: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly envKwargs: Readonly<Record<string, unknown>>;
  readonly rows: readonly Metrics[];
  /** 'finished' (its budget), 'stopped' (left, or the page closed while it trained), or 'loaded' (a file). */
  readonly status: 'finished' | 'stopped' | 'loaded';
  readonly colour: string;
  readonly overlay: boolean;
  /** The latest checkpoint of the run (.safetensors bytes), or null when none was taken yet. */
  readonly checkpoint: ArrayBuffer | null;
  /** The global step the checkpoint was taken at (rows after it are not in the checkpoint), or -1. */
  readonly checkpointStep: number;
  readonly startedAt: number;
  readonly savedAt: number;
}

/** Runs one request on the runs store. */
async function onRuns<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(RUNS, mode);
      const req = fn(tx.objectStore(RUNS));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB request failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB request aborted'));
    });
  } finally {
    db.close();
  }
}

/** Stores (or replaces) one run; false when storage is unavailable or full. */
export async function putRun(run: StoredRun): Promise<boolean> {
  try {
    await onRuns('readwrite', (s) => s.put(run, run.id));
    return true;
  } catch {
    return false;
  }
}

/** Every stored run, oldest first; entries that do not have the stored shape are skipped. */
export async function listRuns(): Promise<StoredRun[]> {
  try {
    const all = await onRuns<unknown[]>('readonly', (s) => s.getAll());
    return all.filter(isStoredRun).sort((a, b) => a.startedAt - b.startedAt);
  } catch {
    return [];
  }
}

/** Forgets one run. */
export async function deleteRun(id: string): Promise<void> {
  try {
    await onRuns('readwrite', (s) => s.delete(id));
  } catch {
    // nothing stored, nothing to forget
  }
}

function isStoredRun(v: unknown): v is StoredRun {
  const r = v as Partial<StoredRun> | null;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && typeof r.envId === 'string' && typeof r.algo === 'string' && Array.isArray(r.rows) && (r.checkpoint === null || r.checkpoint instanceof ArrayBuffer) && typeof r.checkpointStep === 'number' && typeof r.startedAt === 'number';
}
