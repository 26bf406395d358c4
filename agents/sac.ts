/**
 * Soft Actor-Critic for continuous actions (Haarnoja et al. 2018, https://arxiv.org/abs/1801.01290;
 * automatic entropy tuning from Haarnoja et al. 2018b, https://arxiv.org/abs/1812.05905), read top
 * to bottom like CleanRL's sac_continuous_action.py
 * (https://github.com/vwxyzjn/cleanrl/blob/master/cleanrl/sac_continuous_action.py,
 * https://docs.cleanrl.dev/rl-algorithms/sac/):
 * - twin soft Q networks on (obs, action) with Polyak-averaged targets (τ), and the clipped
 *   double-Q target r + γ(1 − terminated)(min(Q1', Q2')(s', a') − α log π(a'|s')), a' ~ π(·|s');
 * - an actor with a state-dependent mean and log σ, log σ squashed into [LOG_STD_MIN, LOG_STD_MAX]
 *   by tanh; actions are a tanh-squashed Gaussian sample (reparameterised) rescaled from (−1, 1) to
 *   the Box's [low, high] by action_scale/action_bias, with the change-of-variables correction
 *   Σ log(action_scale·(1 − tanh(u)²)) in log π (written Σ log(1 − tanh(u)² + 1e-6) + Σ log action_scale,
 *   which moves CleanRL's 1e-6 inside the log by a factor action_scale);
 * - delayed actor updates: every `policyFrequency` Q updates, `policyFrequency` actor steps
 *   (CleanRL's compensation for the delay);
 * - automatic entropy tuning (`autotune`): log α trained towards the target entropy −|A|;
 * - `learningStarts` steps of uniform random actions; separate Q and policy learning rates.
 *
 * Beyond CleanRL:
 * - SB3's `trainFrequency`/`gradientSteps` (train every n vector steps, g updates each time);
 * - `curriculumSteps` (as PPO's): the env's training curriculum (AmpFootWalker-v0's energy price) runs from
 *   0 to 1 over that many env steps, set between iterations; the replay buffer keeps each transition's
 *   reward at the price it was collected at;
 * - `noiseRepeat`: each exploration draw (the warm-up's uniform action, then the policy's ε in
 *   tanh(μ + σε)) is held for that many steps. Temporally consistent exploration is what gSDE's
 *   `sde_sample_freq` gives SB3's MountainCarContinuous-v0 run (Raffin et al. 2021,
 *   https://arxiv.org/abs/2005.05719): there, actions drawn afresh every step never reach the flag
 *   (0 of 40 uniform-random episodes), actions held for 16 steps reach it in 39 of 40;
 * - the Q networks are frozen during the actor's backward pass, so no time goes into Q-weight
 *   gradients the actor step would throw away (SpinningUp's SAC does the same);
 * - one generator iteration is `iterationSteps` env steps; its row averages the losses of the
 *   updates made during it (CleanRL logs the last update every 100 steps);
 * - a time-limit truncation stores the real final observation (the vector env's `finalObs`) as
 *   the next observation and keeps bootstrapping; only `terminated` stops it;
 * - resume restores nets, targets, optimizers, log α and the RNG, but not the replay buffer (it
 *   would make checkpoints huge): a resumed run refills the buffer for `batchSize` steps with the
 *   current policy before it trains again, so it does not repeat an uninterrupted run bit for bit.
 *
 * Expected (mean return over 100 deterministic episodes of the final policy, seeds 1–3): Pendulum-v1
 * with agents/configs/sac-Pendulum-v1.json ≈ −155 after 20k steps (target ≥ −200; SB3 RL Zoo −157);
 * MountainCarContinuous-v0 with agents/configs/sac-MountainCarContinuous-v0.json ≈ 96 after 50k
 * steps (target ≥ 90; SB3 RL Zoo 94.7). See bench/LEARNING.md.
 */
