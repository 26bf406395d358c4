/**
 * Unused-code check (`npm run lint:unused`, run in CI before the tests): files, exports, types and
 * dependencies that nothing reaches from the project's entry points.
 *
 * Entry points knip finds by itself: `bin/dojo.js` (package.json `bin`, which loads src/cli/main.ts),
 * index.html → src/web/main.ts (the vite plugin), the unit and browser test files and
 * tests/e2e/global-setup.ts (the vitest plugin, from vitest.config.ts and tests/e2e/vitest.config.ts).
 * The ones listed below are reached in ways it cannot follow.
 */
import type { KnipConfig } from 'knip';

const config: KnipConfig = {
  entry: [
    // bin/dojo.js loads the CLI with `await import('../src/cli/main.ts')` after registering tsx.
    'src/cli/main.ts',
    // Vector-env workers: node-worker.ts starts `new URL('./node-worker-entry.mjs', import.meta.url)`,
    // which imports node-worker-main.ts by URL after registering tsx.
    'src/gym/vector/node-worker-entry.mjs',
    'src/gym/vector/node-worker-main.ts',
    // The browser's workers: `new Worker(new URL('./worker.ts', import.meta.url))` and the same for the view
    // worker and the env workers the training worker starts.
    'src/web/worker.ts',
    'src/web/view-worker.ts',
    'src/web/vector-worker.ts',
    // Scripts run by npm scripts or by hand with tsx (benchmarks, kernel build, zoo tools, docs screenshots).
    'bench/*.ts',
    'scripts/*.{ts,mjs}',
    'tests/e2e/screenshots.ts',
  ],
  project: ['src/**/*.ts', 'envs/**/*.ts', 'agents/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs}', 'tests/**/*.ts', 'bin/**/*.js', '*.ts'],
  // An export that its own file uses is part of that module's documented surface (a constant named in a
  // doc comment, a type in a signature), not dead code.
  ignoreExportsUsedInFile: true,
  ignoreDependencies: [
    // src/cli/render.ts imports gifenc by a computed name (it ships without types and is narrowed at run time).
    'gifenc',
  ],
  ignoreIssues: {
    // The Space contract names every variant of the `Space` union (box, discrete, multiDiscrete,
    // multiBinary, dict, tuple) for envs to declare their spaces with, used or not.
    'src/gym/spaces.ts': ['types'],
  },
};

export default config;
