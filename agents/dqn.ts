/**
 * Deep Q-Network (Mnih et al. 2015, "Human-level control through deep reinforcement learning",
 * https://www.nature.com/articles/nature14236), read top to bottom like CleanRL's dqn.py
 * (https://docs.cleanrl.dev/rl-algorithms/dqn/): a replay buffer, a target network (hard copy every
 * `targetNetworkFrequency` steps, or Polyak averaging with `tau` < 1), a linear ε-greedy schedule
 * (`startE` → `endE` over `explorationFraction` of the run), `learningStarts` steps of filling the
 * buffer before the first update, one update round every `trainFrequency` steps, and the TD target
 * r + γ·maxₐ Q_target(s', a)·(1 − terminated).
 *
 * Beyond CleanRL's dqn.py:
 * - `gradientSteps` updates per round (SB3's `gradient_steps`; −1 means one per env step collected);
 * - Double DQN (van Hasselt et al. 2016, https://arxiv.org/abs/1509.06461): the online net picks
 *   a' = argmax Q(s', ·), the target net scores it;
 * - dueling heads (Wang et al. 2016, https://arxiv.org/abs/1511.06581): Q = V + A − mean(A);
 * - n-step returns (Sutton 1988; Hessel et al. 2018, https://arxiv.org/abs/1710.02298): each env
 *   copy accumulates its last n steps before a transition enters the buffer, which stores
 *   Σ γᵏ r_k and the bootstrap discount γᵏ. A termination flushes the queue without a bootstrap;
 *   a truncation flushes it bootstrapping from the vector env's `finalObs` (Pardo et al. 2018);
 * - prioritized replay (Schaul et al. 2016, https://arxiv.org/abs/1511.05952): proportional
 *   priorities |δ| + ε, importance-sampling weights in the loss, β annealed linearly to 1;
 * - a Huber (smooth L1, SB3's default) or squared (CleanRL's) TD loss, global gradient clipping, and
 *   optional linear learning-rate annealing (as CleanRL's PPO), which keeps the final policy from drifting;
 * - `network: 'cnn'` for image observations, as CleanRL's dqn_atari.py: the convolutional trunk of
 *   `common/cnn.ts` (shared with PPO) under the Q head, and observations stored in the replay buffer as
 *   bytes (a quarter of the memory of floats);
 * - action masks: illegal actions are never chosen, neither by exploration (uniform over the legal
 *   ones) nor by argmax, and the target maxes over the next state's legal actions (kept in a side
 *   array next to the buffer). The vector env reports no mask for a truncated episode's final
 *   observation, so such a bootstrap maxes over every action.
 *
 * One iteration of the generator is `iterationSteps` env steps (summed over copies), so the CLI and
 * the browser get a metrics row at a steady pace. Resuming restores the networks, the optimizer,
 * the RNG and the schedules but not the replay buffer: a resumed run refills the buffer (up to
 * `learningStarts` transitions) before it updates again, so it is not bit-identical to an
 * uninterrupted run.
 *
 * Expected (agents/configs/dqn-<env>.json; mean of 100 deterministic evaluation episodes of the final
 * policy, seeds 1–5 unless noted):
 * - CartPole-v1, Double + dueling + 3-step, [128, 128], 50k steps: 500 on all five seeds;
 * - Acrobot-v1, plain DQN, [64, 64], 100k steps: about −83 to −88 (seeds 1–3);
 * - MountainCar-v0, Double + 3-step, [64, 64], 150k steps: about −100 on most seeds; exploration
 *   decides it, and an unlucky seed stays near −145 (see bench/LEARNING.md for every seed).
 */