import { Rng } from '../src/core/rng.ts';
import { ConfigError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import type { Observation } from '../src/gym/env.ts';
import { flatDim, flatten, type Space } from '../src/gym/spaces.ts';
import { Tensor, mse, noGrad, parameter } from '../src/autograd/index.ts';
import { Linear, loadStateDict, mlp, parameters, stateDict, type Module, type Sequential } from '../src/nn/index.ts';
import { Adam } from '../src/optim/index.ts';
import type { RecordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';
import type { AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { checkLossFinite, checkParamsFinite, layerGradNorms } from './common/health.ts';
import { addEpisodeMetrics, addTwinQMetrics, type Episode } from './common/metrics.ts';
import { boxScale, clipToBox, supportsBoundedBox, type BoxScale } from './common/action-head.ts';
import { advanceCurriculum, boundarySeed, checkCurriculum, checkWorkers, checkpointDue, curriculumField, envSpaces, openVecEnv, readCheckpointMeta, resumeRun, runCheckpoint, seedField, stepSchedule } from './common/run.ts';
import { buildContinuousQ, frozen, qValue, softUpdate } from './common/critics.ts';
import { bool, int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { sampleSquashedGaussian } from './common/distributions.ts';
import { ReplayBuffer } from './common/replay-buffer.ts';

// ── config ──

/** SAC hyperparameters: CleanRL's names and defaults (sac_continuous_action.py), plus the options above. */
export const sacSpec = {
  seed: seedField('seed of the experiment (networks, sampling and envs)'),
  totalTimesteps: int(1_000_000, 'total timesteps of the experiments', 1),
  numEnvs: int(1, 'the number of parallel game environments', 1),
  bufferSize: int(1_000_000, 'the replay memory buffer size', 1),
  gamma: num(0.99, 'the discount factor gamma', { min: 0, max: 1 }),
  tau: num(0.005, 'target smoothing coefficient', { min: 0, max: 1 }),
  batchSize: int(256, 'the batch size of samples from the replay memory', 1),
  learningStarts: int(5000, 'timestep to start learning (uniform random actions before it)'),
  policyLr: num(3e-4, 'the learning rate of the policy network optimizer', { min: 0 }),
  qLr: num(1e-3, 'the learning rate of the Q network optimizer (and of log alpha)', { min: 0 }),
  policyFrequency: int(2, 'the frequency of training policy (delayed)', 1),
  targetNetworkFrequency: int(1, 'the frequency of updates for the target networks', 1),
  alpha: num(0.2, 'entropy regularization coefficient (the fixed value when autotune is off)', { min: 0 }),
  autotune: bool(true, 'automatic tuning of the entropy coefficient'),
  trainFrequency: int(1, 'vector steps between training phases (SB3 train_freq)', 1),
  gradientSteps: int(1, 'gradient updates per training phase (SB3 gradient_steps)', 1),
  hiddenSizes: nums([256, 256], 'hidden layer sizes of the actor and Q networks (ReLU)'),
  noiseRepeat: int(1, 'env steps each exploration draw is held for (1: fresh every step, as CleanRL; >1: temporally consistent exploration, like gSDE sde_sample_freq)', 1),
  curriculumSteps: curriculumField(),
  iterationSteps: int(1000, 'env steps per generator iteration (one metrics row each)', 1),
  checkpointFrequency: int(0, 'iterations between resumable checkpoints (0: a tenth of the run)'),
} as const;

/** A resolved SAC config. */
export type SacConfig = ConfigOf<typeof sacSpec>;

/** CleanRL's bounds on the actor's log σ. */
export const LOG_STD_MAX = 2;
export const LOG_STD_MIN = -5;

// ── action rescaling ──

/** The Box as the actor sees it (`boxScale`), with action_scale and action_bias as tensors and Σ log action_scale for log π. */
type ActionScale = BoxScale & { scaleT: Tensor; biasT: Tensor; logScaleSum: number };

/** The ActionScale of a Box action space. */
function actionScale(space: Space): ActionScale {
  const box = boxScale('sac', space);
  let logScaleSum = 0;
  for (const s of box.scale) logScaleSum += Math.log(s);
  return { ...box, scaleT: new Tensor(box.scale, [box.actDim]), biasT: new Tensor(box.bias, [box.actDim]), logScaleSum };
}

// ── networks ──

/** CleanRL's Actor: a ReLU trunk, then a mean head and a log-σ head. */
class SacActor implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children: Record<string, Module>;
  training = true;
  readonly trunk: Sequential;
  readonly fcMean: Linear;
  readonly fcLogstd: Linear;

  constructor(obsDim: number, actDim: number, hidden: readonly number[], rng: Rng) {
    this.trunk = mlp([obsDim, ...hidden], 'relu', rng, { init: 'pytorch', hiddenGain: 1, outputGain: 1, outputActivation: 'relu' });
    const h = hidden.length > 0 ? hidden[hidden.length - 1] : obsDim;
    this.fcMean = new Linear(h, actDim, rng, { init: 'pytorch', gain: 1 });
    this.fcLogstd = new Linear(h, actDim, rng, { init: 'pytorch', gain: 1 });
    this.children = { trunk: this.trunk, fc_mean: this.fcMean, fc_logstd: this.fcLogstd };
  }

  /** The mean of the pre-squash Gaussian. */
  forward(obs: Tensor): Tensor {
    return this.fcMean.forward(this.trunk.forward(obs));
  }

  /** Mean and log σ, log σ squashed into [LOG_STD_MIN, LOG_STD_MAX] (CleanRL, from SpinningUp/Denis Yarats). */
  meanLogStd(obs: Tensor): { mean: Tensor; logStd: Tensor } {
    const x = this.trunk.forward(obs);
    // log σ = LOG_STD_MIN + ½(LOG_STD_MAX − LOG_STD_MIN)(tanh(fc_logstd(x)) + 1)
    const raw = this.fcLogstd.forward(x).tanh();
    return { mean: this.fcMean.forward(x), logStd: raw.add(1).mul(0.5 * (LOG_STD_MAX - LOG_STD_MIN)).add(LOG_STD_MIN) };
  }
}

/** Every network SAC trains or tracks. */
export type SacNets = { actor: SacActor; qf1: Sequential; qf2: Sequential; qf1Target: Sequential; qf2Target: Sequential; logAlpha: Tensor };

/** Builds CleanRL's networks; the targets start as copies of the Q networks. */
export function buildSacNets(cfg: SacConfig, obsDim: number, actDim: number, rng: Rng): SacNets {
  const actor = new SacActor(obsDim, actDim, cfg.hiddenSizes, rng);
  const qf1 = buildContinuousQ(obsDim, actDim, cfg.hiddenSizes, rng), qf2 = buildContinuousQ(obsDim, actDim, cfg.hiddenSizes, rng);
  const qf1Target = buildContinuousQ(obsDim, actDim, cfg.hiddenSizes, rng), qf2Target = buildContinuousQ(obsDim, actDim, cfg.hiddenSizes, rng);
  loadStateDict(qf1Target, stateDict(qf1));
  loadStateDict(qf2Target, stateDict(qf2));
  const logAlpha = parameter(Float32Array.of(Math.log(cfg.autotune ? 1 : Math.max(cfg.alpha, 1e-30))), [1], 'log_alpha');
  return { actor, qf1, qf2, qf1Target, qf2Target, logAlpha };
}

/** The modules a checkpoint stores, by prefix (log α as a one-tensor module). */
function netModules(nets: SacNets): Record<string, Module> {
  const alpha: Module = { params: { log_alpha: nets.logAlpha }, buffers: {}, children: {}, training: true, forward: (x) => x };
  return { actor: nets.actor, qf1: nets.qf1, qf2: nets.qf2, qf1_target: nets.qf1Target, qf2_target: nets.qf2Target, alpha };
}

/**
 * CleanRL's `get_action`: a reparameterised sample rescaled to the Box and its log π (with the
 * Σ log action_scale term of the change of variables).
 */
function getAction(actor: SacActor, obs: Tensor, head: ActionScale, rng: Rng): { action: Tensor; logProb: Tensor } {
  const { mean: mu, logStd } = actor.meanLogStd(obs);
  const s = sampleSquashedGaussian(mu, logStd, rng);
  return { action: s.action.mul(head.scaleT).add(head.biasT), logProb: s.logProb.sub(head.logScaleSum) };
}

/** tanh(μ + σε) rescaled to the Box for given noise ε [B·d]: the acting half of `getAction`. */
function squashedAction(actor: SacActor, obs: Tensor, head: ActionScale, eps: ArrayLike<number>): Tensor {
  const { mean: mu, logStd } = actor.meanLogStd(obs);
  return mu.add(logStd.exp().mul(new Tensor(Float32Array.from(eps), mu.shape))).tanh().mul(head.scaleT).add(head.biasT);
}

/** tanh(mean) rescaled to the Box: the action a deterministic evaluation takes. */
function meanAction(actor: SacActor, obs: Tensor, head: ActionScale): Tensor {
  return actor.forward(obs).tanh().mul(head.scaleT).add(head.biasT);
}

// ── policy ──

/** A SAC policy: a squashed-Gaussian sample, or tanh(mean) when deterministic, in the Box's units. */
class SacPolicy implements Policy {
  readonly algo = 'sac';
  readonly envId: string;
  private readonly actor: SacActor;
  private readonly head: ActionScale;
  private readonly obsSpace: Space;
  private readonly rng: Rng;

  constructor(envId: string, actor: SacActor, head: ActionScale, obsSpace: Space, rng: Rng) {
    this.envId = envId;
    this.actor = actor;
    this.head = head;
    this.obsSpace = obsSpace;
    this.rng = rng;
  }

  act(obs: Observation, opts: { deterministic?: boolean } = {}): Float32Array {
    const flat = flatten(this.obsSpace, obs);
    return noGrad(() => {
      const x = new Tensor(flat, [1, flat.length]);
      const a = opts.deterministic ? meanAction(this.actor, x, this.head) : getAction(this.actor, x, this.head, this.rng).action;
      return clipToBox(this.head.low, this.head.high, a.data.slice());
    });
  }

  resetState(): void {}
}

// ── training ──

/** Trainer state saved in a checkpoint's metadata. */
type SacTrainerState = { iteration: number; globalStep: number; updates: number; rng: [number, number, number, number, number] };

/** Starts (or resumes) a SAC run. */
function createRun(cfg: SacConfig, ctx: RunContext): TrainRun {
  const rng = new Rng(cfg.seed);
  const { obsSpace, actSpace } = envSpaces(ctx);
  checkWorkers('sac', ctx, cfg.numEnvs);
  checkCurriculum('sac', ctx, cfg.curriculumSteps);
  const why = supports(obsSpace, actSpace);
  if (why !== null) throw new ConfigError(`sac: ${why}`);
  // the copies start on the first iteration: worker threads start asynchronously
  let envs: RecordVectorEpisodeStatistics | null = null;
  const head = actionScale(actSpace);
  const obsDim = flatDim(obsSpace), actDim = head.actDim, N = cfg.numEnvs, B = cfg.batchSize;
  const { stepsPerIteration, totalVecSteps, numIterations, ckptEvery } = stepSchedule(cfg);
  const nets = buildSacNets(cfg, obsDim, actDim, rng);
  const qParams = [...parameters(nets.qf1), ...parameters(nets.qf2)];
  const qOptimizer = new Adam(qParams, { lr: cfg.qLr });
  const actorOptimizer = new Adam(parameters(nets.actor), { lr: cfg.policyLr });
  const aOptimizer = new Adam([nets.logAlpha], { lr: cfg.qLr });
  const optimizers = { q: qOptimizer, actor: actorOptimizer, alpha: aOptimizer };
  const targetEntropy = -actDim; // −|A| (Haarnoja et al. 2018b, §5)
  let iteration = 0, globalStep = 0, updates = 0;
  let learningStartsAt = cfg.learningStarts;
  // the policy's own stream is drawn before a resume restores the trainer's RNG, so that state comes back exactly
  const policy = new SacPolicy(ctx.envId, nets.actor, head, obsSpace, rng.spawn());

  const resumed = resumeRun<SacTrainerState>('sac', ctx, netModules(nets), optimizers);
  if (resumed !== null) {
    const t = resumed.trainer;
    rng.setState(t.rng);
    iteration = t.iteration;
    globalStep = t.globalStep;
    updates = t.updates;
    learningStartsAt = Math.max(cfg.learningStarts, globalStep + B); // the replay buffer is not saved: refill it first
  }
  let alpha = cfg.autotune ? Math.exp(nets.logAlpha.data[0]) : cfg.alpha;
  const rb = new ReplayBuffer(cfg.bufferSize, obsDim, actDim);

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    envs ??= await openVecEnv(ctx, N);
    const startStep = globalStep;
    const t0 = performance.now();
    let obs = (await envs.reset({ seed: boundarySeed(cfg.seed, iteration, N) })).obs;
    let vecStep = Math.round(globalStep / N);
    // the random draw behind each action: u ~ U(0, 1) in the warm-up, then ε ~ N(0, 1); held for noiseRepeat steps
    const noise = new Float64Array(N * actDim);
    let wasWarmup = true;
    let curriculum = NaN;
    while (iteration < numIterations) {
      curriculum = await advanceCurriculum(envs, cfg.curriculumSteps, globalStep, curriculum);
      iteration += 1;
      const episodes: Episode[] = [];
      const stats = { qf1Values: 0, qf2Values: 0, qf1Loss: 0, qf2Loss: 0, qfLoss: 0, n: 0, actorLoss: 0, alphaLoss: 0, nActor: 0 };
      const grads: Record<string, number> = {};
      const end = Math.min(totalVecSteps, iteration * stepsPerIteration);
      for (; vecStep < end; vecStep++) {
        // ── act: uniform random actions until learningStarts, then the squashed Gaussian ──
        const warmup = globalStep < cfg.learningStarts;
        if (vecStep % cfg.noiseRepeat === 0 || warmup !== wasWarmup) {
          for (let i = 0; i < noise.length; i++) noise[i] = warmup ? rng.random() : rng.normal();
          wasWarmup = warmup;
        }
        let actions: Float32Array;
        if (warmup) {
          actions = new Float32Array(N * actDim);
          for (let i = 0; i < actions.length; i++) actions[i] = head.low[i % actDim] + (head.high[i % actDim] - head.low[i % actDim]) * noise[i];
        } else {
          actions = noGrad(() => squashedAction(nets.actor, new Tensor(obs, [N, obsDim]), head, noise).data);
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

          // ── soft Q target: r + γ(1 − terminated)(min Q'(s', a') − α log π(a'|s')) ──
          const nextQValue = noGrad(() => {
            const nextObsT = new Tensor(data.nextObs, [B, obsDim]);
            const next = getAction(nets.actor, nextObsT, head, rng);
            const minQfNextTarget = qValue(nets.qf1Target, nextObsT, next.action).minimum(qValue(nets.qf2Target, nextObsT, next.action)).sub(next.logProb.mul(alpha));
            const y = new Float32Array(B);
            for (let b = 0; b < B; b++) y[b] = data.rewards[b] + (1 - data.terminated[b]) * data.discounts[b] * minQfNextTarget.data[b];
            return new Tensor(y, [B]);
          });

          // ── Q update ──
          const qf1AValues = qValue(nets.qf1, obsT, actT), qf2AValues = qValue(nets.qf2, obsT, actT);
          const qf1Loss = mse(qf1AValues, nextQValue), qf2Loss = mse(qf2AValues, nextQValue);
          const qfLoss = qf1Loss.add(qf2Loss);
          checkLossFinite('sac', 'losses/qf_loss', qfLoss.item(), globalStep, `qf1_loss ${qf1Loss.item()}, qf2_loss ${qf2Loss.item()}`);
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

          // ── delayed actor (and α) updates, policyFrequency of them to make up for the delay ──
          if (updates % cfg.policyFrequency === 0) {
            for (let k = 0; k < cfg.policyFrequency; k++) {
              const pi = getAction(nets.actor, obsT, head, rng);
              const actorLoss = frozen(qParams, () => {
                // J(π) = E[α log π(a|s) − min Q(s, a)], a ~ π reparameterised
                const minQfPi = qValue(nets.qf1, obsT, pi.action).minimum(qValue(nets.qf2, obsT, pi.action));
                const loss = pi.logProb.mul(alpha).sub(minQfPi).mean();
                checkLossFinite('sac', 'losses/actor_loss', loss.item(), globalStep, `alpha ${alpha}`);
                actorOptimizer.zeroGrad();
                loss.backward();
                return loss.item();
              });
              Object.assign(grads, layerGradNorms({ actor: nets.actor }));
              actorOptimizer.step();
              stats.actorLoss += actorLoss;
              stats.nActor += 1;

              if (cfg.autotune) {
                const logPi = noGrad(() => getAction(nets.actor, obsT, head, rng).logProb);
                // J(α) = E[−α (log π + H̄)] (Haarnoja et al. 2018b, eq. 18), through log α as CleanRL
                const alphaLoss = nets.logAlpha.exp().neg().mul(logPi.add(targetEntropy)).mean();
                checkLossFinite('sac', 'losses/alpha_loss', alphaLoss.item(), globalStep, `log_alpha ${nets.logAlpha.data[0]}`);
                aOptimizer.zeroGrad();
                alphaLoss.backward();
                aOptimizer.step();
                alpha = Math.exp(nets.logAlpha.data[0]);
                stats.alphaLoss += alphaLoss.item();
              }
            }
          }

          // ── target networks ──
          if (updates % cfg.targetNetworkFrequency === 0) {
            softUpdate(nets.qf1Target, nets.qf1, cfg.tau);
            softUpdate(nets.qf2Target, nets.qf2, cfg.tau);
          }
        }
      }
      checkParamsFinite('sac', netModules(nets), globalStep);

      const elapsed = (performance.now() - t0) / 1000;
      const row: Metrics = { global_step: globalStep, iteration };
      addEpisodeMetrics(row, episodes);
      addTwinQMetrics(row, stats);
      if (stats.nActor > 0) {
        row['losses/actor_loss'] = stats.actorLoss / stats.nActor;
        if (cfg.autotune) row['losses/alpha_loss'] = stats.alphaLoss / stats.nActor;
      }
      row['losses/alpha'] = alpha;
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
      algo: 'sac', config: cfg, nets: netModules(nets), optimizers,
      trainer: { iteration, globalStep, updates, rng: rng.getState(), obsSpace: obsSpace.kind, actSpace: actSpace.kind },
    }),
    close: async () => {
      await envs?.close();
    },
  };
}

/** Rebuilds the actor of a checkpoint as a policy. */
function loadPolicy(ckpt: CheckpointPayload, obsSpace: Space, actSpace: Space): Policy {
  const meta = readCheckpointMeta(ckpt, 'sac');
  const cfg = resolveConfig('sac', sacSpec, meta.config);
  const head = actionScale(actSpace);
  const actor = new SacActor(flatDim(obsSpace), head.actDim, cfg.hiddenSizes, new Rng(cfg.seed));
  loadNets(ckpt, { actor });
  return new SacPolicy(meta.envId, actor, head, obsSpace, new Rng(cfg.seed + 1));
}

/** Which spaces SAC handles: flat observations, bounded Box actions. */
function supports(obs: Space, act: Space): string | null {
  return supportsBoundedBox('sac', obs, act);
}

/** The SAC agent module. */
export const sac: AgentModule<typeof sacSpec> = {
  name: 'sac',
  title: 'Soft Actor-Critic (Haarnoja et al. 2018)',
  spec: sacSpec,
  spaces: 'obs: box, discrete, multiDiscrete · actions: box (bounded)',
  supports,
  createRun,
  loadPolicy,
};
