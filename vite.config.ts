/**
 * The browser sandbox (index.html → src/web/main.ts): `npm start` serves it with hot reload,
 * `npm run build` writes the static site to dist/, `npm run preview` serves that build.
 *
 * The training and view workers are ES module workers (src/web/worker.ts, view-worker.ts), and the
 * training worker starts env workers of its own (vector-worker.ts). Checkpoints in zoo/ and the tuned
 * configs in agents/configs are bundled through import.meta.glob, so new files appear on their own.
 */
import { defineConfig } from 'vite';

/**
 * Cross-origin isolation, so the page's workers can share memory (SharedArrayBuffer, Atomics): the env
 * copies of a run on a second worker then step without a message per step. Everything the page loads is
 * same-origin, so `require-corp` blocks nothing. A static host without these headers still works, with
 * messages instead.
 */
const ISOLATION = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/**
 * The dev server pre-bundles dependencies it finds by crawling from index.html, which does not reach into
 * the workers (`new Worker(new URL(...))`): matter-js, imported by the robot envs in the workers only, was
 * found on the first page load, re-bundled, and the page reloaded after ~15 s on "starting…". Crawling
 * the workers too, and naming matter-js (a CommonJS module), bundles everything before the first load.
 */
const OPTIMIZE_DEPS = {
  entries: ['index.html', 'src/web/worker.ts', 'src/web/view-worker.ts', 'src/web/vector-worker.ts'],
  include: ['matter-js'],
};

export default defineConfig({
  root: '.',
  publicDir: 'public',
  worker: { format: 'es' },
  optimizeDeps: OPTIMIZE_DEPS,
  build: {
    outDir: 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
  preview: { headers: ISOLATION },
  server: {
    headers: ISOLATION,
    // a run of `dojo train` writes here every iteration; the page never reads it
    watch: { ignored: ['**/runs/**', '**/bench/out/**', '**/dist/**'] },
  },
});
