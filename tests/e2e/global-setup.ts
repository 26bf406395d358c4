/**
 * Serves the built site (dist/, from `npm run build`) with `vite preview` on a free localhost port
 * for the e2e tests, and shuts it down afterwards. Builds first when dist/ is missing.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The sandbox's URL, e.g. http://127.0.0.1:41234/ */
    baseUrl: string;
  }
}

/** A port the OS says is free right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = project.config.root;
  if (!existsSync(`${root}/dist/index.html`)) await build({ root, logLevel: 'error' });
  const port = await freePort();
  const server: PreviewServer = await preview({ root, logLevel: 'error', preview: { host: '127.0.0.1', port, strictPort: true } });
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  return async () => {
    await server.close();
  };
}
