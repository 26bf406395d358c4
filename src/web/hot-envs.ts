/**
 * The envs of the page's workers, swapped in while the page runs. The training, view and env workers import
 * the env registrations through this module (never `envs/index.ts` directly), and under `npm start` (vite's
 * dev server) it is the HMR boundary for them: saving an env file re-runs `envs/index.ts` (its `dispose`
 * takes the old registrations back first), so the registry holds the new code, and then the listeners
 * given to `onEnvsSwapped` hear of it; the page itself does not reload.
 *
 * The training worker (worker.ts) moves its run onto the new code and refreshes the pickers; the view worker
 * rebuilds its display env; the env workers need nothing (a run that moves starts new ones). In a build
 * (`npm run build`) `import.meta.hot` is undefined and this module only imports the envs.
 */
import '../../envs/index.ts';

/** What a listener hears: `loaded` is false when the edited code failed to load (a syntax error, a throw). */
type SwapListener = (loaded: boolean) => void;

const listeners: SwapListener[] = [];

/** Calls `listener` after every hot swap of the env code in this worker (never in a build). */
export function onEnvsSwapped(listener: SwapListener): void {
  listeners.push(listener);
}

if (import.meta.hot) {
  import.meta.hot.accept('../../envs/index.ts', (next) => {
    for (const listener of listeners) listener(next !== undefined);
  });
}
