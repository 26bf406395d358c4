/**
 * Worker side: what the pickers show, read from the registries (envs/index.ts, agents/index.ts,
 * src/game/registry.ts), and the browser's RunContext. A file that registers an env appears here with
 * no other change: the catalog is rebuilt from `listEnvs()` every time the worker starts.
 *
 * The browser RunContext is `src/cli/run-context.ts` without its Node parts: the same `make` and the
 * same vector envs (in-process, or the gym's `WorkerVectorEnv` on Web Workers), so a run here takes
 * exactly the steps `dojo train` takes with the same `--workers`.
 */
import { AGENTS } from '../../agents/index.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { splitPreset } from '../../agents/common/config.ts';
import { kernelInfo } from '../autograd/kernels/index.ts';
import { listGames } from '../game/registry.ts';
import type { AnyEnv, Env } from '../gym/env.ts';
import type { VectorEnv } from '../gym/vector/vector-env.ts';
import { envCategory, listEnvs, make, makeVec } from '../gym/registry.ts';
import { describeSpace } from '../gym/spaces.ts';
import { WorkerVectorEnv } from '../gym/vector/worker-vector-env.ts';
import { spawnWebWorker } from './vector-spawn.ts';
import type { AgentInfo, Catalog, EnvInfo } from './protocol.ts';

/** Tuned configs shipped in agents/configs (`<algo>-<envId>.json`), bundled by vite. */
const PRESET_FILES = import.meta.glob<Record<string, unknown>>('../../agents/configs/*.json', { eager: true, import: 'default' });

/** The bundled presets by `<algo>-<envId>`: config fields and env kwargs apart (see `splitPreset`). */
function bundledPresets(): Record<string, ReturnType<typeof splitPreset>> {
  const out: Record<string, ReturnType<typeof splitPreset>> = {};
  for (const [path, content] of Object.entries(PRESET_FILES)) {
    const name = path.replace(/^.*\//, '');
    if (typeof content === 'object' && content !== null) out[name.replace(/\.json$/, '')] = splitPreset(`agents/configs/${name}`, content);
  }
  return out;
}

/** The env kwargs a fresh page run of `algo` on `envId` starts from: its preset's `envKwargs`, as `dojo train` takes them. */
export function presetEnvKwargs(algo: string, envId: string): Record<string, unknown> {
  return { ...(bundledPresets()[`${algo}-${envId}`]?.envKwargs ?? {}) };
}

/**
 * How long an env worker done before the others polls for the next step. Node's trainer polls (2 ms) to
 * keep its caches warm; the page does not, since a polling worker holds a core that the page's own
 * threads (the view, the main thread drawing) need in the same moment: with polling, the walker's view
 * went for 100–400 ms without a frame while the rollout ran on two workers.
 */
const SPIN_MS = 0;

/** Calls `onSteps(numEnvs)` after every vector step of `v` (the page's rollout progress); returns `v`. */
function counted<V extends VectorEnv>(v: V, onSteps: ((n: number) => void) | undefined): V {
  if (onSteps === undefined) return v;
  const step = v.step.bind(v);
  v.step = async (actions) => {
    const r = await step(actions);
    onSteps(v.numEnvs);
    return r;
  };
  // a pipelined rollout (PPO with env workers) steps group by group: each group's copies count when they return
  const stepWait = v.stepWait.bind(v);
  v.stepWait = async (group) => {
    const r = await stepWait(group);
    onSteps(r.rewards.length);
    return r;
  };
  return v;
}

/**
 * The browser's RunContext for `envId`: the copies in this (worker) thread, or with `workers` > 0 on that
 * many env workers in groups that step on their own, as `dojo train --workers` (the same numbers as there). `onSteps` hears of every vector
 * step (how many env steps it took) and `onUpdateProgress` of every update epoch, for progress inside
 * long iterations.
 */
export function browserRunContext(envId: string, opts: { resume?: CheckpointPayload; kwargs?: Readonly<Record<string, unknown>>; onSteps?: (n: number) => void; onUpdateProgress?: (done: number, total: number) => void; workers?: number } = {}): RunContext {
  const kwargs = opts.kwargs ?? {};
  const makeEnv = (): Env => make(envId, { kwargs }) as Env;
  makeEnv().close(); // fail early, with the registry's message, on an unknown id
  const workers = opts.workers ?? 0;
  return {
    envId,
    envKwargs: kwargs,
    makeEnv,
    makeVec: async (numEnvs: number): Promise<VectorEnv> => {
      // env workers get modules: [] since they import every env themselves (vector-worker.ts): a bundled page
      // cannot hand them module URLs the way Node's workers take them
      const vec = workers > 0 ? await WorkerVectorEnv.create({ envId, numEnvs, workers: Math.min(workers, numEnvs), makeOptions: { kwargs }, spawn: spawnWebWorker, modules: [], workerSpinMs: SPIN_MS, groupSteps: true }) : await makeVec(envId, numEnvs, { kwargs });
      return counted(vec, opts.onSteps);
    },
    workers,
    resume: opts.resume,
    onUpdateProgress: opts.onUpdateProgress,
  };
}

/** Builds every registered env once to read its spaces, and asks each agent whether it handles them. */
export function buildCatalog(): Catalog {
  const games = listGames();
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
    const game = games.find((g) => g.id === spec.id);
    const support: Record<string, string | null> = {};
    for (const agent of AGENTS) support[agent.name] = agent.supports(env.observationSpace, env.actionSpace);
    // AlphaZero plans with the Game behind the id (its spaces alone cannot say so): Snake's grid looks like a board
    if (support.alphazero === null && game === undefined) support.alphazero = `AlphaZero searches a registered two-player Game, and ${spec.id} is not one`;
    envs.push({
      id: spec.id,
      category: envCategory(spec.id), // from the registration (envs/index.ts); `other` when it names none
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
  const presetKwargs: Record<string, Record<string, unknown>> = {};
  for (const [key, preset] of Object.entries(bundledPresets())) {
    presets[key] = preset.values;
    if (preset.envKwargs !== null) presetKwargs[key] = preset.envKwargs;
  }
  return { envs, agents, presets, presetKwargs, kernel: kernelInfo.backend, broken };
}
