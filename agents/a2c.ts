/**
 * Advantage Actor-Critic, the synchronous variant of A3C (Mnih et al. 2016,
 * https://arxiv.org/abs/1602.01783), read top to bottom and following Stable-Baselines3's a2c.py
 * (https://github.com/DLR-RM/stable-baselines3/blob/master/stable_baselines3/a2c/a2c.py), since
 * CleanRL has no A2C:
 * numEnvs copies stepped together for numSteps = 5 steps, GAE with λ = 1 (plain n-step returns),
 * one gradient step per rollout on the whole batch, separate 64-64 tanh actor and critic with
 * orthogonal init (√2 hidden, 0.01 policy head, 1 value head), RMSProp (α 0.99, ε 1e-5; PyTorch
 * semantics, ε outside the root) or Adam, constant learning rate 7e-4, value loss as SB3's
 * F.mse_loss (no ½), entropy bonus, global gradient clipping at 0.5.
 *
 * Beyond SB3's defaults:
 * - truncation bootstraps: a time-limit cut adds γ·V(final obs) to the last reward, as SB3 and
 *   ppo.ts do (Pardo et al. 2018, https://arxiv.org/abs/1712.00378);
 * - discrete (with action masks), MultiDiscrete and Box (diagonal Gaussian, state-independent
 *   log σ initialised at 0) actions; optional observation normalisation saved in checkpoints;
 * - envs re-seed at checkpoint boundaries, so a run resumed there repeats the uninterrupted one.
 *
 * Expected: CartPole-v1 with agents/configs/a2c-CartPole-v1.json (the SB3 zoo's n_envs 8,
 * ent_coef 0, 5e5 steps, defaults otherwise) reaches a mean deterministic evaluation return ≥ 475
 * over 100 episodes; measured 500 ± 0 for seeds 1–3 in 15–30 s of wall clock on a shared 2-core
 * machine (the last 20 training episodes first averaged ≥ 475 at 40k–104k steps).
 */
