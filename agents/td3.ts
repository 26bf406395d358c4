/**
 * Twin Delayed Deep Deterministic policy gradient (Fujimoto et al. 2018,
 * https://arxiv.org/abs/1802.09477), read top to bottom like CleanRL's td3_continuous_action.py
 * (https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/td3_continuous_action.py,
 * https://docs.cleanrl.dev/rl-algorithms/td3/):
 * - a deterministic actor, tanh output rescaled from (−1, 1) to the Box's [low, high] by
 *   action_scale/action_bias, and twin Q networks on (obs, action);
 * - clipped double-Q learning: the target is r + γ(1 − terminated)·min(Q1', Q2')(s', ã);
 * - target policy smoothing: ã = clip(μ'(s') + clip(N(0, policyNoise), ±noiseClip)·action_scale, low, high);
 * - delayed policy updates: the actor (maximising Q1) and all three targets (Polyak τ) update every
 *   `policyFrequency` critic updates;
 * - Gaussian exploration noise N(0, action_scale·explorationNoise), clipped to the bounds, after
 *   `learningStarts` steps of uniform random actions.
 *
 * Beyond CleanRL:
 * - SB3's `trainFrequency`/`gradientSteps` (train every n vector steps, g updates each time);
 * - `curriculumSteps` (as PPO's): the env's training curriculum (AmpFootWalker-v0's energy price) runs from
 *   0 to 1 over that many env steps, set between iterations; the replay buffer keeps each transition's
 *   reward at the price it was collected at;
 * - the Q networks are frozen during the actor's backward pass (no wasted Q-weight gradients);
 * - one generator iteration is `iterationSteps` env steps; its row averages the losses of the
 *   updates made during it;
 * - a time-limit truncation stores the real final observation (the vector env's `finalObs`) as
 *   the next observation and keeps bootstrapping; only `terminated` stops it;
 * - resume restores nets, targets, optimizers and the RNG, but not the replay buffer: a resumed
 *   run refills the buffer for `batchSize` steps with the current (noisy) policy before it trains
 *   again, so it does not repeat an uninterrupted run bit for bit.
 *
 * Expected (mean return over 100 deterministic episodes of the final policy, seeds 1–3): Pendulum-v1
 * with agents/configs/td3-Pendulum-v1.json ≈ −160 after 20k steps (target ≥ −200; SB3 RL Zoo −152).
 * See bench/LEARNING.md.
 */
