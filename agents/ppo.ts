/**
 * Proximal Policy Optimization (Schulman et al. 2017, https://arxiv.org/abs/1707.06347), read top
 * to bottom like CleanRL's ppo.py / ppo_continuous_action.py / ppo_atari_lstm.py, and following
 * "The 37 Implementation Details of PPO" (Huang et al. 2022,
 * https://iclr-blog-track.github.io/2022/03/25/ppo-implementation-details/):
 * vectorised envs, orthogonal init (√2 hidden, 0.01 policy head, 1 value head), Adam eps 1e-5,
 * linear learning-rate annealing, GAE, minibatch epochs, advantage normalisation, clipped
 * surrogate, clipped value loss, entropy bonus, global gradient clipping, approx-KL (k3 estimator).
 *
 * Beyond CleanRL:
 * - truncation bootstraps: a time-limit cut adds γ·V(final obs) to the last reward, since the
 *   episode did not really end (Pardo et al. 2018, https://arxiv.org/abs/1712.00378);
 * - discrete, MultiDiscrete and Box actions, with action masks for discrete spaces;
 * - optional observation and reward normalisation (SB3 VecNormalize semantics), saved in checkpoints;
 * - an LSTM policy (`recurrent: true`) for partially observed tasks;
 * - a CNN policy (`network: 'cnn'`) for image observations, as CleanRL's ppo_atari.py: uint8 frames scaled
 *   by 1/255 → a Nature-CNN-style trunk (Mnih et al. 2015) shared by the actor and critic heads;
 * - a pipelined rollout (`pipelineRollout`) when the envs run on worker threads: each worker's copies step
 *   in turn, and the next actions of one worker's copies are chosen while the others step, so the main
 *   thread's forward pass overlaps the workers' physics (the walker's steps/s on 2 workers: ×1.04–1.09
 *   while other work held part of a core, ×1.57 under heavier load; bench/RESULTS.md). Draws, updates and
 *   results are those of the lockstep rollout, except with `normObs`:
 *   each worker's observations are folded into the running statistics when they arrive, so one worker's
 *   copies are normalised without the other workers' observations of the same step.
 *
 * Expected: CartPole-v1 with the tuned config in bench/learn.ts reaches a mean return ≥ 475 over the
 * last 20 training episodes in under 100k steps (bench/LEARNING.md has the measured runs).
 */
