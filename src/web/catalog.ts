/**
 * Worker side: what the pickers show, read from the registries (envs/index.ts, agents/index.ts,
 * src/game/registry.ts), and the browser's RunContext. A file that registers an env appears here with
 * no other change: the catalog is rebuilt from `listEnvs()` every time the worker starts.
 *
 * The browser RunContext is `src/cli/run-context.ts` without its Node parts: the same `make` and the
 * same in-process vector env (`makeVec` without workers), so a run here takes exactly the steps `dojo train` takes.
 */
import { AGENTS } from '../../agents/index.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { ArcadeEnv } from '../../envs/arcade/arcade-env.ts';
import { kernelInfo } from '../autograd/kernels/index.ts';
import { listGames } from '../game/registry.ts';
import { GameEnv } from '../game/game-env.ts';
import type { AnyEnv, Env } from '../gym/env.ts';
import { listEnvs, make, makeVec } from '../gym/registry.ts';
import { describeSpace } from '../gym/spaces.ts';
import type { AgentInfo, Catalog, Category, EnvInfo } from './protocol.ts';

/** Tuned configs shipped in bench/configs (`<algo>-<envId>.json`), bundled by vite. */
const PRESET_FILES = import.meta.glob<Record<string, unknown>>('../../bench/configs/*.json', { eager: true, import: 'default' });

/** The browser's RunContext for `envId`: every copy in this (worker) thread, as `dojo train` without `--workers`. */
export function browserRunContext(envId: string, opts: { resume?: CheckpointPayload; kwargs?: Readonly<Record<string, unknown>> } = {}): RunContext {
  const kwargs = opts.kwargs ?? {};
  const makeEnv = (): Env => make(envId, { kwargs }) as Env;
  makeEnv().close(); // fail early, with the registry's message, on an unknown id
  return {
    envId,
    envKwargs: kwargs,
    makeEnv,
    makeVec: (numEnvs: number) => makeVec(envId, numEnvs, { kwargs }),
    resume: opts.resume,
  };
}

/**
 * The picker group of an env. Board games are the ids registered as Games (or GameEnvs); arcade
 * games are ArcadeEnvs; `Debug/` and `Examples/` namespaces go to "other"; robot ids are named after
 * walkers and robots (or live in a `Robot/` namespace); everything else is classic control.
 */
export function categorize(id: string, env: AnyEnv, gameIds: ReadonlySet<string>): Category {
  if (gameIds.has(id) || env.unwrapped instanceof GameEnv) return 'board';
  if (env.unwrapped instanceof ArcadeEnv) return 'arcade';
  if (/^(Debug|Examples?)\//.test(id)) return 'other';
  if (/^Robot\//.test(id) || /walker|robot|biped|legged|hopper|amp-?foot/i.test(id)) return 'robot';
  return 'classic';
}

/** Builds every registered env once to read its spaces, and asks each agent whether it handles them. */
export function buildCatalog(): Catalog {
  const games = listGames();
  const gameIds = new Set(games.map((g) => g.id));
  const envs: EnvInfo[] = [];
  const broken: Record<string, string> = {};
  for (const spec of listEnvs()) {
    let env: AnyEnv;
    try {
      env = make<unknown, unknown>(spec.id);
    } catch (err) {
      broken[spec.id] = err instanceof Error ? err.message : String(err);
      continue;
    }
    const support: Record<string, string | null> = {};
    for (const agent of AGENTS) support[agent.name] = agent.supports(env.observationSpace, env.actionSpace);
    const game = games.find((g) => g.id === spec.id);
    envs.push({
      id: spec.id,
      category: categorize(spec.id, env, gameIds),
      observation: describeSpace(env.observationSpace),
      action: describeSpace(env.actionSpace),
      rewardThreshold: spec.rewardThreshold,
      maxEpisodeSteps: spec.maxEpisodeSteps,
      renderFps: spec.metadata.renderFps,
      // a keymap without keys only names the no-op action (for `dojo render`): nothing to play with
      keymap: spec.metadata.keymap !== undefined && Object.keys(spec.metadata.keymap.keys).length > 0 ? spec.metadata.keymap : null,
      game: game !== undefined ? game.description : null,
      support,
    });
    env.close();
  }
  const agents: AgentInfo[] = AGENTS.map((a) => ({ name: a.name, title: a.title, spaces: a.spaces, spec: a.spec }));
  const presets: Record<string, Record<string, unknown>> = {};
  for (const [path, config] of Object.entries(PRESET_FILES)) {
    const key = path.replace(/^.*\//, '').replace(/\.json$/, '');
    if (typeof config === 'object' && config !== null) presets[key] = config;
  }
  return { envs, agents, presets, kernel: kernelInfo.backend, broken };
}
