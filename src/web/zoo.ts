/**
 * The model zoo: every `zoo/<env-id>.<algo>.safetensors` in the repo, bundled by vite as a URL
 * (`?url`), so a checkpoint added to zoo/ appears in the page with no code change. The file name
 * (DESIGN.md: `<env-id>.<algo>.safetensors`) only labels the entry; loading reads the env id and the
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
