/**
 * REINFORCE (Williams 1992, "Simple statistical gradient-following algorithms for connectionist
 * reinforcement learning", https://doi.org/10.1007/BF00992696) with a learned state-value
 * baseline (Sutton & Barto 2018, §13.4 "REINFORCE with Baseline", http://incompleteideas.net/book/the-book-2nd.html),
 * laid out like Spinning Up's vpg.py (https://spinningup.openai.com/en/latest/algorithms/vpg.html):
 *
 *   ∇J(θ) ≈ mean_t [ (G_t − b(s_t)) ∇ log π(a_t|s_t) ],   G_t = Σ_k γ^k r_{t+k},   b fitted to G by MSE.
 *
 * Monte-Carlo returns over complete episodes: every iteration resets the numEnvs copies and runs
 * them until each has finished one episode; that batch of numEnvs episodes, all from the current
 * policy, makes one policy-gradient step (copies that finish early keep stepping in lockstep, and
 * those steps are neither used nor counted in global_step). The only bootstrapping is on
 * truncation: a time-limit cut (or the maxRolloutSteps cap) adds γ·b(final obs) to the last reward,
 * since the episode did not really end (Pardo et al. 2018, https://arxiv.org/abs/1712.00378).
 * Like most implementations we drop the γ^t factor of the exact gradient and average over steps.
 *
 * Options: advantage normalisation, batch return standardisation (the PyTorch reinforce
 * example's trick), an entropy bonus, separate Adam step sizes for policy and baseline (α_θ, α_w in
 * Sutton & Barto) with several baseline steps per batch (Spinning Up's train_v_iters);
 * discrete (with masks), MultiDiscrete and Box (diagonal Gaussian) actions; observation normalisation.
 *
 * Every iteration starts from a reset seeded by the iteration number, so any iteration boundary is
 * resumable. Expected: CartPole-v1 with agents/configs/reinforce-CartPole-v1.json (8 episodes per
 * update, policy learning rate 3e-3, 200k steps) gives a mean deterministic evaluation return of
 * 500 ± 0 over 100 episodes for seeds 1–3, in 11–13 s of wall clock on a shared 2-core machine.
 */