import { Rng } from '../src/core/rng.ts';
import { NonFiniteError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import { flatDim, type Space } from '../src/gym/spaces.ts';
import { Tensor, noGrad, parameter, reshape } from '../src/autograd/index.ts';
import { mlp, parameters, type Module } from '../src/nn/index.ts';
import { Adam, RMSProp, clipGradNorm, type Optimizer } from '../src/optim/index.ts';
import type { AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { bool, choice, int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { maskLogits } from './common/distributions.ts';
import { computeGae, standardize } from './common/gae.ts';
import { RunningMeanStd, normalizeBatch, restoreRunningStats } from './common/normalize.ts';
import { ActionHeadPolicy, actionHead, envActions, logProbEntropy, sampleActions, supportsFlat, type ActionHead, type PolicyNet } from './common/action-head.ts';
import { checkParamsFinite, layerGradNorms } from './common/health.ts';
import { addEpisodeMetrics, explainedVariance, type Episode } from './common/metrics.ts';
import { boundarySeed, checkWorkers, checkpointDue, checkpointInterval, envSpaces, openVecEnv, readCheckpointMeta, resumeRun, runCheckpoint, seedField } from './common/run.ts';
import type { RecordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';

// ── config ──

/** A2C hyperparameters: SB3's defaults under CleanRL's names. */
export const a2cSpec = {
  seed: seedField('seed of the experiment (networks, sampling and envs)'),
  totalTimesteps: int(500_000, 'total timesteps of the experiment', 1),
  learningRate: num(7e-4, 'the learning rate of the optimizer', { min: 0 }),
  numEnvs: int(8, 'the number of parallel game environments (the SB3 zoo uses 8 on CartPole)', 1),
  numSteps: int(5, 'the number of steps to run in each environment per policy rollout', 1),
  annealLr: bool(false, 'toggle linear learning rate annealing to 0 (SB3 keeps it constant)'),
  gamma: num(0.99, 'the discount factor gamma', { min: 0, max: 1 }),
  gaeLambda: num(1, 'the lambda for the general advantage estimation (1: n-step returns)', { min: 0, max: 1 }),
  normAdv: bool(false, 'toggles advantages normalization (per rollout)'),
  entCoef: num(0, 'coefficient of the entropy', { min: 0 }),
  vfCoef: num(0.5, 'coefficient of the value function', { min: 0 }),
  maxGradNorm: num(0.5, 'the maximum norm for the gradient clipping', { min: 0 }),
  useRmsProp: bool(true, 'RMSProp (SB3 default) instead of Adam'),
  rmsPropAlpha: num(0.99, 'RMSProp smoothing constant alpha', { min: 0, max: 1 }),
  rmsPropEps: num(1e-5, 'RMSProp epsilon (also used as Adam epsilon)', { min: 0 }),
  hiddenSizes: nums([64, 64], 'hidden layer sizes of the actor and critic MLPs'),
  activation: choice('tanh', 'activation of the hidden layers', ['tanh', 'relu']),
  normObs: bool(false, 'normalise observations with running statistics (saved in checkpoints)'),
  checkpointFrequency: int(0, 'iterations between resumable checkpoints, where envs are re-seeded so a resumed run repeats exactly (0: a tenth of the run, at least 1,000 steps per env)'),
} as const;

/** A resolved A2C config. */
export type A2cConfig = ConfigOf<typeof a2cSpec>;

// ── networks ──

/** Separate actor and critic MLPs (SB3 MlpPolicy: pi=[64, 64], vf=[64, 64]) and log σ for Box actions. */
export type A2cNets = { actor: Module; critic: Module; logStd: Tensor | null };

/** Builds the networks for these spaces. */
export function buildA2cNets(cfg: A2cConfig, obsDim: number, head: ActionHead, rng: Rng): A2cNets {
  return {
    actor: mlp([obsDim, ...cfg.hiddenSizes, head.outDim], cfg.activation, rng, { outputGain: 0.01 }),
    critic: mlp([obsDim, ...cfg.hiddenSizes, 1], cfg.activation, rng, { outputGain: 1 }),
    logStd: head.kind === 'box' ? parameter(new Float32Array(head.actDim), [1, head.actDim], 'logStd') : null,
  };
}

/** The modules that a checkpoint stores (and gradient norms report), by prefix. */
function netModules(nets: A2cNets): Record<string, Module> {
  const out: Record<string, Module> = { actor: nets.actor, critic: nets.critic };
  if (nets.logStd !== null) out.head = { params: { logStd: nets.logStd }, buffers: {}, children: {}, training: true, forward: (x) => x };
  return out;
}

/** Policy outputs [B, outDim] and values [B]. */
function forward(nets: A2cNets, obs: Tensor): { out: Tensor; value: Tensor } {
  return { out: nets.actor.forward(obs), value: reshape(nets.critic.forward(obs), [obs.shape[0]]) };
}

// ── policy ──

/** The actor as a policy network (feed-forward). */
function policyNet(nets: A2cNets): PolicyNet {
  return (obs) => ({ out: nets.actor.forward(obs), state: null });
}

// ── training ──

/** Starts (or resumes) an A2C run. */
function createRun(cfg: A2cConfig, ctx: RunContext): TrainRun {
  const rng = new Rng(cfg.seed);
  const { obsSpace, actSpace } = envSpaces(ctx);
  checkWorkers('a2c', ctx, cfg.numEnvs);
  // the copies start on the first iteration: worker threads start asynchronously
  let envs: RecordVectorEpisodeStatistics | null = null;
  const head = actionHead('a2c', actSpace);
  const obsDim = flatDim(obsSpace), N = cfg.numEnvs, S = cfg.numSteps, batchSize = N * S;
  const numIterations = Math.max(1, Math.floor(cfg.totalTimesteps / batchSize));
  // boundaries cut every running episode, so by default they are a tenth of the run apart and never under 1,000 steps per copy
  const ckptEvery = checkpointInterval(cfg.checkpointFrequency, numIterations, Math.ceil(1000 / S));
  const nets = buildA2cNets(cfg, obsDim, head, rng);
  const params = [...parameters(nets.actor), ...parameters(nets.critic), ...(nets.logStd !== null ? [nets.logStd] : [])];
  const optimizer: Optimizer = cfg.useRmsProp
    ? new RMSProp(params, { lr: cfg.learningRate, alpha: cfg.rmsPropAlpha, eps: cfg.rmsPropEps })
    : new Adam(params, { lr: cfg.learningRate, eps: cfg.rmsPropEps });
  const obsNorm = cfg.normObs ? new RunningMeanStd(obsDim) : null;
  let iteration = 0, globalStep = 0;

  const policyRng = rng.spawn(); // before a resume restores `rng`, so the training stream continues exactly

  const resumed = resumeRun<{ iteration: number; globalStep: number; rng: [number, number, number, number, number] }>('a2c', ctx, netModules(nets), { optimizer });
  if (resumed !== null) {
    const { meta, trainer: t } = resumed;
    if (obsNorm !== null && meta.obsNorm !== null) obsNorm.load(meta.obsNorm);
    rng.setState(t.rng);
    iteration = t.iteration;
    globalStep = t.globalStep;
  }
  const policy = new ActionHeadPolicy('a2c', ctx.envId, policyNet(nets), head, nets.logStd, obsSpace, obsNorm, policyRng);

  // rollout storage, [S, N] step-major
  const obsBuf = new Float32Array(batchSize * obsDim), actBuf = new Float32Array(batchSize * head.actDim);
  const rewBuf = new Float32Array(batchSize), doneBuf = new Uint8Array(batchSize), valBuf = new Float32Array(batchSize);
  const maskBuf = head.kind === 'discrete' ? new Uint8Array(batchSize * head.n).fill(1) : null;
  const normObs = (raw: Float32Array, update: boolean): Float32Array => normalizeBatch(obsNorm, raw, update);
  const valueOf = (obs: Float32Array): Float32Array => noGrad(() => forward(nets, new Tensor(obs, [obs.length / obsDim, obsDim])).value.data);

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    envs ??= await openVecEnv(ctx, N);
    let nextObs: Float32Array = new Float32Array(0);
    let nextMasks: Uint8Array | null = null;
    const startIteration = iteration;
    const t0 = performance.now();
    while (iteration < numIterations) {
      if (iteration === startIteration || iteration % ckptEvery === 0) {
        // a boundary: every copy starts afresh from a seed fixed by the iteration, so a run resumed here repeats exactly
        const r = await envs.reset({ seed: boundarySeed(cfg.seed, iteration, N) });
        nextObs = normObs(r.obs, true);
        nextMasks = r.masks ?? null;
      }
      iteration += 1;
      const lr = cfg.annealLr ? (1 - (iteration - 1) / numIterations) * cfg.learningRate : cfg.learningRate;
      optimizer.lr = lr;
      const episodes: Episode[] = [];

      // ── rollout ──
      for (let t = 0; t < S; t++) {
        globalStep += N;
        obsBuf.set(nextObs, t * N * obsDim);
        if (maskBuf !== null) {
          if (nextMasks !== null) maskBuf.set(nextMasks, t * N * (head as { n: number }).n);
          else maskBuf.fill(1, t * N * (head as { n: number }).n, (t + 1) * N * (head as { n: number }).n);
        }
        const step = noGrad(() => {
          const f = forward(nets, new Tensor(nextObs, [N, obsDim]));
          return { acts: sampleActions(head, f.out, nets.logStd, rng, false, nextMasks), value: f.value.data };
        });
        actBuf.set(step.acts, t * N * head.actDim);
        valBuf.set(step.value, t * N);
        const r = await envs.step(envActions(head, step.acts));
        episodes.push(...r.episodes);
        for (let i = 0; i < N; i++) {
          rewBuf[t * N + i] = r.rewards[i];
          doneBuf[t * N + i] = r.terminated[i] || r.truncated[i] ? 1 : 0;
          // truncation: the episode was cut, not ended, so bootstrap from the real final observation
          const fin = r.finalObs[i];
          if (r.truncated[i] && !r.terminated[i] && fin !== null) rewBuf[t * N + i] += cfg.gamma * valueOf(normObs(fin, false))[0];
        }
        nextObs = normObs(r.obs, true);
        nextMasks = r.masks ?? null;
      }

      // ── n-step returns (GAE with λ = 1 by default) ──
      const { advantages, returns } = computeGae(rewBuf, valBuf, doneBuf, valueOf(nextObs), S, N, cfg.gamma, cfg.gaeLambda);
      if (cfg.normAdv) standardize(advantages);

      // ── update: one gradient step on the whole rollout ──
      const f = forward(nets, new Tensor(obsBuf, [batchSize, obsDim]));
      const out = head.kind === 'discrete' ? maskLogits(f.out, maskBuf) : f.out;
      const { logProb, entropy } = logProbEntropy(head, out, actBuf, nets.logStd);
      // L = −mean(log π(a|s)·A) − c_ent·H + c_vf·mean (V − R)²  (SB3's A2C)
      const pgLoss = logProb.mul(new Tensor(advantages, [batchSize])).mean().neg();
      const vLoss = f.value.sub(new Tensor(returns, [batchSize])).square().mean();
      const entLoss = entropy.mean();
      const loss = pgLoss.sub(entLoss.mul(cfg.entCoef)).add(vLoss.mul(cfg.vfCoef));
      if (!Number.isFinite(loss.item())) {
        throw new NonFiniteError(`a2c: the loss is ${loss.item()} at global step ${globalStep} (policy loss ${pgLoss.item()}, value loss ${vLoss.item()}, entropy ${entLoss.item()})`);
      }
      optimizer.zeroGrad();
      loss.backward(undefined, { freeGraph: true }); // only the scalar losses are read after this
      const grads = layerGradNorms(netModules(nets));
      clipGradNorm(params, cfg.maxGradNorm);
      optimizer.step();
      checkParamsFinite('a2c', netModules(nets), globalStep);

      const elapsed = (performance.now() - t0) / 1000;
      const row: Metrics = {
        global_step: globalStep,
        iteration,
        'charts/learning_rate': lr,
        'losses/value_loss': vLoss.item(),
        'losses/policy_loss': pgLoss.item(),
        'losses/entropy': entLoss.item(),
        'losses/explained_variance': explainedVariance(returns, valBuf),
        'charts/SPS': Math.round((globalStep - startIteration * batchSize) / Math.max(elapsed, 1e-9)),
      };
      addEpisodeMetrics(row, episodes);
      for (const [k, v] of Object.entries(grads)) row[`grads/${k}`] = v;
      yield row;
    }
  }

  return {
    iterations: iterations(),
    policy,
    totalTimesteps: numIterations * batchSize,
    globalStep: () => globalStep,
    checkpointDue: () => checkpointDue(iteration, ckptEvery, numIterations),
    checkpoint: (): CheckpointPayload => runCheckpoint(ctx, {
      algo: 'a2c', config: cfg, nets: netModules(nets), optimizers: { optimizer },
      obsNorm: obsNorm?.state() ?? null,
      trainer: { iteration, globalStep, rng: rng.getState(), obsSpace: obsSpace.kind, actSpace: actSpace.kind },
    }),
    close: async () => {
      await envs?.close();
    },
  };
}

/** Rebuilds a policy from a checkpoint. */
function loadPolicy(ckpt: CheckpointPayload, obsSpace: Space, actSpace: Space): Policy {
  const meta = readCheckpointMeta(ckpt, 'a2c');
  const cfg = resolveConfig('a2c', a2cSpec, meta.config);
  const head = actionHead('a2c', actSpace);
  const nets = buildA2cNets(cfg, flatDim(obsSpace), head, new Rng(cfg.seed));
  loadNets(ckpt, netModules(nets));
  const obsNorm = restoreRunningStats(meta.obsNorm, flatDim(obsSpace));
  return new ActionHeadPolicy('a2c', meta.envId, policyNet(nets), head, nets.logStd, obsSpace, obsNorm, new Rng(cfg.seed + 1));
}

/** The A2C agent module. */
export const a2c: AgentModule<typeof a2cSpec> = {
  name: 'a2c',
  title: 'Advantage Actor-Critic, synchronous A3C (Mnih et al. 2016)',
  spec: a2cSpec,
  spaces: 'obs: box, discrete, multiDiscrete · actions: discrete (with masks), multiDiscrete, box',
  supports: supportsFlat,
  createRun,
  loadPolicy,
};
