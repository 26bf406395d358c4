/**
 * The envs of the page's workers, swapped in while the page runs. The training, view and env workers import
 * the env registrations through this module (never `envs/index.ts` directly), and under `npm start` (vite's
 * dev server) it is the HMR boundary for them. Saving an env file re-runs `envs/index.ts`, whose `dispose`
 * starts the registry's hot reload: each id registered again replaces the old one, so no id is missing
 * while the new module runs. Then the registry holds the new code and the listeners given to
 * `onEnvsSwapped` hear of it; the page itself does not reload. New code that fails to load (a syntax
 * error, a throw while registering) leaves the registrations as they were before the save.
 *
 * The training worker (worker.ts) moves its run onto the new code and refreshes the pickers; the view worker
 * rebuilds its display env; the env workers need nothing (a run that moves starts new ones). In a build
 * (`npm run build`) `import.meta.hot` is undefined and this module only imports the envs.
 */
import '../../envs/index.ts';
import { listGames, registerGame, unregisterGame, type GameRegistration } from '../game/registry.ts';
import { endHotReload } from '../gym/registry.ts';

/** What a listener hears: `loaded` is false when the edited code failed to load (a syntax error, a throw). */
type SwapListener = (loaded: boolean) => void;

const listeners: SwapListener[] = [];

/** Calls `listener` after every hot swap of the env code in this worker (never in a build). */
export function onEnvsSwapped(listener: SwapListener): void {
  listeners.push(listener);
}

/** The games registered before the update being applied, to put back if the new code fails to load. */
let gamesBefore: GameRegistration[] | null = null;

if (import.meta.hot) {
  // vite announces an update before it disposes the old envs/index.ts (which starts the registry's hot reload) and imports the new one
  import.meta.hot.on('vite:beforeUpdate', () => {
    gamesBefore = listGames();
  });
  import.meta.hot.accept('../../envs/index.ts', (next) => {
    const loaded = next !== undefined;
    endHotReload(loaded);
    if (!loaded && gamesBefore !== null) {
      for (const game of listGames()) unregisterGame(game.id);
      for (const game of gamesBefore) registerGame(game);
    }
    gamesBefore = null;
    for (const listener of listeners) listener(loaded);
  });
}
