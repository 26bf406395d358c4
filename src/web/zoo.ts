/**
 * The model zoo: every `zoo/<env-id>.<algo>.safetensors` in the repo, bundled by vite as a URL
 * (`?url`), so a checkpoint added to zoo/ appears in the page with no code change. The file name
 * (`<env-id>.<algo>.safetensors`, docs/ARCHITECTURE.md) only labels the entry; loading reads the env id and the
 * algorithm from the checkpoint's own metadata.
 */

const FILES = import.meta.glob<string>('../../zoo/*.safetensors', { eager: true, query: '?url', import: 'default' });

/** One shipped checkpoint. */
export interface ZooEntry {
  readonly file: string;
  /** The env id part of the file name (`CartPole-v1`). */
  readonly envId: string;
  readonly algo: string;
  readonly url: string;
}

/** The shipped checkpoints, sorted by env id. */
export function zooEntries(): ZooEntry[] {
  const out: ZooEntry[] = [];
  for (const [path, url] of Object.entries(FILES)) {
    const file = path.replace(/^.*\//, '');
    const m = /^(.+)\.([a-z0-9_-]+)\.safetensors$/i.exec(file);
    if (m === null) continue;
    out.push({ file, envId: m[1], algo: m[2], url });
  }
  return out.sort((a, b) => (a.envId < b.envId ? -1 : a.envId > b.envId ? 1 : 0));
}

/** The shipped checkpoint for `envId` (the first by algorithm name when there are several), or undefined. */
export function zooFor(envId: string): ZooEntry | undefined {
  return zooEntries().find((z) => z.envId === envId);
}

/** Fetches a shipped checkpoint and hands over its bytes, or says why it could not. */
export async function fetchZoo(z: ZooEntry, onBytes: (bytes: ArrayBuffer, file: string) => void, onError: (text: string) => void): Promise<void> {
  try {
    const res = await fetch(z.url);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    onBytes(await res.arrayBuffer(), z.file);
  } catch (err) {
    onError(`Could not fetch ${z.file}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Fills `list` with one button per shipped checkpoint; a click fetches the file and hands over its bytes. */
export function fillZooList(list: HTMLElement, onBytes: (bytes: ArrayBuffer, file: string) => void, onError: (text: string) => void): void {
  list.innerHTML = '';
  const entries = zooEntries();
  if (entries.length === 0) list.innerHTML = '<li class="muted">No checkpoints in zoo/ yet.</li>';
  for (const z of entries) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.zoo = z.file;
    b.title = `load ${z.file} and watch it play`;
    const env = document.createElement('span');
    env.textContent = z.envId;
    const algo = document.createElement('span');
    algo.className = 'algo';
    algo.textContent = z.algo.toUpperCase();
    b.append(env, algo);
    b.addEventListener('click', () => void fetchZoo(z, onBytes, onError));
    const li = document.createElement('li');
    li.appendChild(b);
    list.appendChild(li);
  }
}