import { Rng } from '../src/core/rng.ts';
import { NonFiniteError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import { flatDim, type Space } from '../src/gym/spaces.ts';
import { Tensor, noGrad, parameter } from '../src/autograd/index.ts';
import { mlp, parameters, type Module } from '../src/nn/index.ts';
import { Adam, clipGradNorm } from '../src/optim/index.ts';
import type { AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { bool, choice, int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { maskLogits } from './common/distributions.ts';
import { discountedReturns, standardize } from './common/gae.ts';
import { RunningMeanStd, normalizeBatch, restoreRunningStats } from './common/normalize.ts';
import { ActionHeadPolicy, actionHead, envActions, logProbEntropy, sampleActions, supportsFlat, type ActionHead, type PolicyNet } from './common/action-head.ts';
import { checkParamsFinite, layerGradNorms } from './common/health.ts';
import { explainedVariance } from './common/metrics.ts';
import { boundarySeed, checkWorkers, checkpointInterval, envSpaces, openVecEnv, readCheckpointMeta, resumeRun, runCheckpoint, seedField } from './common/run.ts';
import type { RecordVectorEpisodeStatistics } from '../src/gym/vector/record-episode-statistics.ts';

// ── config ──

/** REINFORCE hyperparameters, with CleanRL names where one exists (Spinning Up's otherwise). */
export const reinforceSpec = {
  seed: seedField('seed of the experiment (networks, sampling and envs)'),
  totalTimesteps: int(200_000, 'total timesteps of the experiment (steps of the episodes used)', 1),
  learningRate: num(1e-3, 'the learning rate of the policy optimizer (Adam)', { min: 0 }),
  vfLearningRate: num(1e-3, 'the learning rate of the baseline optimizer (Adam)', { min: 0 }),
  trainVIters: int(1, 'baseline gradient steps per batch (Spinning Up train_v_iters)', 1),
  numEnvs: int(8, 'the number of parallel game environments; each gives one complete episode per update', 1),
  maxRolloutSteps: int(10_000, 'cap on an iteration; an episode still running there is truncated and bootstrapped', 1),
  annealLr: bool(false, 'toggle linear learning rate annealing to 0 for policy and baseline'),
  gamma: num(0.99, 'the discount factor gamma', { min: 0, max: 1 }),
  normAdv: bool(true, 'toggles advantages normalization (per batch)'),
  normReturns: bool(false, 'standardise the returns of each batch before the baseline and advantages'),
  entCoef: num(0, 'coefficient of the entropy', { min: 0 }),
  maxGradNorm: num(0.5, 'the maximum norm for the gradient clipping (per network; 0 disables)', { min: 0 }),
  hiddenSizes: nums([64, 64], 'hidden layer sizes of the policy and baseline MLPs'),
  activation: choice('tanh', 'activation of the hidden layers', ['tanh', 'relu']),
  normObs: bool(false, 'normalise observations with running statistics (saved in checkpoints)'),
  checkpointFrequency: int(0, 'iterations between resumable checkpoints (0: every tenth of totalTimesteps, as iterations vary in length)'),
} as const;

/** A resolved REINFORCE config. */
export type ReinforceConfig = ConfigOf<typeof reinforceSpec>;

// ── networks ──

/** The policy MLP (with log σ for Box actions) and the baseline MLP b(s). */
export type ReinforceNets = { actor: Module; critic: Module; logStd: Tensor | null };

/** Builds the networks: orthogonal init, 0.01 policy head and 1 baseline head as in CleanRL. */
export function buildReinforceNets(cfg: ReinforceConfig, obsDim: number, head: ActionHead, rng: Rng): ReinforceNets {
  return {
    actor: mlp([obsDim, ...cfg.hiddenSizes, head.outDim], cfg.activation, rng, { outputGain: 0.01 }),
    critic: mlp([obsDim, ...cfg.hiddenSizes, 1], cfg.activation, rng, { outputGain: 1 }),
    logStd: head.kind === 'box' ? parameter(new Float32Array(head.actDim), [1, head.actDim], 'logStd') : null,
  };
}

/** The modules that a checkpoint stores (and gradient norms report), by prefix. */
function netModules(nets: ReinforceNets): Record<string, Module> {
  const out: Record<string, Module> = { actor: nets.actor, critic: nets.critic };
  if (nets.logStd !== null) out.head = { params: { logStd: nets.logStd }, buffers: {}, children: {}, training: true, forward: (x) => x };
  return out;
}

/** The nets among `which` (the policy and the baseline train separately). */
function pickNets(nets: Record<string, Module>, which: readonly string[]): Record<string, Module> {
  return Object.fromEntries(Object.entries(nets).filter(([k]) => which.includes(k)));
}

// ── policy ──

/** The policy MLP as a policy network (feed-forward). */
function policyNet(nets: ReinforceNets): PolicyNet {
  return (obs) => ({ out: nets.actor.forward(obs), state: null });
}

// ── training ──

/** Starts (or resumes) a REINFORCE run. */
function createRun(cfg: ReinforceConfig, ctx: RunContext): TrainRun {
  const rng = new Rng(cfg.seed);
  const { obsSpace, actSpace } = envSpaces(ctx);
  checkWorkers('reinforce', ctx, cfg.numEnvs);
  // the copies start on the first iteration: worker threads start asynchronously
  let envs: RecordVectorEpisodeStatistics | null = null;
  const head = actionHead('reinforce', actSpace);
  const obsDim = flatDim(obsSpace), N = cfg.numEnvs;
  // iterations vary in length, so the default cadence is a tenth of the run in steps
  const ckptEvery = checkpointInterval(cfg.checkpointFrequency, cfg.totalTimesteps);
  const nMask = head.kind === 'discrete' ? head.n : 0;
  const nets = buildReinforceNets(cfg, obsDim, head, rng);
  const piParams = [...parameters(nets.actor), ...(nets.logStd !== null ? [nets.logStd] : [])];
  const vParams = parameters(nets.critic);
  const piOptimizer = new Adam(piParams, { lr: cfg.learningRate });
  const vOptimizer = new Adam(vParams, { lr: cfg.vfLearningRate });
  const obsNorm = cfg.normObs ? new RunningMeanStd(obsDim) : null;
  let iteration = 0, globalStep = 0, stepBefore = 0;

  const policyRng = rng.spawn(); // before a resume restores `rng`, so the training stream continues exactly

  const resumed = resumeRun<{ iteration: number; globalStep: number; rng: [number, number, number, number, number] }>('reinforce', ctx, netModules(nets), { policy: piOptimizer, baseline: vOptimizer });
  if (resumed !== null) {
    const { meta, trainer: t } = resumed;
    if (obsNorm !== null && meta.obsNorm !== null) obsNorm.load(meta.obsNorm);
    rng.setState(t.rng);
    iteration = t.iteration;
    globalStep = stepBefore = t.globalStep;
  }
  const policy = new ActionHeadPolicy('reinforce', ctx.envId, policyNet(nets), head, nets.logStd, obsSpace, obsNorm, policyRng);
  const normObs = (raw: Float32Array, update: boolean): Float32Array => normalizeBatch(obsNorm, raw, update);
  const baselineOf = (obs: Float32Array): Float32Array => noGrad(() => nets.critic.forward(new Tensor(obs, [obs.length / obsDim, obsDim])).data);

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    envs ??= await openVecEnv(ctx, N);
    const startStep = globalStep;
    const t0 = performance.now();
    while (globalStep < cfg.totalTimesteps) {
      iteration += 1;
      stepBefore = globalStep;
      const frac = 1 - stepBefore / cfg.totalTimesteps;
      piOptimizer.lr = cfg.annealLr ? frac * cfg.learningRate : cfg.learningRate;
      vOptimizer.lr = cfg.annealLr ? frac * cfg.vfLearningRate : cfg.vfLearningRate;

      // ── rollout: one complete episode per copy, from a reset seeded by the iteration ──
      const r0 = await envs.reset({ seed: boundarySeed(cfg.seed, iteration, N) });
      let obs = normObs(r0.obs, true), masks = r0.masks ?? null;
      const obsSteps: Float32Array[] = [], actSteps: Float32Array[] = [], maskSteps: Array<Uint8Array | null> = [], rewSteps: Float32Array[] = [], doneSteps: Uint8Array[] = [];
      const lengths = new Int32Array(N), rawReturns = new Float64Array(N);
      const active = new Uint8Array(N).fill(1);
      let running = N;
      for (let t = 0; running > 0; t++) {
        const acts = noGrad(() => sampleActions(head, nets.actor.forward(new Tensor(obs, [N, obsDim])), nets.logStd, rng, false, masks));
        const r = await envs.step(envActions(head, acts));
        const rew = new Float32Array(N), done = new Uint8Array(N);
        for (let i = 0; i < N; i++) {
          if (!active[i]) continue;
          rew[i] = r.rewards[i];
          rawReturns[i] += r.rewards[i];
          lengths[i] += 1;
          const capped = t + 1 >= cfg.maxRolloutSteps && !r.terminated[i] && !r.truncated[i];
          if (!r.terminated[i] && (r.truncated[i] || capped)) {
            // truncation: the episode was cut, not ended, so bootstrap from the baseline at the final observation
            const fin = r.finalObs[i] ?? r.obs.slice(i * obsDim, (i + 1) * obsDim);
            rew[i] += cfg.gamma * baselineOf(normObs(fin, false))[0];
          }
          if (r.terminated[i] || r.truncated[i] || capped) {
            done[i] = 1;
            active[i] = 0;
            running -= 1;
          }
        }
        obsSteps.push(obs);
        actSteps.push(acts);
        maskSteps.push(masks);
        rewSteps.push(rew);
        doneSteps.push(done);
        obs = normObs(r.obs, true);
        masks = r.masks ?? null;
      }

      // ── Monte-Carlo returns ──
      const T = obsSteps.length, B = lengths.reduce((a, b) => a + b, 0);
      const rewards = new Float32Array(T * N), dones = new Uint8Array(T * N);
      for (let t = 0; t < T; t++) {
        rewards.set(rewSteps[t], t * N);
        dones.set(doneSteps[t], t * N);
      }
      const G = discountedReturns(rewards, dones, new Float32Array(N), T, N, cfg.gamma);
      // the batch: episode steps only, env by env
      const bObs = new Float32Array(B * obsDim), bAct = new Float32Array(B * head.actDim), bRet = new Float32Array(B);
      const bMask = nMask > 0 ? new Uint8Array(B * nMask).fill(1) : null;
      let j = 0;
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < lengths[i]; t++, j++) {
          bObs.set(obsSteps[t].subarray(i * obsDim, (i + 1) * obsDim), j * obsDim);
          bAct.set(actSteps[t].subarray(i * head.actDim, (i + 1) * head.actDim), j * head.actDim);
          const m = maskSteps[t];
          if (bMask !== null && m !== null) bMask.set(m.subarray(i * nMask, (i + 1) * nMask), j * nMask);
          bRet[j] = G[t * N + i];
        }
      }
      globalStep += B;
      if (cfg.normReturns) standardize(bRet);
      const values = baselineOf(bObs);
      const adv = new Float32Array(B);
      for (let k = 0; k < B; k++) adv[k] = bRet[k] - values[k];
      if (cfg.normAdv) standardize(adv);

      // ── update: one policy-gradient step, then trainVIters baseline steps ──
      const x = new Tensor(bObs, [B, obsDim]);
      const out = head.kind === 'discrete' ? maskLogits(nets.actor.forward(x), bMask) : nets.actor.forward(x);
      const { logProb, entropy } = logProbEntropy(head, out, bAct, nets.logStd);
      // L_π = −mean(log π(a|s)·(G − b(s))) − c_ent·H
      const pgLoss = logProb.mul(new Tensor(adv, [B])).mean().neg();
      const entLoss = entropy.mean();
      const piLoss = pgLoss.sub(entLoss.mul(cfg.entCoef));
      if (!Number.isFinite(piLoss.item())) {
        throw new NonFiniteError(`reinforce: the policy loss is ${piLoss.item()} at global step ${globalStep} (policy-gradient term ${pgLoss.item()}, entropy ${entLoss.item()})`);
      }
      piOptimizer.zeroGrad();
      piLoss.backward();
      const grads = layerGradNorms(pickNets(netModules(nets), ['actor', 'head']));
      if (cfg.maxGradNorm > 0) clipGradNorm(piParams, cfg.maxGradNorm);
      piOptimizer.step();
      const R = new Tensor(bRet, [B]);
      let vLossSum = 0;
      for (let k = 0; k < cfg.trainVIters; k++) {
        // L_b = ½ mean (b(s) − G)²
        const vLoss = nets.critic.forward(x).reshape([B]).sub(R).square().mean().mul(0.5);
        if (!Number.isFinite(vLoss.item())) throw new NonFiniteError(`reinforce: the baseline loss is ${vLoss.item()} at global step ${globalStep}`);
        vOptimizer.zeroGrad();
        vLoss.backward();
        if (k === 0) Object.assign(grads, layerGradNorms(pickNets(netModules(nets), ['critic'])));
        if (cfg.maxGradNorm > 0) clipGradNorm(vParams, cfg.maxGradNorm);
        vOptimizer.step();
        vLossSum += vLoss.item();
      }
      checkParamsFinite('reinforce', netModules(nets), globalStep);

      const elapsed = (performance.now() - t0) / 1000;
      const row: Metrics = {
        global_step: globalStep,
        iteration,
        'charts/learning_rate': piOptimizer.lr,
        'losses/value_loss': vLossSum / cfg.trainVIters,
        'losses/policy_loss': pgLoss.item(),
        'losses/entropy': entLoss.item(),
        'losses/explained_variance': explainedVariance(bRet, values),
        'charts/SPS': Math.round((globalStep - startStep) / Math.max(elapsed, 1e-9)),
        'charts/episodes': N,
        'charts/episodic_return': rawReturns.reduce((a, b) => a + b, 0) / N,
        'charts/episodic_length': B / N,
      };
      for (const [k, v] of Object.entries(grads)) row[`grads/${k}`] = v;
      yield row;
    }
  }

  return {
    iterations: iterations(),
    policy,
    totalTimesteps: cfg.totalTimesteps,
    globalStep: () => globalStep,
    // every iteration starts from a seeded reset, so any iteration boundary resumes exactly
    checkpointDue: () => {
      if (globalStep >= cfg.totalTimesteps || iteration === 0) return false;
      const [before, after] = cfg.checkpointFrequency > 0 ? [iteration - 1, iteration] : [stepBefore, globalStep];
      return Math.floor(after / ckptEvery) > Math.floor(before / ckptEvery);
    },
    checkpoint: (): CheckpointPayload => runCheckpoint(ctx, {
      algo: 'reinforce', config: cfg, nets: netModules(nets), optimizers: { policy: piOptimizer, baseline: vOptimizer },
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
  const meta = readCheckpointMeta(ckpt, 'reinforce');
  const cfg = resolveConfig('reinforce', reinforceSpec, meta.config);
  const head = actionHead('reinforce', actSpace);
  const nets = buildReinforceNets(cfg, flatDim(obsSpace), head, new Rng(cfg.seed));
  loadNets(ckpt, netModules(nets));
  const obsNorm = restoreRunningStats(meta.obsNorm, flatDim(obsSpace));
  return new ActionHeadPolicy('reinforce', meta.envId, policyNet(nets), head, nets.logStd, obsSpace, obsNorm, new Rng(cfg.seed + 1));
}

/** The REINFORCE agent module. */
export const reinforce: AgentModule<typeof reinforceSpec> = {
  name: 'reinforce',
  title: 'REINFORCE with a learned baseline (Williams 1992; Sutton & Barto §13.4)',
  spec: reinforceSpec,
  spaces: 'obs: box, discrete, multiDiscrete · actions: discrete (with masks), multiDiscrete, box',
  supports: supportsFlat,
  createRun,
  loadPolicy,
};