import { Rng } from '../src/core/rng.ts';
import { ConfigError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import type { Observation } from '../src/gym/env.ts';
import { flatDim, flatten, type Space } from '../src/gym/spaces.ts';
import { Tensor, mse, noGrad } from '../src/autograd/index.ts';
import { loadStateDict, mlp, parameters, stateDict, type Module, type Sequential } from '../src/nn/index.ts';
import { Adam } from '../src/optim/index.ts';
import type { RecordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';
import type { AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { checkLossFinite, checkParamsFinite, layerGradNorms } from './common/health.ts';
import { addEpisodeMetrics, addTwinQMetrics, type Episode } from './common/metrics.ts';
import { boxScale, clipToBox, supportsBoundedBox, type BoxScale } from './common/action-head.ts';
import { advanceCurriculum, boundarySeed, checkCurriculum, checkWorkers, checkpointDue, curriculumField, envSpaces, openVecEnv, readCheckpointMeta, resumeRun, runCheckpoint, seedField, stepSchedule } from './common/run.ts';
import { buildContinuousQ, frozen, qValue, softUpdate } from './common/critics.ts';
import { int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { ReplayBuffer } from './common/replay-buffer.ts';

// ── config ──

/** TD3 hyperparameters: CleanRL's names and defaults (td3_continuous_action.py), plus the options above. */
export const td3Spec = {
  seed: seedField('seed of the experiment (networks, sampling and envs)'),
  totalTimesteps: int(1_000_000, 'total timesteps of the experiments', 1),
  numEnvs: int(1, 'the number of parallel game environments', 1),
  learningRate: num(3e-4, 'the learning rate of the optimizer', { min: 0 }),
  bufferSize: int(1_000_000, 'the replay memory buffer size', 1),
  gamma: num(0.99, 'the discount factor gamma', { min: 0, max: 1 }),
  tau: num(0.005, 'target smoothing coefficient', { min: 0, max: 1 }),
  batchSize: int(256, 'the batch size of samples from the replay memory', 1),
  policyNoise: num(0.2, 'the scale of policy noise', { min: 0 }),
  explorationNoise: num(0.1, 'the scale of exploration noise', { min: 0 }),
  learningStarts: int(25_000, 'timestep to start learning (uniform random actions before it)'),
  policyFrequency: int(2, 'the frequency of training policy (delayed)', 1),
  noiseClip: num(0.5, 'noise clip parameter of the Target Policy Smoothing Regularization', { min: 0 }),
  trainFrequency: int(1, 'vector steps between training phases (SB3 train_freq)', 1),
  gradientSteps: int(1, 'gradient updates per training phase (SB3 gradient_steps)', 1),
  hiddenSizes: nums([256, 256], 'hidden layer sizes of the actor and Q networks (ReLU)'),
  curriculumSteps: curriculumField(),
  iterationSteps: int(1000, 'env steps per generator iteration (one metrics row each)', 1),
  checkpointFrequency: int(0, 'iterations between resumable checkpoints (0: a tenth of the run)'),
} as const;

/** A resolved TD3 config. */
export type Td3Config = ConfigOf<typeof td3Spec>;

// ── networks ──

/** CleanRL's Actor before rescaling: ReLU layers, then tanh into (−1, 1). */
function buildActor(obsDim: number, actDim: number, hidden: readonly number[], rng: Rng): Sequential {
  return mlp([obsDim, ...hidden, actDim], 'relu', rng, { init: 'pytorch', hiddenGain: 1, outputGain: 1, outputActivation: 'tanh' });
}

/** Every network TD3 trains or tracks. */
export type Td3Nets = { actor: Sequential; qf1: Sequential; qf2: Sequential; actorTarget: Sequential; qf1Target: Sequential; qf2Target: Sequential };

/** Builds CleanRL's networks; the targets start as copies. */
export function buildTd3Nets(cfg: Td3Config, obsDim: number, actDim: number, rng: Rng): Td3Nets {
  const h = cfg.hiddenSizes;
  const actor = buildActor(obsDim, actDim, h, rng);
  const qf1 = buildContinuousQ(obsDim, actDim, h, rng), qf2 = buildContinuousQ(obsDim, actDim, h, rng);
  const qf1Target = buildContinuousQ(obsDim, actDim, h, rng), qf2Target = buildContinuousQ(obsDim, actDim, h, rng);
  const actorTarget = buildActor(obsDim, actDim, h, rng);
  loadStateDict(actorTarget, stateDict(actor));
  loadStateDict(qf1Target, stateDict(qf1));
  loadStateDict(qf2Target, stateDict(qf2));
  return { actor, qf1, qf2, actorTarget, qf1Target, qf2Target };
}

/** The modules a checkpoint stores, by prefix. */
function netModules(nets: Td3Nets): Record<string, Module> {
  return { actor: nets.actor, qf1: nets.qf1, qf2: nets.qf2, target_actor: nets.actorTarget, qf1_target: nets.qf1Target, qf2_target: nets.qf2Target };
}

/** μ(s) in the Box's units: tanh output · action_scale + action_bias. */
function actorAction(actor: Module, obs: Tensor, head: BoxScale): Tensor {
  const d = head.actDim;
  return actor.forward(obs).mul(new Tensor(head.scale, [d])).add(new Tensor(head.bias, [d]));
}

/** μ(s) plus N(0, action_scale·explorationNoise), clipped to the bounds, as flat [B·d]. */
function exploreActions(actor: Module, obs: Tensor, head: BoxScale, noise: number, rng: Rng): Float32Array {
  const a = noGrad(() => actorAction(actor, obs, head)).data.slice();
  const d = head.actDim;
  for (let i = 0; i < a.length; i++) {
    const j = i % d;
    const eps = noise > 0 ? rng.normal(0, head.scale[j] * noise) : 0;
    a[i] = Math.min(head.high[j], Math.max(head.low[j], a[i] + eps));
  }
  return a;
}

// ── policy ──

/** A TD3 policy: μ(s), plus exploration noise unless deterministic, in the Box's units. */
class Td3Policy implements Policy {
  readonly algo = 'td3';
  readonly envId: string;
  private readonly actor: Module;
  private readonly head: BoxScale;
  private readonly obsSpace: Space;
  private readonly explorationNoise: number;
  private readonly rng: Rng;

  constructor(envId: string, actor: Module, head: BoxScale, obsSpace: Space, explorationNoise: number, rng: Rng) {
    this.envId = envId;
    this.actor = actor;
    this.head = head;
    this.obsSpace = obsSpace;
    this.explorationNoise = explorationNoise;
    this.rng = rng;
  }

  act(obs: Observation, opts: { deterministic?: boolean } = {}): Float32Array {
    const flat = flatten(this.obsSpace, obs);
    const x = new Tensor(flat, [1, flat.length]);
    const a = exploreActions(this.actor, x, this.head, opts.deterministic ? 0 : this.explorationNoise, this.rng);
    return clipToBox(this.head.low, this.head.high, a);
  }

  resetState(): void {}
}

// ── training ──

/** Trainer state saved in a checkpoint's metadata. */
type Td3TrainerState = { iteration: number; globalStep: number; updates: number; rng: [number, number, number, number, number] };

/** Starts (or resumes) a TD3 run. */
function createRun(cfg: Td3Config, ctx: RunContext): TrainRun {
  const rng = new Rng(cfg.seed);
  const { obsSpace, actSpace } = envSpaces(ctx);
  checkWorkers('td3', ctx, cfg.numEnvs);
  checkCurriculum('td3', ctx, cfg.curriculumSteps);
  const why = supports(obsSpace, actSpace);
  if (why !== null) throw new ConfigError(`td3: ${why}`);
  // the copies start on the first iteration: worker threads start asynchronously
  let envs: RecordVectorEpisodeStatistics | null = null;
  const head = boxScale('td3', actSpace);
  const obsDim = flatDim(obsSpace), actDim = head.actDim, N = cfg.numEnvs, B = cfg.batchSize;
  const { stepsPerIteration, totalVecSteps, numIterations, ckptEvery } = stepSchedule(cfg);
  const nets = buildTd3Nets(cfg, obsDim, actDim, rng);
  const qParams = [...parameters(nets.qf1), ...parameters(nets.qf2)];
  const qOptimizer = new Adam(qParams, { lr: cfg.learningRate });
  const actorOptimizer = new Adam(parameters(nets.actor), { lr: cfg.learningRate });
  const optimizers = { q: qOptimizer, actor: actorOptimizer };
  let iteration = 0, globalStep = 0, updates = 0;
  let learningStartsAt = cfg.learningStarts;
  // the policy's own stream is drawn before a resume restores the trainer's RNG, so that state comes back exactly
  const policy = new Td3Policy(ctx.envId, nets.actor, head, obsSpace, cfg.explorationNoise, rng.spawn());

  const resumed = resumeRun<Td3TrainerState>('td3', ctx, netModules(nets), optimizers);
  if (resumed !== null) {
    const t = resumed.trainer;
    rng.setState(t.rng);
    iteration = t.iteration;
    globalStep = t.globalStep;
    updates = t.updates;
    learningStartsAt = Math.max(cfg.learningStarts, globalStep + B); // the replay buffer is not saved: refill it first
  }
  const rb = new ReplayBuffer(cfg.bufferSize, obsDim, actDim);

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    envs ??= await openVecEnv(ctx, N);
    const startStep = globalStep;
    const t0 = performance.now();
    let obs = (await envs.reset({ seed: boundarySeed(cfg.seed, iteration, N) })).obs;
    let vecStep = Math.round(globalStep / N);
    let curriculum = NaN;
    while (iteration < numIterations) {
      curriculum = await advanceCurriculum(envs, cfg.curriculumSteps, globalStep, curriculum);
      iteration += 1;
      const episodes: Episode[] = [];
      const stats = { qf1Values: 0, qf2Values: 0, qf1Loss: 0, qf2Loss: 0, qfLoss: 0, n: 0, actorLoss: 0, nActor: 0 };
      const grads: Record<string, number> = {};
      const end = Math.min(totalVecSteps, iteration * stepsPerIteration);
      for (; vecStep < end; vecStep++) {
        // ── act: uniform random actions until learningStarts, then μ(s) + Gaussian noise ──
        let actions: Float32Array;
        if (globalStep < cfg.learningStarts) {
          actions = new Float32Array(N * actDim);
          for (let i = 0; i < actions.length; i++) actions[i] = head.low[i % actDim] + (head.high[i % actDim] - head.low[i % actDim]) * rng.random();
        } else {
          actions = exploreActions(nets.actor, new Tensor(obs, [N, obsDim]), head, cfg.explorationNoise, rng);
        }
        const envActions = clipToBox(head.low, head.high, actions.slice());
        const r = await envs.step(envActions);
        globalStep += N;
        episodes.push(...r.episodes);

        // ── store: a finished copy's real last observation is its next obs; only termination stops bootstrapping ──
        rb.addStep(obs, envActions, r, cfg.gamma);
        obs = r.obs;

        if (globalStep <= learningStartsAt || (vecStep + 1) % cfg.trainFrequency !== 0) continue;
        for (let g = 0; g < cfg.gradientSteps; g++) {
          const data = rb.sample(B, rng);
          const obsT = new Tensor(data.obs, [B, obsDim]), actT = new Tensor(data.actions, [B, actDim]);

          // ── target: clipped double Q with target policy smoothing ──
          const nextQValue = noGrad(() => {
            const nextObsT = new Tensor(data.nextObs, [B, obsDim]);
            const next = actorAction(nets.actorTarget, nextObsT, head).data;
            for (let i = 0; i < next.length; i++) {
              const j = i % actDim;
              const clippedNoise = Math.min(cfg.noiseClip, Math.max(-cfg.noiseClip, rng.normal() * cfg.policyNoise)) * head.scale[j];
              next[i] = Math.min(head.high[j], Math.max(head.low[j], next[i] + clippedNoise));
            }
            const nextActT = new Tensor(next, [B, actDim]);
            const minQfNextTarget = qValue(nets.qf1Target, nextObsT, nextActT).minimum(qValue(nets.qf2Target, nextObsT, nextActT));
            const y = new Float32Array(B);
            for (let b = 0; b < B; b++) y[b] = data.rewards[b] + (1 - data.terminated[b]) * data.discounts[b] * minQfNextTarget.data[b];
            return new Tensor(y, [B]);
          });

          // ── critic update ──
          const qf1AValues = qValue(nets.qf1, obsT, actT), qf2AValues = qValue(nets.qf2, obsT, actT);
          const qf1Loss = mse(qf1AValues, nextQValue), qf2Loss = mse(qf2AValues, nextQValue);
          const qfLoss = qf1Loss.add(qf2Loss);
          checkLossFinite('td3', 'losses/qf_loss', qfLoss.item(), globalStep, `qf1_loss ${qf1Loss.item()}, qf2_loss ${qf2Loss.item()}`);
          qOptimizer.zeroGrad();
          qfLoss.backward();
          Object.assign(grads, layerGradNorms({ qf1: nets.qf1, qf2: nets.qf2 }));
          qOptimizer.step();
          updates += 1;
          stats.qf1Values += qf1AValues.mean().item();
          stats.qf2Values += qf2AValues.mean().item();
          stats.qf1Loss += qf1Loss.item();
          stats.qf2Loss += qf2Loss.item();
          stats.qfLoss += qfLoss.item() / 2; // CleanRL logs qf_loss / 2
          stats.n += 1;

          // ── delayed actor update (maximise Q1) and Polyak targets ──
          if (updates % cfg.policyFrequency === 0) {
            const actorLoss = frozen(qParams, () => {
              const loss = qValue(nets.qf1, obsT, actorAction(nets.actor, obsT, head)).mean().neg();
              checkLossFinite('td3', 'losses/actor_loss', loss.item(), globalStep, 'actor loss is −mean Q1(s, μ(s))');
              actorOptimizer.zeroGrad();
              loss.backward();
              return loss.item();
            });
            Object.assign(grads, layerGradNorms({ actor: nets.actor }));
            actorOptimizer.step();
            stats.actorLoss += actorLoss;
            stats.nActor += 1;
            softUpdate(nets.actorTarget, nets.actor, cfg.tau);
            softUpdate(nets.qf1Target, nets.qf1, cfg.tau);
            softUpdate(nets.qf2Target, nets.qf2, cfg.tau);
          }
        }
      }
      checkParamsFinite('td3', netModules(nets), globalStep);

      const elapsed = (performance.now() - t0) / 1000;
      const row: Metrics = { global_step: globalStep, iteration };
      addEpisodeMetrics(row, episodes);
      addTwinQMetrics(row, stats);
      if (stats.nActor > 0) row['losses/actor_loss'] = stats.actorLoss / stats.nActor;
      if (cfg.curriculumSteps > 0) row['charts/curriculum_progress'] = curriculum;
      row['charts/SPS'] = Math.round((globalStep - startStep) / Math.max(elapsed, 1e-9));
      for (const [k, v] of Object.entries(grads)) row[`grads/${k}`] = v;
      yield row;
    }
  }

  return {
    iterations: iterations(),
    policy,
    totalTimesteps: totalVecSteps * N,
    globalStep: () => globalStep,
    checkpointDue: () => checkpointDue(iteration, ckptEvery, numIterations),
    checkpoint: (): CheckpointPayload => runCheckpoint(ctx, {
      algo: 'td3', config: cfg, nets: netModules(nets), optimizers,
      trainer: { iteration, globalStep, updates, rng: rng.getState(), obsSpace: obsSpace.kind, actSpace: actSpace.kind },
    }),
    close: async () => {
      await envs?.close();
    },
  };
}

/** Rebuilds the actor of a checkpoint as a policy. */
function loadPolicy(ckpt: CheckpointPayload, obsSpace: Space, actSpace: Space): Policy {
  const meta = readCheckpointMeta(ckpt, 'td3');
  const cfg = resolveConfig('td3', td3Spec, meta.config);
  const head = boxScale('td3', actSpace);
  const actor = buildActor(flatDim(obsSpace), head.actDim, cfg.hiddenSizes, new Rng(cfg.seed));
  loadNets(ckpt, { actor });
  return new Td3Policy(meta.envId, actor, head, obsSpace, cfg.explorationNoise, new Rng(cfg.seed + 1));
}

/** Which spaces TD3 handles: flat observations, bounded Box actions. */
function supports(obs: Space, act: Space): string | null {
  return supportsBoundedBox('td3', obs, act);
}

/** The TD3 agent module. */
export const td3: AgentModule<typeof td3Spec> = {
  name: 'td3',
  title: 'Twin Delayed DDPG (Fujimoto et al. 2018)',
  spec: td3Spec,
  spaces: 'obs: box, discrete, multiDiscrete · actions: box (bounded)',
  supports,
  createRun,
  loadPolicy,
};
