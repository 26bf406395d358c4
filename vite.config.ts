/**
 * The browser sandbox (index.html → src/web/main.ts): `npm start` serves it with hot reload,
 * `npm run build` writes the static site to dist/, `npm run preview` serves that build.
 *
 * The training worker is an ES module worker (src/web/worker.ts). Checkpoints in zoo/ and the tuned
 * configs in agents/configs are bundled through import.meta.glob, so new files appear on their own.
 */
import { defineConfig } from 'vite';

export default defineConfig({
  root: '.',
  publicDir: 'public',
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
  },
  server: {
    // a run of `dojo train` writes here every iteration; the page never reads it
    watch: { ignored: ['**/runs/**', '**/bench/out/**', '**/dist/**'] },
  },
});
