/**
 * Serves the built site (dist/) with `vite preview` on a free localhost port: for the e2e tests
 * (global-setup.ts) and the screenshot and benchmark scripts. Builds first when dist/ is missing.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { build, preview } from 'vite';

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
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

/** Starts the preview server; returns its URL and a function that stops it. */
export async function serveSite(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (!existsSync(`${root}/dist/index.html`)) await build({ root, logLevel: 'error' });
  const port = await freePort();
  const server = await preview({ root, logLevel: 'error', preview: { host: '127.0.0.1', port, strictPort: true } });
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}
