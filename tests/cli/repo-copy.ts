/**
 * A throwaway copy of the repository for tests that change it as a user would (`dojo new-env`, editing an
 * env file while the page trains): the source folders and the files vite and the CLI read, with
 * `node_modules` linked rather than copied, so a copy costs a few megabytes and no install. The tests
 * never edit the repository itself.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..');

/** What a copy needs: the code, the CLI, the page and its config (not tests, docs, benches or the zoo's checkpoints). */
const ENTRIES = ['src', 'envs', 'agents', 'bin', 'index.html', 'vite.config.ts', 'package.json', 'tsconfig.json'];

/** Copies the repository into a new temporary folder; returns the folder and a function that removes it. */
export function copyRepo(): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'dojo-repo-'));
  for (const entry of ENTRIES) cpSync(join(REPO, entry), join(root, entry), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