import { Rng } from '../src/core/rng.ts';
import { ConfigError, NonFiniteError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import { flatDim, type Space } from '../src/gym/spaces.ts';
import { Tensor, concat, mul, noGrad, parameter, reshape, slice } from '../src/autograd/index.ts';
import { LSTM, Linear, mlp, parameters, type Module, type RecurrentState } from '../src/nn/index.ts';
import { Adam, clipGradNorm } from '../src/optim/index.ts';
import type { AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { bool, choice, int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { maskLogits } from './common/distributions.ts';
import { computeGae, standardize } from './common/gae.ts';
import { RunningMeanStd, normalizeBatch, restoreRunningStats } from './common/normalize.ts';
import { ActionHeadPolicy, actionHead, envActions, logProbEntropy, sampleActions, supportsFlat, type ActionHead, type PolicyNet } from './common/action-head.ts';
import { checkParamsFinite, layerGradNorms } from './common/health.ts';
import { addEpisodeMetrics, explainedVariance, type Episode } from './common/metrics.ts';
import { advanceCurriculum, boundarySeed, checkCurriculum, checkWorkers, checkpointDue, checkpointInterval, curriculumField, envSpaces, openVecEnv, readCheckpointMeta, resumeRun, runCheckpoint, seedField } from './common/run.ts';
import type { EpisodeStepResult, RecordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';
import type { CopyGroup } from '../src/gym/vector/vector-env.ts';
import { buildCnnTrunk, imageShape } from './common/cnn.ts';
import { coloredNoise } from './common/colored-noise.ts';
import { mirrorLoss, mirrorPlan, runMirror } from './common/mirror.ts';

// ── config ──

/** PPO hyperparameters: CleanRL's names and defaults (ppo.py), plus the options above. */
export const ppoSpec = {
  seed: seedField('seed of the experiment (networks, sampling and envs)'),
  totalTimesteps: int(500_000, 'total timesteps of the experiment', 1),
  learningRate: num(2.5e-4, 'the learning rate of the optimizer', { min: 0 }),
  numEnvs: int(4, 'the number of parallel game environments', 1),
  numSteps: int(128, 'the number of steps to run in each environment per policy rollout', 1),
  annealLr: bool(true, 'toggle learning rate annealing for policy and value networks'),
  gamma: num(0.99, 'the discount factor gamma', { min: 0, max: 1 }),
  gaeLambda: num(0.95, 'the lambda for the general advantage estimation', { min: 0, max: 1 }),
  numMinibatches: int(4, 'the number of mini-batches', 1),
  updateEpochs: int(4, 'the K epochs to update the policy', 1),
  normAdv: bool(true, 'toggles advantages normalization'),
  clipCoef: num(0.2, 'the surrogate clipping coefficient', { min: 0 }),
  clipVloss: bool(true, 'toggles whether or not to use a clipped loss for the value function'),
  entCoef: num(0.01, 'coefficient of the entropy', { min: 0 }),
  logStdInit: num(0, 'initial log standard deviation of the Gaussian policy for continuous actions (SB3\'s log_std_init; 0: std 1)'),
  stdFinal: num(0, 'a falling cap on the Gaussian policy\'s std (continuous actions): from exp(logStdInit) at step stdDecayStart to this at the run\'s end, linear in log std; each action\'s log std is clipped to the cap before every rollout (0: no cap, the std is learned freely)', { min: 0 }),
  stdDecayStart: int(0, 'the env step at which the std cap of stdFinal starts to fall', 0),
  smoothCoef: num(0, 'coefficient of a temporal smoothness loss on the Gaussian policy\'s mean (CAPS, Mysore et al. 2021): the mean over the minibatch\'s steps, within an episode, of |μ(s_t) − μ(s_{t+1})|² (summed over the actions); a regulariser of the policy, not a reward (mlp policies with continuous actions; 0: off)', { min: 0 }),
  mirrorCoef: num(0, 'coefficient of the mirror symmetry loss on the Gaussian policy\'s mean (Yu, Turk and Liu, SIGGRAPH 2018): the mean over the minibatch of |μ(s) − M_a(μ(M_s(s)))|², M_s and M_a the env\'s mirror of an observation and an action (metadata.mirror; the walkers swap their legs); a regulariser of the policy, not a reward (mlp policies with continuous actions; 0: off)', { min: 0 }),
  noiseColor: num(0, 'β of the Gaussian policy\'s exploration noise over time (continuous actions): each iteration draws, for every copy and action, a sequence of unit-variance noise with power spectrum ~ 1/f^β (0: white, CleanRL\'s; 0.5: what Hollenstein et al., AAAI 2024, recommend for PPO; 1: pink); the log-probabilities stay per-step Gaussian', { min: 0, max: 2 }),
  vfCoef: num(0.5, 'coefficient of the value function', { min: 0 }),
  maxGradNorm: num(0.5, 'the maximum norm for the gradient clipping', { min: 0 }),
  targetKl: num(0, 'the target KL divergence threshold for early stopping (0 disables)', { min: 0 }),
  hiddenSizes: nums([64, 64], 'hidden layer sizes of the actor and critic MLPs'),
  activation: choice('tanh', 'activation of the hidden layers', ['tanh', 'relu']),
  normObs: bool(false, 'normalise observations with running statistics (saved in checkpoints)'),
  normReward: bool(false, 'scale rewards by the running std of the discounted return'),
  recurrent: bool(false, 'use LSTM policies: encoder → LSTM → head, separate for actor and critic (as SB3 RecurrentPPO)'),
  lstmHidden: int(64, 'hidden size of the LSTM when recurrent', 1),
  network: choice('mlp', 'mlp: actor and critic MLPs over the flat observation; cnn: a convolutional trunk shared by both heads, for image observations [H, W], [C, H, W] or [k, C, H, W] (uint8, scaled by 1/255)', ['mlp', 'cnn']),
  cnnChannels: nums([32, 64, 64], 'output channels of the cnn trunk\'s convolutions: 8×8 stride 4, 4×4 stride 2, then 3×3 stride 1 (Nature CNN); give 1 to 3 of them'),
  cnnHidden: int(512, 'size of the cnn trunk\'s fully connected layer', 1),
  checkpointFrequency: int(0, 'iterations between resumable checkpoints, where envs are re-seeded so a resumed run repeats exactly (0: a tenth of the run, at least 1,000 steps per env apart)'),
  curriculumSteps: curriculumField(),
  pipelineRollout: bool(true, 'with the envs on 2 or more worker threads (--workers), step each worker\'s copies in turn and choose their next actions while the other workers step, so the forward pass overlaps the physics (mlp and recurrent policies); the numbers of a lockstep rollout, except with normObs, whose statistics then take in each worker\'s observations as they arrive'),
} as const;

/** A resolved PPO config. */
export type PpoConfig = ConfigOf<typeof ppoSpec>;

// ── networks ──

/**
 * Actor and critic, feed-forward or recurrent. Recurrent nets give actor and critic each their
 * own encoder → LSTM trunk (SB3 RecurrentPPO's default): sharing one trunk lets the large value
 * gradients swamp the policy's (measured: a shared trunk did not learn CartPole in 40k steps).
 * Their states travel together as one [2, B, H] state: layer 0 the actor's, layer 1 the critic's.
 */
export type PpoNets = {
  actor: Module;
  critic: Module;
  /** State-independent log σ for Box actions [1, actDim]. */
  logStd: Tensor | null;
  encoder: Module | null;
  lstm: LSTM | null;
  criticEncoder: Module | null;
  criticLstm: LSTM | null;
  /** The shared convolutional trunk (`network: 'cnn'`); the actor and critic are then linear heads on it. */
  trunk: Module | null;
};

/** Builds CleanRL's networks for these spaces. */
export function buildPpoNets(cfg: PpoConfig, obsSpace: Space, head: ActionHead, rng: Rng): PpoNets {
  const obsDim = flatDim(obsSpace);
  const logStd = head.kind === 'box' ? parameter(new Float32Array(head.actDim).fill(cfg.logStdInit), [1, head.actDim], 'logStd') : null;
  if (cfg.network === 'cnn') {
    if (cfg.recurrent) throw new ConfigError('ppo: network "cnn" and recurrent policies do not combine; choose one');
    const trunk = buildCnnTrunk('ppo', cfg.cnnChannels, cfg.cnnHidden, imageShape('ppo', obsSpace), rng);
    return {
      trunk,
      actor: new Linear(cfg.cnnHidden, head.outDim, rng, { gain: 0.01 }),
      critic: new Linear(cfg.cnnHidden, 1, rng, { gain: 1 }),
      logStd, encoder: null, lstm: null, criticEncoder: null, criticLstm: null,
    };
  }
  if (!cfg.recurrent) {
    return {
      actor: mlp([obsDim, ...cfg.hiddenSizes, head.outDim], cfg.activation, rng, { outputGain: 0.01 }),
      critic: mlp([obsDim, ...cfg.hiddenSizes, 1], cfg.activation, rng, { outputGain: 1 }),
      logStd, encoder: null, lstm: null, criticEncoder: null, criticLstm: null, trunk: null,
    };
  }
  const h = cfg.hiddenSizes[0] ?? 64;
  return {
    encoder: mlp([obsDim, h], cfg.activation, rng, { outputActivation: cfg.activation, outputGain: Math.SQRT2 }),
    lstm: new LSTM(h, cfg.lstmHidden, rng),
    criticEncoder: mlp([obsDim, h], cfg.activation, rng, { outputActivation: cfg.activation, outputGain: Math.SQRT2 }),
    criticLstm: new LSTM(h, cfg.lstmHidden, rng),
    actor: new Linear(cfg.lstmHidden, head.outDim, rng, { gain: 0.01 }),
    critic: new Linear(cfg.lstmHidden, 1, rng, { gain: 1 }),
    logStd, trunk: null,
  };
}

/** All trainable tensors of the nets (the encoder only when recurrent). */
function netParams(nets: PpoNets): Tensor[] {
  const ps = [...parameters(nets.actor), ...parameters(nets.critic)];
  for (const m of [nets.trunk, nets.encoder, nets.lstm, nets.criticEncoder, nets.criticLstm]) if (m !== null) ps.push(...parameters(m));
  if (nets.logStd !== null) ps.push(nets.logStd);
  return ps;
}

/** The modules that a checkpoint stores, by prefix. */
function netModules(nets: PpoNets): Record<string, Module> {
  const out: Record<string, Module> = { actor: nets.actor, critic: nets.critic };
  if (nets.trunk !== null) out.trunk = nets.trunk;
  if (nets.lstm !== null && nets.encoder !== null && nets.criticEncoder !== null && nets.criticLstm !== null) {
    out.encoder = nets.encoder;
    out.lstm = nets.lstm;
    out.critic_encoder = nets.criticEncoder;
    out.critic_lstm = nets.criticLstm;
  }
  if (nets.logStd !== null) out.head = { params: { logStd: nets.logStd }, buffers: {}, children: {}, training: true, forward: (x) => x };
  return out;
}

/**
 * One forward step: policy outputs [B, outDim] and values [B]. For recurrent nets `state` is the
 * LSTM state before this step and the new state is returned.
 */
function forward(nets: PpoNets, obs: Tensor, state: RecurrentState | null): { out: Tensor; value: Tensor; state: RecurrentState | null } {
  if (nets.trunk !== null) {
    const features = nets.trunk.forward(obs);
    return { out: nets.actor.forward(features), value: reshape(nets.critic.forward(features), [obs.shape[0]]), state: null };
  }
  if (nets.lstm === null || nets.encoder === null) {
    return { out: nets.actor.forward(obs), value: reshape(nets.critic.forward(obs), [obs.shape[0]]), state: null };
  }
  const b = obs.shape[0], H = nets.lstm.hiddenSize;
  const s0 = state ?? initialRecurrentState(nets, b);
  const part = (t: Tensor, l: number): Tensor => slice(t, [[l, l + 1]]);
  const trunk = (enc: Module, lstm: LSTM, l: number) => lstm.run(reshape(enc.forward(obs), [1, b, -1]), { h: part(s0.h, l), c: part(s0.c as Tensor, l) });
  const ra = trunk(nets.encoder, nets.lstm, 0);
  const rc = trunk(nets.criticEncoder as Module, nets.criticLstm as LSTM, 1);
  return {
    out: nets.actor.forward(reshape(ra.output, [b, H])),
    value: reshape(nets.critic.forward(reshape(rc.output, [b, H])), [b]),
    state: { h: concat([ra.state.h, rc.state.h], 0), c: concat([ra.state.c as Tensor, rc.state.c as Tensor], 0) },
  };
}

/** Zero states of the actor and critic LSTMs, stacked [2, B, H]. */
function initialRecurrentState(nets: PpoNets, b: number): RecurrentState {
  const H = (nets.lstm as LSTM).hiddenSize;
  return { h: new Tensor(new Float32Array(2 * b * H), [2, b, H]), c: new Tensor(new Float32Array(2 * b * H), [2, b, H]) };
}

/** Zeroes the LSTM state of rows whose episode just ended. */
function resetRows(state: RecurrentState, done: ArrayLike<number>): RecurrentState {
  const keep = new Float32Array(state.h.size);
  const b = done.length, h = state.h.shape[2];
  for (let l = 0; l < state.h.shape[0]; l++) for (let r = 0; r < b; r++) keep.fill(done[r] ? 0 : 1, (l * b + r) * h, (l * b + r + 1) * h);
  const k = new Tensor(keep, state.h.shape);
  return { h: mul(state.h, k), c: state.c !== null ? mul(state.c, k) : null };
}

/** Rows `first … first + count − 1` of a batch [B, …] (the batch itself when that is every row). */
function takeRows(t: Tensor, first: number, count: number): Tensor {
  if (first === 0 && count === t.shape[0]) return t;
  const w = t.size / t.shape[0];
  return new Tensor(t.data.slice(first * w, (first + count) * w), [count, ...t.shape.slice(1)]);
}

/** `state` with rows `first … first + count − 1` of every layer taken from `from` (both [L, B, H]). */
function replaceRows(state: RecurrentState, from: RecurrentState, first: number, count: number): RecurrentState {
  const copy = (to: Tensor, src: Tensor): Tensor => {
    const [layers, b, h] = to.shape;
    const data = to.data.slice();
    for (let l = 0; l < layers; l++) data.set(src.data.subarray((l * b + first) * h, (l * b + first + count) * h), (l * b + first) * h);
    return new Tensor(data, to.shape);
  };
  return { h: copy(state.h, from.h), c: state.c !== null && from.c !== null ? copy(state.c, from.c) : null };
}

// ── policy ──

/** The nets as a policy network: the actor's outputs, and the LSTM state when recurrent. */
function policyNet(nets: PpoNets): PolicyNet {
  return (obs, state) => {
    const r = forward(nets, obs, state);
    return { out: r.out, state: r.state };
  };
}

// ── options of Gaussian policies: std cap, colored noise, smoothness, mirror symmetry ──

/** A ConfigError unless noiseColor, smoothCoef, mirrorCoef and stdFinal are 0 or the policy suits them (Gaussian; smoothCoef, mirrorCoef: mlp, not recurrent), and unless the cap falls (stdFinal ≤ exp(logStdInit)). */
function checkExploration(cfg: PpoConfig, head: ActionHead): void {
  if (cfg.noiseColor > 0 && head.kind !== 'box') throw new ConfigError(`ppo: noiseColor ${cfg.noiseColor} colors a Gaussian policy's noise, and this env's actions are ${head.kind}; set noiseColor to 0`);
  const feedForward = head.kind !== 'box' ? `${head.kind} (actions)` : cfg.recurrent ? 'recurrent' : cfg.network !== 'mlp' ? `a ${cfg.network}` : null;
  if (cfg.smoothCoef > 0 && feedForward !== null) throw new ConfigError(`ppo: smoothCoef ${cfg.smoothCoef} smooths the mean of a feed-forward Gaussian policy, and this run's is ${feedForward}; set smoothCoef to 0`);
  if (cfg.mirrorCoef > 0 && feedForward !== null) throw new ConfigError(`ppo: mirrorCoef ${cfg.mirrorCoef} mirrors the mean of a feed-forward Gaussian policy, and this run's is ${feedForward}; set mirrorCoef to 0`);
  if (cfg.stdFinal === 0) return;
  if (head.kind !== 'box') throw new ConfigError(`ppo: stdFinal ${cfg.stdFinal} caps a Gaussian policy's std, and this env's actions are ${head.kind}; set stdFinal to 0`);
  const initial = Math.exp(cfg.logStdInit);
  if (cfg.stdFinal > initial) throw new ConfigError(`ppo: stdFinal (${cfg.stdFinal}) must be at most the initial std exp(logStdInit) = ${initial.toPrecision(4)}: the cap only falls`);
}

/**
 * The cap on the policy's std at `globalStep` (exp(logStdInit) until stdDecayStart, then linear in log std down to
 * stdFinal at `totalSteps`), as a log std; +∞ without one. Fixed for an iteration, so a rollout and its update see
 * one bound, and a resumed run caps the same way.
 */
function logStdCap(cfg: PpoConfig, globalStep: number, totalSteps: number): number {
  if (cfg.stdFinal === 0) return Infinity;
  const span = totalSteps - cfg.stdDecayStart;
  const frac = span <= 0 ? (globalStep >= cfg.stdDecayStart ? 1 : 0) : Math.min(1, Math.max(0, (globalStep - cfg.stdDecayStart) / span));
  return cfg.logStdInit + frac * (Math.log(cfg.stdFinal) - cfg.logStdInit);
}

/** Clips each action's log std to `cap` (before a rollout and after every optimizer step, so the std never exceeds it). */
function clipLogStd(logStd: Tensor | null, cap: number): void {
  if (logStd === null || cap === Infinity) return;
  const d = logStd.data;
  for (let i = 0; i < d.length; i++) if (d[i] > cap) d[i] = cap;
}

// ── training ──

/** Starts (or resumes) a PPO run. */
function createRun(cfg: PpoConfig, ctx: RunContext): TrainRun {
  const rng = new Rng(cfg.seed);
  const { obsSpace, actSpace, metadata } = envSpaces(ctx);
  checkWorkers('ppo', ctx, cfg.numEnvs);
  checkCurriculum('ppo', ctx, cfg.curriculumSteps);
  const head = actionHead('ppo', actSpace);
  checkExploration(cfg, head);
  const obsDim = flatDim(obsSpace), N = cfg.numEnvs, S = cfg.numSteps;
  const mirror = cfg.mirrorCoef > 0 ? runMirror('ppo', ctx.envId, metadata.mirror, obsDim, head.actDim) : null;
  // the copies start on the first iteration: worker threads start asynchronously
  let envs: RecordVectorEpisodeStatistics | null = null;
  const batchSize = N * S;
  if (cfg.recurrent ? N % cfg.numMinibatches !== 0 : batchSize % cfg.numMinibatches !== 0) {
    throw new ConfigError(`ppo: numMinibatches (${cfg.numMinibatches}) must divide ${cfg.recurrent ? `numEnvs (${N}) for recurrent policies` : `numEnvs·numSteps (${batchSize})`}`);
  }
  const numIterations = Math.max(1, Math.floor(cfg.totalTimesteps / batchSize));
  // auto: a tenth of the run, but never closer than 1,000 steps per env, so episodes are rarely cut
  const ckptEvery = checkpointInterval(cfg.checkpointFrequency, numIterations, Math.ceil(1000 / S));
  const nets = buildPpoNets(cfg, obsSpace, head, rng);
  const params = netParams(nets);
  const optimizer = new Adam(params, { lr: cfg.learningRate, eps: 1e-5 });
  const obsNorm = cfg.normObs ? new RunningMeanStd(obsDim) : null;
  const retNorm = cfg.normReward ? new RunningMeanStd(1) : null;
  const discounted = new Float64Array(N);
  let iteration = 0, globalStep = 0;
  const policyRng = rng.spawn();

  const resumed = resumeRun<{ iteration: number; globalStep: number; rng: [number, number, number, number, number]; retNorm: ReturnType<RunningMeanStd['state']> | null }>('ppo', ctx, netModules(nets), { adam: optimizer });
  if (resumed !== null) {
    const { meta, trainer: t } = resumed;
    if (obsNorm !== null && meta.obsNorm !== null) obsNorm.load(meta.obsNorm);
    if (retNorm !== null && t.retNorm !== null) retNorm.load(t.retNorm);
    rng.setState(t.rng);
    iteration = t.iteration;
    globalStep = t.globalStep;
  }
  const policy = new ActionHeadPolicy('ppo', ctx.envId, policyNet(nets), head, nets.logStd, obsSpace, obsNorm, policyRng);

  // rollout storage, [S, N] step-major
  const obsBuf = new Float32Array(S * N * obsDim), actBuf = new Float32Array(S * N * head.actDim);
  const logpBuf = new Float32Array(S * N), rewBuf = new Float32Array(S * N), doneBuf = new Uint8Array(S * N), valBuf = new Float32Array(S * N);
  const maskDim = head.kind === 'discrete' ? head.n : 0;
  const maskBuf = head.kind === 'discrete' ? new Uint8Array(S * N * maskDim).fill(1) : null;
  const normObs = (raw: Float32Array, update: boolean): Float32Array => normalizeBatch(obsNorm, raw, update);
  const valueOf = (obs: Float32Array, state: RecurrentState | null): Float32Array => noGrad(() => forward(nets, new Tensor(obs, [obs.length / obsDim, obsDim]), state).value.data);

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    envs ??= await openVecEnv(ctx, N);
    const vec = envs;
    // Lockstep: one group of every copy. Pipelined: one group per env worker, stepped in turn, so one group's
    // next actions are chosen while the other groups' copies step (a cnn's forward pass outweighs the envs).
    const pipelined = cfg.pipelineRollout && vec.groups.length > 1 && nets.trunk === null;
    const groups: readonly CopyGroup[] = pipelined ? vec.groups : [{ first: 0, count: N }];
    let nextObs: Float32Array = new Float32Array(0);
    let nextMasks: Uint8Array | null = null;
    let lstmState: RecurrentState | null = null;
    let curriculum = NaN;
    const startIteration = iteration;
    const t0 = performance.now();
    while (iteration < numIterations) {
      if (iteration === startIteration || iteration % ckptEvery === 0) {
        // a boundary: every copy starts afresh from a seed fixed by the iteration, so a run resumed here repeats exactly
        const r = await vec.reset({ seed: boundarySeed(cfg.seed, iteration, N) });
        nextObs = normObs(r.obs, true);
        nextMasks = r.masks ?? null;
        lstmState = nets.lstm !== null ? initialRecurrentState(nets, N) : null;
        discounted.fill(0);
      }
      curriculum = await advanceCurriculum(vec, cfg.curriculumSteps, globalStep, curriculum);
      const stdCap = logStdCap(cfg, globalStep, numIterations * batchSize);
      clipLogStd(nets.logStd, stdCap);
      iteration += 1;
      const lr = cfg.annealLr ? (1 - (iteration - 1) / numIterations) * cfg.learningRate : cfg.learningRate;
      optimizer.lr = lr;
      const initialState = lstmState;
      const episodes: Episode[] = [];
      // colored exploration noise: the iteration's draws, [step, copy · action] as actBuf
      const noise = cfg.noiseColor > 0 ? coloredNoise(rng, cfg.noiseColor, S, N * head.actDim) : null;

      // ── rollout ──
      // Group g at step t: act (its rows of the step-t buffers) and start its step; at t + 1, record what it returned.
      const stepStates: (RecurrentState | null)[] = groups.map(() => null);
      const inFlight = new Array<() => Promise<EpisodeStepResult>>(groups.length);
      const act = (g: number, t: number): (() => Promise<EpisodeStepResult>) => {
        const { first, count } = groups[g];
        const row = t * N + first;
        globalStep += count;
        obsBuf.set(nextObs.subarray(first * obsDim, (first + count) * obsDim), row * obsDim);
        const masks = nextMasks === null ? null : nextMasks.subarray(first * maskDim, (first + count) * maskDim);
        if (maskBuf !== null) {
          if (masks !== null) maskBuf.set(masks, row * maskDim);
          else maskBuf.fill(1, row * maskDim, (row + count) * maskDim);
        }
        const step = noGrad(() => {
          // every copy's row goes through the nets, as in lockstep, so each row's arithmetic (the kernels chosen
          // by batch size) is the same; the group's rows are used
          const f = forward(nets, new Tensor(nextObs, [N, obsDim]), lstmState);
          const out = takeRows(f.out, first, count);
          const acts = sampleActions(head, out, nets.logStd, rng, false, masks, noise === null ? null : noise.subarray(row * head.actDim, (row + count) * head.actDim));
          const masked = head.kind === 'discrete' ? maskLogits(out, masks) : out;
          const lp = logProbEntropy(head, masked, acts, nets.logStd).logProb;
          return { acts, lp: lp.data, value: f.value.data.subarray(first, first + count), state: f.state };
        });
        actBuf.set(step.acts, row * head.actDim);
        logpBuf.set(step.lp, row);
        valBuf.set(step.value, row);
        stepStates[g] = step.state;
        const actions = envActions(head, step.acts);
        if (!pipelined) {
          const result = vec.step(actions);
          return () => result;
        }
        vec.stepAsync(g, actions);
        return () => vec.stepWait(g);
      };
      const record = (g: number, t: number, r: EpisodeStepResult): void => {
        const { first, count } = groups[g];
        const stepState = stepStates[g];
        episodes.push(...r.episodes);
        for (let j = 0; j < count; j++) {
          const i = first + j, k = t * N + i;
          let reward = r.rewards[j];
          if (retNorm !== null) {
            discounted[i] = discounted[i] * cfg.gamma + reward;
            retNorm.update([discounted[i]], 1);
            reward = Math.max(-10, Math.min(10, reward / Math.sqrt(retNorm.var[0] + 1e-8)));
          }
          rewBuf[k] = reward;
          doneBuf[k] = r.terminated[j] || r.truncated[j] ? 1 : 0;
          if (doneBuf[k]) discounted[i] = 0;
        }
        // truncation: the episode was cut, not ended, so bootstrap from the real final observation
        for (let j = 0; j < count; j++) {
          const i = first + j, fin = r.finalObs[j];
          if (r.truncated[j] && !r.terminated[j] && fin !== null) {
            const rowState = stepState !== null ? { h: slice(stepState.h, [null, [i, i + 1]]), c: stepState.c !== null ? slice(stepState.c, [null, [i, i + 1]]) : null } : null;
            rewBuf[t * N + i] += cfg.gamma * valueOf(normObs(fin, false), rowState)[0];
          }
        }
        nextObs.set(normObs(r.obs, true), first * obsDim);
        if (r.masks !== undefined) (nextMasks ??= new Uint8Array(N * maskDim).fill(1)).set(r.masks, first * maskDim);
        else nextMasks?.fill(1, first * maskDim, (first + count) * maskDim);
        if (stepState !== null && lstmState !== null) {
          const done = new Uint8Array(N);
          done.set(doneBuf.subarray(t * N + first, t * N + first + count), first);
          lstmState = resetRows(replaceRows(lstmState, stepState, first, count), done);
        }
      };
      for (let t = 0; t <= S; t++) {
        for (let g = 0; g < groups.length; g++) {
          if (t > 0) record(g, t - 1, await inFlight[g]());
          if (t < S) inFlight[g] = act(g, t);
        }
      }

      // ── GAE ──
      const nextValue = valueOf(nextObs, lstmState);
      const { advantages, returns } = computeGae(rewBuf, valBuf, doneBuf, nextValue, S, N, cfg.gamma, cfg.gaeLambda);

      // ── update ──
      const stats = { pg: 0, v: 0, ent: 0, smooth: 0, mirror: 0, oldKl: 0, kl: 0, clipfrac: 0, n: 0 };
      const mirrorNow = mirror !== null ? mirrorPlan(mirror, obsNorm) : null;
      let grads: Record<string, number> = {};
      const rows = cfg.recurrent ? N : batchSize;
      const mbRows = rows / cfg.numMinibatches;
      let stop = false;
      for (let epoch = 0; epoch < cfg.updateEpochs && !stop; epoch++) {
        ctx.onUpdateProgress?.(epoch, cfg.updateEpochs);
        const perm = rng.permutation(rows);
        for (let start = 0; start < rows; start += mbRows) {
          const pick = perm.subarray(start, start + mbRows);
          const ro: Rollout = { obsBuf, actBuf, logpBuf, valBuf, doneBuf, maskBuf, advantages, returns, initialState, nets, head, obsDim, N, S };
          const mb = cfg.recurrent ? sequenceMinibatch(ro, pick) : flatMinibatch(ro, pick);
          const { logProb, entropy } = logProbEntropy(head, mb.out, mb.actions, nets.logStd);
          const logratio = logProb.sub(new Tensor(mb.oldLogp, [mb.size]));
          const ratio = logratio.exp();
          noGrad(() => {
            // k3 estimator of KL (http://joschu.net/blog/kl-approx.html)
            let old = 0, kl = 0, cf = 0;
            for (let i = 0; i < mb.size; i++) {
              const lr_ = logratio.data[i], r_ = ratio.data[i];
              old += -lr_;
              kl += r_ - 1 - lr_;
              if (Math.abs(r_ - 1) > cfg.clipCoef) cf += 1;
            }
            stats.oldKl += old / mb.size;
            stats.kl += kl / mb.size;
            stats.clipfrac += cf / mb.size;
          });
          if (cfg.normAdv) standardize(mb.advantages);
          const A = new Tensor(mb.advantages, [mb.size]);
          // policy loss: mean max(−A·r, −A·clip(r, 1 ± ε))
          const pgLoss1 = A.neg().mul(ratio);
          const pgLoss2 = A.neg().mul(ratio.clamp(1 - cfg.clipCoef, 1 + cfg.clipCoef));
          const pgLoss = pgLoss1.maximum(pgLoss2).mean();
          const R = new Tensor(mb.returns, [mb.size]);
          let vLoss: Tensor;
          if (cfg.clipVloss) {
            // ½ mean max((V − R)², (V_old + clip(V − V_old, ±ε) − R)²)
            const oldV = new Tensor(mb.oldValues, [mb.size]);
            const vClipped = oldV.add(mb.value.sub(oldV).clamp(-cfg.clipCoef, cfg.clipCoef));
            vLoss = mb.value.sub(R).square().maximum(vClipped.sub(R).square()).mean().mul(0.5);
          } else {
            vLoss = mb.value.sub(R).square().mean().mul(0.5);
          }
          const entLoss = entropy.mean();
          // L = L_clip − c_ent·H + c_vf·L_V
          let loss = pgLoss.sub(entLoss.mul(cfg.entCoef)).add(vLoss.mul(cfg.vfCoef));
          const smooth = cfg.smoothCoef > 0 ? smoothnessLoss(nets.actor, mb.out, obsBuf, doneBuf, pick, obsDim, N, S) : null;
          if (smooth !== null) loss = loss.add(smooth.mul(cfg.smoothCoef));
          const sym = mirrorNow !== null && mb.obs !== null ? mirrorLoss(nets.actor, mb.out, mb.obs, mirrorNow) : null;
          if (sym !== null) loss = loss.add(sym.mul(cfg.mirrorCoef));
          if (!Number.isFinite(loss.item())) {
            throw new NonFiniteError(`ppo: the loss is ${loss.item()} at global step ${globalStep} (policy loss ${pgLoss.item()}, value loss ${vLoss.item()}, entropy ${entLoss.item()})`);
          }
          optimizer.zeroGrad();
          loss.backward(undefined, { freeGraph: true }); // nothing reads the minibatch's intermediates after this
          // per-layer norms are reported once per iteration: measure them on the last minibatch only
          if (start + mbRows >= rows && (epoch === cfg.updateEpochs - 1 || cfg.targetKl > 0)) grads = layerGradNorms(netModules(nets));
          clipGradNorm(params, cfg.maxGradNorm);
          optimizer.step();
          clipLogStd(nets.logStd, stdCap);
          stats.pg += pgLoss.item();
          stats.v += vLoss.item();
          stats.ent += entLoss.item();
          if (smooth !== null) stats.smooth += smooth.item();
          if (sym !== null) stats.mirror += sym.item();
          stats.n += 1;
        }
        if (cfg.targetKl > 0 && stats.kl / stats.n > cfg.targetKl) stop = true;
      }
      checkParamsFinite('ppo', netModules(nets), globalStep);

      const elapsed = (performance.now() - t0) / 1000;
      const row: Metrics = {
        global_step: globalStep,
        iteration,
        'charts/learning_rate': lr,
        'losses/value_loss': stats.v / stats.n,
        'losses/policy_loss': stats.pg / stats.n,
        'losses/entropy': stats.ent / stats.n,
        'losses/old_approx_kl': stats.oldKl / stats.n,
        'losses/approx_kl': stats.kl / stats.n,
        'losses/clipfrac': stats.clipfrac / stats.n,
        'losses/explained_variance': explainedVariance(returns, valBuf),
        'charts/SPS': Math.round((globalStep - startIteration * batchSize) / Math.max(elapsed, 1e-9)),
      };
      if (cfg.curriculumSteps > 0) row['charts/curriculum_progress'] = curriculum;
      if (cfg.stdFinal > 0) row['charts/std_cap'] = Math.exp(stdCap);
      if (cfg.smoothCoef > 0) row['losses/smoothness'] = stats.smooth / stats.n;
      if (cfg.mirrorCoef > 0) row['losses/mirror'] = stats.mirror / stats.n;
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
      algo: 'ppo', config: cfg, nets: netModules(nets), optimizers: { adam: optimizer },
      obsNorm: obsNorm?.state() ?? null,
      trainer: { iteration, globalStep, rng: rng.getState(), retNorm: retNorm?.state() ?? null, obsSpace: obsSpace.kind, actSpace: actSpace.kind },
    }),
    close: async () => {
      await envs?.close();
    },
  };
}

/** One iteration's rollout, as the update phase reads it. */
type Rollout = {
  obsBuf: Float32Array; actBuf: Float32Array; logpBuf: Float32Array; valBuf: Float32Array; doneBuf: Uint8Array; maskBuf: Uint8Array | null;
  advantages: Float32Array; returns: Float32Array; initialState: RecurrentState | null;
  nets: PpoNets; head: ActionHead; obsDim: number; N: number; S: number;
};

/** Policy outputs and stored rollout values for one minibatch; `obs` (its normalised observations) only for feed-forward rows. */
type Minibatch = {
  size: number; obs: Float32Array | null; out: Tensor; value: Tensor; actions: Float32Array; oldLogp: Float32Array;
  advantages: Float32Array; returns: Float32Array; oldValues: Float32Array;
};

/**
 * The temporal smoothness loss (CAPS' L_T, squared): the mean of |μ(s_t) − μ(s_{t+1})|² over the picked steps t
 * whose next step is in the rollout and in the same episode (step-major [S, N] rows: t + 1 of a copy is N rows on).
 * `mu` is the minibatch's μ(s_t) [B, actDim], so only the next steps go through the actor.
 */
function smoothnessLoss(actor: Module, mu: Tensor, obsBuf: Float32Array, doneBuf: Uint8Array, pick: Int32Array, obsDim: number, N: number, S: number): Tensor | null {
  const b = pick.length, actDim = mu.shape[1];
  const next = new Float32Array(b * obsDim), keep = new Float32Array(b * actDim);
  let m = 0;
  for (let j = 0; j < b; j++) {
    const i = pick[j];
    if (i >= (S - 1) * N || doneBuf[i] !== 0) continue; // no next step in this rollout and episode: its row stays 0, masked
    m += 1;
    for (let k = 0; k < obsDim; k++) next[j * obsDim + k] = obsBuf[(i + N) * obsDim + k];
    keep.fill(1, j * actDim, (j + 1) * actDim);
  }
  if (m === 0) return null;
  const d = mu.sub(actor.forward(new Tensor(next, [b, obsDim]))).mul(new Tensor(keep, [b, actDim]));
  return d.square().sum().mul(1 / m);
}

/** A minibatch of single steps (feed-forward policies). */
function flatMinibatch(ro: Rollout, pick: Int32Array): Minibatch {
  const { obsBuf, actBuf, logpBuf, valBuf, maskBuf, advantages, returns, nets, head, obsDim } = ro;
  const size = pick.length;
  const obs = new Float32Array(size * obsDim), actions = new Float32Array(size * head.actDim);
  const oldLogp = new Float32Array(size), adv = new Float32Array(size), ret = new Float32Array(size), oldValues = new Float32Array(size);
  const masks = maskBuf !== null ? new Uint8Array(size * (head as { n: number }).n) : null;
  const actDim = head.actDim;
  for (let j = 0; j < size; j++) {
    const i = pick[j];
    // element loops, not set(subarray): a subarray view costs more than copying a handful of numbers
    for (let k = 0; k < obsDim; k++) obs[j * obsDim + k] = obsBuf[i * obsDim + k];
    for (let k = 0; k < actDim; k++) actions[j * actDim + k] = actBuf[i * actDim + k];
    if (masks !== null && maskBuf !== null) {
      const n = (head as { n: number }).n;
      masks.set(maskBuf.subarray(i * n, (i + 1) * n), j * n);
    }
    oldLogp[j] = logpBuf[i];
    adv[j] = advantages[i];
    ret[j] = returns[i];
    oldValues[j] = valBuf[i];
  }
  const f = forward(nets, new Tensor(obs, [size, obsDim]), null);
  const out = head.kind === 'discrete' ? maskLogits(f.out, masks) : f.out;
  return { size, obs, out, value: f.value, actions, oldLogp, advantages: adv, returns: ret, oldValues };
}

/** A minibatch of whole env sequences, replayed through the LSTM from the rollout's initial state. */
function sequenceMinibatch(ro: Rollout, envIdx: Int32Array): Minibatch {
  const { obsBuf, actBuf, logpBuf, valBuf, doneBuf, advantages, returns, nets, head, obsDim, N, S, initialState } = ro;
  const E = envIdx.length, size = E * S;
  const pickRows = (s: RecurrentState): RecurrentState => {
    const sel = (t: Tensor): Tensor => {
      const out = new Float32Array(t.shape[0] * E * t.shape[2]);
      const H = t.shape[2];
      for (let l = 0; l < t.shape[0]; l++) for (let e = 0; e < E; e++) out.set(t.data.subarray((l * N + envIdx[e]) * H, (l * N + envIdx[e] + 1) * H), (l * E + e) * H);
      return new Tensor(out, [t.shape[0], E, H]);
    };
    return { h: sel(s.h), c: s.c !== null ? sel(s.c) : null };
  };
  let state: RecurrentState = pickRows(initialState ?? initialRecurrentState(nets, N));
  const outs: Tensor[] = [], values: Tensor[] = [];
  const actions = new Float32Array(size * head.actDim), oldLogp = new Float32Array(size), adv = new Float32Array(size), ret = new Float32Array(size), oldValues = new Float32Array(size);
  for (let t = 0; t < S; t++) {
    const obs = new Float32Array(E * obsDim);
    const dones = new Uint8Array(E);
    for (let e = 0; e < E; e++) {
      const i = t * N + envIdx[e], j = t * E + e;
      obs.set(obsBuf.subarray(i * obsDim, (i + 1) * obsDim), e * obsDim);
      actions.set(actBuf.subarray(i * head.actDim, (i + 1) * head.actDim), j * head.actDim);
      oldLogp[j] = logpBuf[i];
      adv[j] = advantages[i];
      ret[j] = returns[i];
      oldValues[j] = valBuf[i];
      dones[e] = doneBuf[i];
    }
    const f = forward(nets, new Tensor(obs, [E, obsDim]), state);
    outs.push(f.out);
    values.push(f.value);
    state = resetRows(f.state as RecurrentState, dones);
  }
  const out = concatRows(outs), value = concatRows(values);
  return { size, obs: null, out, value, actions, oldLogp, advantages: adv, returns: ret, oldValues };
}

/** Concatenates per-step outputs along the batch axis, keeping the graph. */
function concatRows(ts: Tensor[]): Tensor {
  return ts.length === 1 ? ts[0] : concat(ts, 0);
}

/** Rebuilds a policy from a checkpoint. */
function loadPolicy(ckpt: CheckpointPayload, obsSpace: Space, actSpace: Space): Policy {
  const meta = readCheckpointMeta(ckpt, 'ppo');
  const cfg = resolveConfig('ppo', ppoSpec, meta.config);
  const head = actionHead('ppo', actSpace);
  const nets = buildPpoNets(cfg, obsSpace, head, new Rng(cfg.seed));
  loadNets(ckpt, netModules(nets));
  const obsNorm = restoreRunningStats(meta.obsNorm, flatDim(obsSpace));
  return new ActionHeadPolicy('ppo', meta.envId, policyNet(nets), head, nets.logStd, obsSpace, obsNorm, new Rng(cfg.seed + 1));
}

/** The PPO agent module. */
export const ppo: AgentModule<typeof ppoSpec> = {
  name: 'ppo',
  title: 'Proximal Policy Optimization (Schulman et al. 2017)',
  spec: ppoSpec,
  spaces: 'obs: box, discrete, multiDiscrete · actions: discrete (with masks), multiDiscrete, box',
  supports: supportsFlat,
  createRun,
  loadPolicy,
};

