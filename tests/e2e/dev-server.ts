/**
 * Serves a folder with vite's dev server (`npm start`), hot reload included, on a free localhost port: for
 * the tests that edit an env file while the page trains (server.ts serves only the built site). The folder
 * is a copy of the repository (tests/cli/repo-copy.ts) whose `node_modules` links to the real one, so
 * vite's dependency cache goes inside the copy and the linked folder is allowed to be served.
 */
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'vite';
import { freePort } from './server.ts';

/** Starts the dev server on `root`; returns its URL and a function that stops it. */
export async function serveDev(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const port = await freePort();
  const server = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'error',
    cacheDir: join(root, '.vite'),
    server: { host: '127.0.0.1', port, strictPort: true, fs: { allow: [root, realpathSync(join(root, 'node_modules'))] } },
  });
  await server.listen();
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