import { Rng } from '../src/core/rng.ts';
import { ConfigError, NonFiniteError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import type { Observation } from '../src/gym/env.ts';
import { describeSpace, flatDim, flatten, type Space } from '../src/gym/spaces.ts';
import { Tensor, firstNonFinite, noGrad } from '../src/autograd/index.ts';
import { Linear, Sequential, gradNorms, mlp, parameters, type Module } from '../src/nn/index.ts';
import { Adam, clipGradNorm } from '../src/optim/index.ts';
import type { RecordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';
import type { AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { checkParamsFinite } from './common/health.ts';
import { addEpisodeMetrics, type Episode } from './common/metrics.ts';
import { boundarySeed, checkWorkers, checkpointDue, envSpaces, openVecEnv, readCheckpointMeta, resumeRun, runCheckpoint, seedField, stepSchedule } from './common/run.ts';
import { softUpdate } from './common/critics.ts';
import { bool, choice, int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { ReplayBuffer } from './common/replay-buffer.ts';
import { buildCnnTrunk, imageShape } from './common/cnn.ts';

// ── config ──

/** DQN hyperparameters: CleanRL's names and defaults (dqn.py), plus the options above. */
export const dqnSpec = {
  seed: seedField('seed of the experiment (networks, exploration, sampling and envs)'),
  totalTimesteps: int(500_000, 'total timesteps of the experiments', 1),
  learningRate: num(2.5e-4, 'the learning rate of the optimizer', { min: 0 }),
  annealLr: bool(false, 'anneal the learning rate linearly to 0 over the run (steadies the final policy)'),
  numEnvs: int(1, 'the number of parallel game environments', 1),
  bufferSize: int(10_000, 'the replay memory buffer size', 1),
  gamma: num(0.99, 'the discount factor gamma', { min: 0, max: 1 }),
  tau: num(1, 'the target network update rate (1: hard copy)', { min: 0, max: 1 }),
  targetNetworkFrequency: int(500, 'the timesteps it takes to update the target network', 1),
  batchSize: int(128, 'the batch size of sample from the reply memory', 1),
  startE: num(1, 'the starting epsilon for exploration', { min: 0, max: 1 }),
  endE: num(0.05, 'the ending epsilon for exploration', { min: 0, max: 1 }),
  explorationFraction: num(0.5, 'the fraction of `total-timesteps` it takes from start-e to go end-e', { min: 0, max: 1 }),
  learningStarts: int(10_000, 'timestep to start learning'),
  trainFrequency: int(10, 'the frequency of training (in env steps)', 1),
  gradientSteps: int(1, 'gradient steps per training round (-1: as many as env steps since the last round)', -1),
  doubleQ: bool(false, 'Double DQN: the online network picks the next action, the target network scores it'),
  dueling: bool(false, 'dueling heads: Q = V + A − mean(A)'),
  nStep: int(1, 'the number of steps of the n-step return', 1),
  prioritizedReplay: bool(false, 'proportional prioritized experience replay'),
  prioritizedReplayAlpha: num(0.6, 'how much prioritization is used (0: uniform)', { min: 0 }),
  prioritizedReplayBeta: num(0.4, 'initial importance-sampling exponent, annealed to 1 over the run', { min: 0, max: 1 }),
  prioritizedReplayEps: num(1e-6, 'added to |TD error| so no priority is 0', { min: 0 }),
  tdLoss: choice('mse', 'the TD loss: squared error (CleanRL) or Huber / smooth L1 (SB3)', ['mse', 'huber']),
  maxGradNorm: num(10, 'the maximum norm for the gradient clipping (0 disables)', { min: 0 }),
  network: choice('mlp', 'mlp: an MLP over the flat observation; cnn: a convolutional trunk for image observations [H, W], [C, H, W] or [k, C, H, W] (uint8, scaled by 1/255; CleanRL\'s dqn_atari.py), with replay stored as bytes', ['mlp', 'cnn']),
  cnnChannels: nums([32, 64, 64], 'output channels of the cnn trunk\'s convolutions: 8×8 stride 4, 4×4 stride 2, then 3×3 stride 1 (Nature CNN); give 1 to 3 of them'),
  cnnHidden: int(512, 'size of the cnn trunk\'s fully connected layer', 1),
  hiddenSizes: nums([120, 84], 'hidden layer sizes of the Q-network MLP'),
  activation: choice('relu', 'activation of the hidden layers', ['relu', 'tanh']),
  iterationSteps: int(1000, 'env steps (over all copies) per iteration, i.e. per metrics row', 1),
  checkpointFrequency: int(0, 'iterations between resumable checkpoints (0: a tenth of the run)'),
} as const;

/** A resolved DQN config. */
export type DqnConfig = ConfigOf<typeof dqnSpec>;

// ── networks ──

/** Dueling architecture (Wang et al. 2016, eq. 9): Q(s, a) = V(s) + A(s, a) − mean_a' A(s, a'). */
class DuelingQNetwork implements Module {
  readonly params = {};
  readonly buffers = {};
  readonly children: Record<string, Module>;
  training = true;
  private readonly trunk: Module;
  private readonly value: Module;
  private readonly advantage: Module;

  constructor(trunk: Module, value: Module, advantage: Module) {
    this.trunk = trunk;
    this.value = value;
    this.advantage = advantage;
    this.children = { trunk, value, advantage };
  }

  forward(x: Tensor): Tensor {
    const h = this.trunk.forward(x);
    const a = this.advantage.forward(h);
    return this.value.forward(h).add(a.sub(a.mean(-1, true)));
  }
}

/**
 * CleanRL's QNetwork (PyTorch's default Linear init), or its dueling variant: obs [B, obsDim] → Q [B, n].
 * With `network: 'cnn'`, dqn_atari.py's: the convolutional trunk (`common/cnn.ts`) and a linear head (or the
 * dueling heads on the trunk).
 */
export function buildQNetwork(cfg: DqnConfig, obsSpace: Space, nActions: number, rng: Rng): Module {
  const init = { init: 'pytorch', hiddenGain: 1, outputGain: 1 } as const;
  if (cfg.network === 'cnn') {
    const trunk = buildCnnTrunk('dqn', cfg.cnnChannels, cfg.cnnHidden, imageShape('dqn', obsSpace), rng);
    if (!cfg.dueling) return new Sequential(trunk, new Linear(cfg.cnnHidden, nActions, rng, { init: 'pytorch', gain: 1 }));
    return new DuelingQNetwork(trunk, new Linear(cfg.cnnHidden, 1, rng, { init: 'pytorch', gain: 1 }), new Linear(cfg.cnnHidden, nActions, rng, { init: 'pytorch', gain: 1 }));
  }
  const obsDim = flatDim(obsSpace);
  if (!cfg.dueling) return mlp([obsDim, ...cfg.hiddenSizes, nActions], cfg.activation, rng, init);
  const h = cfg.hiddenSizes.length > 0 ? cfg.hiddenSizes[cfg.hiddenSizes.length - 1] : obsDim;
  const trunk = cfg.hiddenSizes.length > 0 ? mlp([obsDim, ...cfg.hiddenSizes], cfg.activation, rng, { ...init, outputActivation: cfg.activation }) : new Sequential();
  return new DuelingQNetwork(trunk, new Linear(h, 1, rng, { init: 'pytorch', gain: 1 }), new Linear(h, nActions, rng, { init: 'pytorch', gain: 1 }));
}

// ── action selection ──

/**
 * The legal action with the largest value in row r of q [B, n], where row `m` of `masks` (1 = legal)
 * applies; −1 if no action is legal.
 */
function maskedArgmax(q: Float32Array, n: number, r: number, masks: Uint8Array | null, m = r): number {
  let best = -1;
  for (let j = 0; j < n; j++) {
    if (masks !== null && masks[m * n + j] === 0) continue;
    if (best < 0 || q[r * n + j] > q[r * n + best]) best = j;
  }
  return best;
}

/** A uniformly random legal action for row r; −1 if none is legal. */
function randomLegal(rng: Rng, n: number, r: number, masks: Uint8Array | null): number {
  if (masks === null) return rng.int(n);
  let legal = 0;
  for (let j = 0; j < n; j++) legal += masks[r * n + j];
  if (legal === 0) return -1;
  let k = rng.int(legal);
  for (let j = 0; j < n; j++) if (masks[r * n + j] && k-- === 0) return j;
  return -1;
}

/** CleanRL's linear_schedule: from `start` to `end` over `duration` steps, then flat. */
function linearSchedule(start: number, end: number, duration: number, t: number): number {
  if (duration <= 0) return end;
  return Math.max(end, start + ((end - start) * t) / duration);
}

/** ε-greedy over legal actions: row r explores with probability ε, else takes the masked argmax of q. */
function epsilonGreedy(rng: Rng, eps: number, n: number, rows: number, masks: Uint8Array | null, qOf: () => Float32Array): Int32Array {
  const acts = new Int32Array(rows).fill(-1);
  let q: Float32Array | null = null;
  for (let r = 0; r < rows; r++) {
    if (rng.random() < eps) acts[r] = randomLegal(rng, n, r, masks);
    else acts[r] = maskedArgmax((q ??= qOf()), n, r, masks);
    if (acts[r] < 0) throw new Error(`dqn: the action mask of row ${r} allows no action (received [${Array.from(masks?.subarray(r * n, (r + 1) * n) ?? []).join(', ')}], expected at least one 1)`);
  }
  return acts;
}

// ── policy ──

/** A DQN policy: greedy in Q (deterministic) or ε-greedy with the final ε. */
class DqnPolicy implements Policy {
  readonly algo = 'dqn';
  readonly envId: string;
  private readonly q: Module;
  private readonly nActions: number;
  private readonly actionStart: number;
  private readonly obsSpace: Space;
  private readonly rng: Rng;
  private readonly epsilon: number;

  constructor(envId: string, q: Module, actSpace: Space, obsSpace: Space, rng: Rng, epsilon: number) {
    this.envId = envId;
    this.q = q;
    this.nActions = actSpace.kind === 'discrete' ? actSpace.n : 0;
    this.actionStart = actSpace.kind === 'discrete' ? actSpace.start : 0;
    this.obsSpace = obsSpace;
    this.rng = rng;
    this.epsilon = epsilon;
  }

  act(obs: Observation, opts: { deterministic?: boolean; mask?: Uint8Array } = {}): number {
    const flat = flatten(this.obsSpace, obs);
    const eps = opts.deterministic ?? false ? 0 : this.epsilon;
    const qOf = (): Float32Array => noGrad(() => this.q.forward(new Tensor(flat, [1, flat.length])).data);
    return this.actionStart + epsilonGreedy(this.rng, eps, this.nActions, 1, opts.mask ?? null, qOf)[0];
  }

  resetState(): void {}
}

// ── training ──

/** One step of an env copy waiting for its n-step return. */
type Pending = { obs: Float32Array; action: number; reward: number };

/** The trainer state a checkpoint keeps for resuming. */
type TrainerState = { iteration: number; globalStep: number; trainCredit: number; targetCredit: number; rng: [number, number, number, number, number] };

/** Starts (or resumes) a DQN run. */
function createRun(cfg: DqnConfig, ctx: RunContext): TrainRun {
  const rng = new Rng(cfg.seed);
  const { obsSpace, actSpace } = envSpaces(ctx);
  checkWorkers('dqn', ctx, cfg.numEnvs);
  const why = supports(obsSpace, actSpace);
  if (why !== null) throw new ConfigError(`dqn: cannot train on ${ctx.envId}: ${why}`);
  // the copies start on the first iteration: worker threads start asynchronously
  let envs: RecordVectorEpisodeStatistics | null = null;
  const nActions = (actSpace as { n: number }).n, actionStart = (actSpace as { start: number }).start;
  const obsDim = flatDim(obsSpace), N = cfg.numEnvs, B = cfg.batchSize;
  const { stepsPerIteration, totalVecSteps, numIterations, ckptEvery } = stepSchedule(cfg);
  const gradientSteps = cfg.gradientSteps >= 0 ? cfg.gradientSteps : cfg.trainFrequency;
  const q = buildQNetwork(cfg, obsSpace, nActions, rng);
  const target = buildQNetwork(cfg, obsSpace, nActions, rng);
  softUpdate(target, q, 1);
  const params = parameters(q);
  const optimizer = new Adam(params, { lr: cfg.learningRate });
  const obsType = cfg.network === 'cnn' ? 'uint8' : 'float32';
  const rb = new ReplayBuffer(cfg.bufferSize, obsDim, 1, { prioritized: cfg.prioritizedReplay, alpha: cfg.prioritizedReplayAlpha, eps: cfg.prioritizedReplayEps, obsType });
  let nextMaskBuf: Uint8Array | null = null; // legal actions of each stored transition's next obs, by buffer slot
  let added = 0; // transitions ever added: the buffer writes slot added % bufferSize
  let iteration = 0, globalStep = 0, trainCredit = 0, targetCredit = 0, warmup = 0;

  // the policy's own stream is drawn before a resume restores the trainer's RNG, so that state comes back exactly
  const policy = new DqnPolicy(ctx.envId, q, actSpace, obsSpace, rng.spawn(), cfg.endE);
  const resumed = resumeRun<TrainerState>('dqn', ctx, { q, target }, { adam: optimizer });
  if (resumed !== null) {
    const t = resumed.trainer;
    rng.setState(t.rng);
    ({ iteration, globalStep, trainCredit, targetCredit } = t);
    warmup = Math.min(cfg.learningStarts, cfg.bufferSize); // the buffer is not saved: refill it first
  }
  const stats = { loss: 0, q: 0, n: 0, clipCoef: 1 };
  const progress = (): number => Math.min(1, globalStep / cfg.totalTimesteps);
  const learningRate = (): number => (cfg.annealLr ? (1 - progress()) * cfg.learningRate : cfg.learningRate);
  const beta = (): number => cfg.prioritizedReplayBeta + (1 - cfg.prioritizedReplayBeta) * progress();

  /** Adds the n-step transition that starts at pending[j] of a copy, ending in `nextObs`. */
  function store(p: Pending[], j: number, nextObs: Float32Array, nextMask: Uint8Array | null, terminated: boolean): void {
    let ret = 0, discount = 1;
    for (let k = j; k < p.length; k++) {
      ret += discount * p[k].reward;
      discount *= cfg.gamma;
    }
    if (nextMaskBuf !== null) {
      const slot = added % cfg.bufferSize;
      if (nextMask !== null) nextMaskBuf.set(nextMask, slot * nActions);
      else nextMaskBuf.fill(1, slot * nActions, (slot + 1) * nActions);
    }
    rb.add(p[j].obs, [p[j].action], ret, nextObs, terminated, discount);
    added += 1;
  }

  /** One gradient step on a sampled minibatch; accumulates `stats`. */
  function update(): void {
    const s = rb.sample(B, rng, beta());
    // ── TD target: r + γᵏ·(1 − terminated)·Q_target(s', a'), a' = argmax over legal actions ──
    const y = noGrad(() => {
      const next = new Tensor(s.nextObs, [B, obsDim]);
      const qTarget = target.forward(next).data;
      const qPick = cfg.doubleQ ? q.forward(next).data : qTarget;
      const out = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        const a = maskedArgmax(qPick, nActions, b, nextMaskBuf, s.indices[b]);
        const bootstrap = a < 0 || s.terminated[b] ? 0 : qTarget[b * nActions + a];
        out[b] = s.rewards[b] + s.discounts[b] * bootstrap;
      }
      return out;
    });
    const bad = firstNonFinite(y);
    if (bad >= 0) throw new NonFiniteError(`dqn: the TD target is ${y[bad]} at global step ${globalStep} (tensor td_target, row ${bad}: reward ${s.rewards[bad]}; a reward or a target-network value is not finite)`);
    // ── loss ──
    // δ = Q(s, a) − y; loss = mean(w·ℓ(δ)), ℓ = δ² or Huber, w the PER importance weights (else 1)
    const qa = q.forward(new Tensor(s.obs, [B, obsDim])).gather(1, s.actions);
    const delta = qa.sub(new Tensor(y, [B]));
    const perRow = cfg.tdLoss === 'mse' ? delta.square() : huberRows(delta);
    const loss = cfg.prioritizedReplay ? perRow.mul(new Tensor(s.weights, [B])).mean() : perRow.mean();
    const l = loss.item();
    if (!Number.isFinite(l)) throw new NonFiniteError(`dqn: the TD loss (losses/td_loss) is ${l} at global step ${globalStep} (mean Q(s, a) ${meanOf(qa.data)}); a Q-network parameter or an observation is not finite`);
    optimizer.zeroGrad();
    loss.backward();
    const norm = cfg.maxGradNorm > 0 ? clipGradNorm(params, cfg.maxGradNorm) : 0;
    stats.clipCoef = cfg.maxGradNorm > 0 ? Math.min(1, cfg.maxGradNorm / (norm + 1e-6)) : 1;
    optimizer.step();
    if (cfg.prioritizedReplay) rb.updatePriorities(s.indices, delta.data);
    stats.loss += l;
    stats.q += meanOf(qa.data);
    stats.n += 1;
  }

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    envs ??= await openVecEnv(ctx, N);
    const r0 = await envs.reset({ seed: boundarySeed(cfg.seed, iteration, N) });
    let obs = r0.obs, masks = r0.masks ?? null;
    if (masks !== null) nextMaskBuf ??= new Uint8Array(cfg.bufferSize * nActions);
    const pending: Pending[][] = Array.from({ length: N }, () => []);
    const startStep = globalStep;
    const t0 = performance.now();
    while (iteration < numIterations) {
      iteration += 1;
      const episodes: Episode[] = [];
      stats.loss = 0;
      stats.q = 0;
      stats.n = 0;
      let epsilon = cfg.startE;
      for (let t = 0; t < stepsPerIteration && globalStep < totalVecSteps * N; t++) {
        // ── act: ε-greedy over legal actions ──
        epsilon = linearSchedule(cfg.startE, cfg.endE, cfg.explorationFraction * cfg.totalTimesteps, globalStep);
        const current = obs;
        const acts = epsilonGreedy(rng, epsilon, nActions, N, masks, () => noGrad(() => q.forward(new Tensor(current, [N, obsDim])).data));
        const r = await envs.step(acts.map((a) => a + actionStart));
        globalStep += N;
        episodes.push(...r.episodes);
        if (r.masks !== undefined) nextMaskBuf ??= new Uint8Array(cfg.bufferSize * nActions);

        // ── n-step accumulation, then into the replay buffer ──
        for (let i = 0; i < N; i++) {
          const p = pending[i];
          p.push({ obs: obs.subarray(i * obsDim, (i + 1) * obsDim), action: acts[i], reward: r.rewards[i] });
          if (r.terminated[i] || r.truncated[i]) {
            // termination: no bootstrap; truncation: bootstrap from the real final observation
            const fin = r.finalObs[i] ?? obs.subarray(i * obsDim, (i + 1) * obsDim);
            for (let j = 0; j < p.length; j++) store(p, j, fin, null, r.terminated[i] === 1);
            p.length = 0;
          } else if (p.length === cfg.nStep) {
            store(p, 0, r.obs.subarray(i * obsDim, (i + 1) * obsDim), r.masks?.subarray(i * nActions, (i + 1) * nActions) ?? null, false);
            p.shift();
          }
        }
        obs = r.obs;
        masks = r.masks ?? null;

        // ── update: gradientSteps every trainFrequency steps, once learning has started ──
        if (globalStep > cfg.learningStarts && rb.size >= Math.max(B, warmup)) {
          trainCredit += N;
          optimizer.lr = learningRate();
          for (; trainCredit >= cfg.trainFrequency; trainCredit -= cfg.trainFrequency) {
            for (let g = 0; g < gradientSteps; g++) update();
          }
          // ── target network: k due updates of rate τ compose to one of rate 1 − (1 − τ)ᵏ ──
          targetCredit += N;
          const k = Math.floor(targetCredit / cfg.targetNetworkFrequency);
          if (k > 0) {
            targetCredit -= k * cfg.targetNetworkFrequency;
            softUpdate(target, q, 1 - (1 - cfg.tau) ** k);
          }
        }
      }
      checkParamsFinite('dqn', { q }, globalStep);

      const elapsed = (performance.now() - t0) / 1000;
      const row: Metrics = {
        global_step: globalStep,
        iteration,
        'charts/epsilon': epsilon,
        'charts/learning_rate': learningRate(),
        'charts/SPS': Math.round((globalStep - startStep) / Math.max(elapsed, 1e-9)),
      };
      addEpisodeMetrics(row, episodes);
      if (stats.n > 0) {
        row['losses/td_loss'] = stats.loss / stats.n;
        row['losses/q_values'] = stats.q / stats.n;
        // the last step's gradients, before clipping (clipping scaled every layer by the same factor)
        for (const [layer, v] of Object.entries(gradNorms(q))) row[`grads/${layer === '(root)' ? 'q' : `q.${layer}`}`] = v / stats.clipCoef;
      }
      if (cfg.prioritizedReplay) row['charts/beta'] = beta();
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
      algo: 'dqn', config: cfg, nets: { q, target }, optimizers: { adam: optimizer }, obsNorm: null,
      trainer: { iteration, globalStep, trainCredit, targetCredit, rng: rng.getState(), obsSpace: obsSpace.kind, actSpace: actSpace.kind },
    }),
    close: async () => {
      await envs?.close();
    },
  };
}

/** Huber (smooth L1, δ = 1) per element: ½d² where |d| ≤ 1, else |d| − ½. */
function huberRows(d: Tensor): Tensor {
  const a = d.abs();
  const small = new Tensor(a.data.map((v) => (v <= 1 ? 1 : 0)), a.shape);
  return d.square().mul(0.5).where(small, a.sub(0.5));
}

function meanOf(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v;
  return s / Math.max(1, x.length);
}

/** Rebuilds a greedy-capable policy from a checkpoint. */
function loadPolicy(ckpt: CheckpointPayload, obsSpace: Space, actSpace: Space): Policy {
  const meta = readCheckpointMeta(ckpt, 'dqn');
  const why = supports(obsSpace, actSpace);
  if (why !== null) throw new ConfigError(`dqn: cannot load a policy for ${meta.envId}: ${why}`);
  const cfg = resolveConfig('dqn', dqnSpec, meta.config);
  const q = buildQNetwork(cfg, obsSpace, (actSpace as { n: number }).n, new Rng(cfg.seed));
  loadNets(ckpt, { q });
  return new DqnPolicy(meta.envId, q, actSpace, obsSpace, new Rng(cfg.seed + 1), cfg.endE);
}

/** Which spaces DQN handles: flat observations, discrete actions. */
function supports(obs: Space, act: Space): string | null {
  if (!['box', 'discrete', 'multiDiscrete', 'multiBinary'].includes(obs.kind)) return `observation space ${describeSpace(obs)} is not flat (flatten it with FlattenObservation)`;
  if (act.kind !== 'discrete') return `action space ${describeSpace(act)} is not discrete: DQN takes an argmax over a finite set of actions`;
  return null;
}

/** The DQN agent module. */
export const dqn: AgentModule<typeof dqnSpec> = {
  name: 'dqn',
  title: 'Deep Q-Network (Mnih et al. 2015), with Double, dueling, n-step and prioritized replay options',
  spec: dqnSpec,
  spaces: 'obs: box, discrete, multiDiscrete · actions: discrete (with masks)',
  supports,
  createRun,
  loadPolicy,
};
