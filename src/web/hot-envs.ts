/**
 * The envs of the page's workers, swapped in while the page runs. The training, view and env workers import
 * the env registrations through this module (never `envs/index.ts` directly), and under `npm start` (vite's
 * dev server) it is the HMR boundary for them: saving an env file re-runs `envs/index.ts` (its `dispose`
 * takes the old registrations back first), so the registry holds the new code, and then the listeners
 * given to `onEnvsSwapped` hear of it; the page itself does not reload. New code that fails to load (a
 * syntax error, a throw while registering) leaves the registrations as they were before the save.
 *
 * The training worker (worker.ts) moves its run onto the new code and refreshes the pickers; the view worker
 * rebuilds its display env; the env workers need nothing (a run that moves starts new ones). In a build
 * (`npm run build`) `import.meta.hot` is undefined and this module only imports the envs.
 */
import '../../envs/index.ts';
import { listGames, registerGame, unregisterGame, type GameRegistration } from '../game/registry.ts';
import { register, registeredIds, registrations, unregister, type EnvRegistration } from '../gym/registry.ts';

/** What a listener hears: `loaded` is false when the edited code failed to load (a syntax error, a throw). */
type SwapListener = (loaded: boolean) => void;

const listeners: SwapListener[] = [];

/** Calls `listener` after every hot swap of the env code in this worker (never in a build). */
export function onEnvsSwapped(listener: SwapListener): void {
  listeners.push(listener);
}

/** The registrations before the update being applied, to put back if the new code fails to load. */
let before: { envs: EnvRegistration[]; games: GameRegistration[] } | null = null;

/** Replaces whatever is registered now (a half-run module's registrations) by `saved`. */
function restore(saved: { envs: EnvRegistration[]; games: GameRegistration[] }): void {
  for (const id of registeredIds()) unregister(id);
  for (const game of listGames()) unregisterGame(game.id);
  for (const registration of saved.envs) register(registration);
  for (const game of saved.games) registerGame(game);
}

if (import.meta.hot) {
  // vite announces an update before it disposes the old envs/index.ts and imports the new one
  import.meta.hot.on('vite:beforeUpdate', () => {
    before = { envs: registrations(), games: listGames() };
  });
  import.meta.hot.accept('../../envs/index.ts', (next) => {
    const loaded = next !== undefined;
    if (!loaded && before !== null) restore(before);
    before = null;
    for (const listener of listeners) listener(loaded);
  });
}
