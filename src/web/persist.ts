/**
 * What survives a reload: the last settings (env, algorithm, config per algorithm, speed) in
 * localStorage, and the last checkpoint (its .safetensors bytes) in IndexedDB, since checkpoints
 * outgrow localStorage's few megabytes. Both fail soft: private windows and full disks only lose
 * the memory, never the page.
 */

const SETTINGS_KEY = 'rl-dojo/settings/v1';
const DB_NAME = 'rl-dojo';
const STORE = 'checkpoints';
const LAST = 'last';

/** The remembered settings. */
export interface Settings {
  envId?: string;
  algo?: string;
  /** Config per `<algo>@<envId>`. */
  configs?: Record<string, Record<string, unknown>>;
  speed?: string;
  deterministic?: boolean;
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
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
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

/** Forgets the stored checkpoint. */
export async function clearCheckpoint(): Promise<void> {
  try {
    const db = await openDb();
    await new Promise<void>((resolve) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete(LAST);
      tx.oncomplete = () => resolve();
      tx.onerror = () => resolve();
    });
    db.close();
  } catch {
    // ignore
  }
}
