/**
 * `npx tsx bench/paint-imitate.ts --seed 1 --out painter.safetensors [--rounds 12] [--episodes 100]
 * [--search-k 256] [--refine 300] [--step 0.2] [--window 0] [--epochs 10] [--batch 256] [--lr 0.001]
 * [--feature-size 8] [--frame-span 0] [--hidden 64,64] [--log-std -2.5]`: a learned painter for Paint-v0 by
 * imitating search (issue 27).
 *
 * DAgger (Ross, Gordon and Bagnell 2011, "A Reduction of Imitation Learning and Structured Prediction to
 * No-Regret Online Learning", https://arxiv.org/abs/1011.0686) with envs/art/painters.ts's SearchPainter as
 * the expert, and the search started from the policy's own stroke as in expert iteration (Anthony et al.
 * 2017, https://arxiv.org/abs/1705.08439): round 0 paints `episodes` training targets with the expert (best
 * of `search-k` random strokes, then `refine` trials of hill climbing); every later round paints them with
 * the current policy (deterministic), and at each state the policy visited the label is the policy's stroke
 * improved by `refine` trials of hill climbing (first step `step`). Improving the policy's own proposal keeps
 * the label in the basin the policy already chose: hill climbing from any start finds strokes as good as from
 * the best of 1,024 (bench/LEARNING.md), and a label near the proposal asks the net for a correction rather
 * than the average of far-apart strokes. The policy (PPO's actor MLP over `obs: 'features'`, `featureSize`
 * 8 by default, the zoo painter's observation) is regressed by mean squared error onto the labels of the
 * latest `window` rounds (0: all rounds, DAgger's aggregate), `epochs` passes of Adam after each round. A
 * stroke and its reverse are the same stroke, so each label is written with its start nearer the top-left
 * corner than its end, and the net is not asked to average the two. With `--frame-span S` > 0 the env acts in
 * `actionFrame: 'window'` with `frameSpan: S`: the policy's actions, the search's strokes and the labels are
 * all in the square around the focus window (the search looks only there), so a label asks the net for a
 * place in the window rather than on the canvas.
 *
 * The output is an ordinary PPO checkpoint of Paint-v0 (actor, an untrained critic, log σ = `--log-std`, a
 * fresh Adam and trainer state at step 0): `bench/paint.ts --checkpoint`, `dojo eval` and the page play it,
 * and `dojo train --resume <file> --out <dir> --total-timesteps N` fine-tunes it with PPO from the preset
 * agents/configs/ppo-Paint-v0.json that its config copies. Every random draw comes from Rngs seeded by
 * `--seed`; training targets are drawn from env seeds seed·100,003 + round·episodes + episode.
 */
import { fileURLToPath } from 'node:url';
import '../envs/index.ts';
import { Paint } from '../envs/art/paint.ts';
import { SearchPainter } from '../envs/art/painters.ts';
import { buildPpoNets, ppoSpec, type PpoNets } from '../agents/ppo.ts';
import { actionHead } from '../agents/common/action-head.ts';
import type { CheckpointPayload } from '../agents/common/agent.ts';
import { buildCheckpoint } from '../agents/common/checkpoint.ts';
import { resolveConfig } from '../agents/common/config.ts';
import { Tensor, noGrad } from '../src/autograd/index.ts';
import { ConfigError } from '../src/core/errors.ts';
import { Rng } from '../src/core/rng.ts';
import { parameters, type Module } from '../src/nn/index.ts';
import { Adam } from '../src/optim/index.ts';
import { writeCheckpoint } from '../src/cli/run-context.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { readPreset } from '../src/cli/presets.ts';

/** Env seeds set aside per run seed (as agents/common/run.ts's boundary seeds). */
const SEED_STRIDE = 100_003;

/** What one imitation run does. */
export interface ImitateOptions {
  readonly seed: number;
  /** DAgger rounds: the expert's round, then rounds painted by the policy. */
  readonly rounds: number;
  /** Training targets painted per round. */
  readonly episodes: number;
  /** The expert: best of `searchK` random strokes refined by `refine` trial strokes (SearchPainter). */
  readonly searchK: number;
  readonly refine: number;
  /** The first step of the hill climbing that improves the policy's proposals (action units). */
  readonly step: number;
  /** Rounds of labels the policy is fitted on: the latest ones (0: all, DAgger's aggregate). */
  readonly window: number;
  /** Passes over the aggregated data after each round, minibatch size and Adam's learning rate. */
  readonly epochs: number;
  readonly batch: number;
  readonly lr: number;
  /** Side of the downscaled target and canvas in the features (`featureSize`; the zoo painter's is 8). */
  readonly featureSize: number;
  /** 0: actions in the canvas frame; S > 0: in Paint-v0's window frame with `frameSpan` S. */
  readonly frameSpan: number;
  /** Hidden layers of the actor (and of the untrained critic). */
  readonly hidden: readonly number[];
  /** log σ of the saved policy's Gaussian, the exploration a PPO fine-tune starts from. */
  readonly logStd: number;
}

/** One round's numbers: who painted, how much of the blank distance they removed, the loss on the labels before and after fitting. */
export interface RoundResult {
  readonly round: number;
  readonly painter: 'expert' | 'policy';
  readonly removed: number;
  readonly samples: number;
  readonly lossBefore: number;
  readonly loss: number;
  readonly cpuSeconds: number;
}

/** The labels so far: observations and the expert's canonical actions, row-major. */
class Dataset {
  readonly obsDim: number;
  readonly actDim: number;
  obs: Float32Array;
  actions: Float32Array;
  size: number;

  constructor(obsDim: number, actDim: number) {
    this.obsDim = obsDim;
    this.actDim = actDim;
    this.obs = new Float32Array(1024 * obsDim);
    this.actions = new Float32Array(1024 * actDim);
    this.size = 0;
  }

  add(obs: Float32Array, action: Float32Array): void {
    if (this.size * this.obsDim === this.obs.length) {
      const grow = (a: Float32Array): Float32Array => {
        const b = new Float32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.obs = grow(this.obs);
      this.actions = grow(this.actions);
    }
    this.obs.set(obs, this.size * this.obsDim);
    this.actions.set(action, this.size * this.actDim);
    this.size++;
  }
}

/**
 * The stroke of `a` written with its start nearer the top-left corner than its end (x + y smaller): a
 * stroke and its reverse (start ↔ end, start radius ↔ end radius) cover the same pixels.
 */
export function canonicalStroke(a: Float32Array): Float32Array {
  if (a[0] + a[1] <= a[4] + a[5]) return a.slice();
  return Float32Array.from([a[4], a[5], a[2], a[3], a[0], a[1], a[7], a[6], a[8]]);
}

/** The actor's deterministic action (its mean, clipped to the box) for one observation. */
function policyAction(actor: Module, obs: Float32Array): Float32Array {
  const out = noGrad(() => actor.forward(new Tensor(obs, [1, obs.length])).data);
  return out.map((v) => Math.min(1, Math.max(-1, v)));
}

/** Paints one round's targets (the expert in round 0, else the policy) and labels every state with the expert's stroke. */
function collect(opts: ImitateOptions, round: number, env: Paint, actor: Module, expert: SearchPainter, improver: SearchPainter, expertRng: Rng, data: Dataset): number {
  let removed = 0;
  for (let e = 0; e < opts.episodes; e++) {
    let { obs } = env.reset({ seed: opts.seed * SEED_STRIDE + round * opts.episodes + e });
    for (let done = false; !done;) {
      const proposal = round === 0 ? null : policyAction(actor, obs);
      const frame = env.strokeFrame();
      const label = proposal === null ? expert.choose(env, expertRng, undefined, frame) : improver.choose(env, expertRng, proposal, frame);
      data.add(obs, canonicalStroke(label));
      const r = env.step(proposal ?? label);
      obs = r.obs;
      done = r.terminated;
      if (done) removed += r.info.removed as number;
    }
  }
  return removed / opts.episodes;
}

/** The mean squared error between the actor's output and the labels from row `from` on (no training). */
function meanLoss(actor: Module, data: Dataset, from: number): number {
  const { obsDim, actDim } = data;
  const n = data.size - from;
  const out = noGrad(() => actor.forward(new Tensor(data.obs.slice(from * obsDim, data.size * obsDim), [n, obsDim])).data);
  let sum = 0;
  for (let i = 0; i < n * actDim; i++) sum += (out[i] - data.actions[from * actDim + i]) ** 2;
  return sum / (n * actDim);
}

/**
 * `epochs` passes of minibatch Adam on the mean squared error between the actor's output and the labels from
 * row `from` on; the last pass's mean loss.
 */
function fit(opts: ImitateOptions, actor: Module, optimizer: Adam, data: Dataset, from: number, rng: Rng): number {
  const { obsDim, actDim } = data;
  const n = data.size - from;
  let last = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const perm = rng.permutation(n);
    let sum = 0, batches = 0;
    for (let start = 0; start < n; start += opts.batch) {
      const rows = perm.subarray(start, Math.min(n, start + opts.batch)).map((i) => i + from);
      const obs = new Float32Array(rows.length * obsDim), act = new Float32Array(rows.length * actDim);
      rows.forEach((i, j) => {
        obs.set(data.obs.subarray(i * obsDim, (i + 1) * obsDim), j * obsDim);
        act.set(data.actions.subarray(i * actDim, (i + 1) * actDim), j * actDim);
      });
      // L = mean over rows and action components of (μ(s) − a*)²
      const loss = actor.forward(new Tensor(obs, [rows.length, obsDim])).sub(new Tensor(act, [rows.length, actDim])).square().mean();
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
      sum += loss.item();
      batches++;
    }
    last = sum / batches;
    if (!Number.isFinite(last)) throw new ConfigError(`paint-imitate: the loss is ${last} in epoch ${epoch + 1}; lower --lr (received ${opts.lr})`);
  }
  return last;
}

/** The PPO config the checkpoint carries: the Paint-v0 preset with this run's seed, layers and log σ. */
function ppoConfig(opts: ImitateOptions): ReturnType<typeof resolveConfig<typeof ppoSpec>> {
  const preset = readPreset('ppo-Paint-v0')?.values ?? {};
  return resolveConfig('ppo', ppoSpec, { ...preset, seed: opts.seed, hiddenSizes: [...opts.hidden], logStdInit: opts.logStd });
}

/** The nets as PPO stores them (agents/ppo.ts's checkpoint layout: actor, critic, head.logStd). */
function ppoModules(nets: PpoNets): Record<string, Module> {
  const logStd = nets.logStd as Tensor;
  return { actor: nets.actor, critic: nets.critic, head: { params: { logStd }, buffers: {}, children: {}, training: true, forward: (x) => x } };
}

/** Runs DAgger; returns the PPO checkpoint of the final policy and each round's numbers. */
export function imitate(opts: ImitateOptions, onRound: (r: RoundResult) => void = () => {}): { checkpoint: CheckpointPayload; rounds: RoundResult[] } {
  const envKwargs = opts.frameSpan > 0 ? { obs: 'features', featureSize: opts.featureSize, actionFrame: 'window', frameSpan: opts.frameSpan } : { obs: 'features', featureSize: opts.featureSize };
  const env = new Paint(envKwargs);
  const head = actionHead('ppo', env.actionSpace);
  const cfg = ppoConfig(opts);
  // built as a PPO run builds them, from an Rng of the run's seed, so a fine-tune resumes from the same draws
  const rng = new Rng(cfg.seed);
  const nets = buildPpoNets(cfg, env.observationSpace, head, rng);
  const fitRng = new Rng(opts.seed + 1), expertRng = new Rng(opts.seed + 2);
  const expert = new SearchPainter(opts.searchK, opts.refine, env.size);
  const improver = new SearchPainter(1, opts.refine, env.size, opts.step);
  const optimizer = new Adam(parameters(nets.actor), { lr: opts.lr });
  const data = new Dataset(env.observationSpace.low.length, head.actDim);
  const rounds: RoundResult[] = [];
  const roundStart: number[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const start = process.cpuUsage();
    roundStart.push(data.size);
    const removed = collect(opts, round, env, nets.actor, expert, improver, expertRng, data);
    const from = opts.window > 0 ? roundStart[Math.max(0, round - opts.window + 1)] : 0;
    const lossBefore = meanLoss(nets.actor, data, from);
    const loss = fit(opts, nets.actor, optimizer, data, from, fitRng);
    const cpu = process.cpuUsage(start);
    const result: RoundResult = { round, painter: round === 0 ? 'expert' : 'policy', removed, samples: data.size, lossBefore, loss, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    rounds.push(result);
    onRound(result);
  }
  env.close();
  const ppoParams = [...parameters(nets.actor), ...parameters(nets.critic), nets.logStd as Tensor];
  const checkpoint = buildCheckpoint({
    algo: 'ppo', envId: 'Paint-v0', envKwargs, config: cfg, nets: ppoModules(nets),
    optimizers: { adam: new Adam(ppoParams, { lr: cfg.learningRate, eps: 1e-5 }) },
    obsNorm: null,
    trainer: { iteration: 0, globalStep: 0, rng: rng.getState(), retNorm: null, obsSpace: 'box', actSpace: 'box', imitation: { ...opts, rounds } },
  });
  return { checkpoint, rounds };
}

function flag(args: readonly string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}

/** A flag's number, checked: an integer ≥ `min` when `integer`, else any finite number. */
function numberFlag(args: readonly string[], name: string, fallback: string, integer = true, min = 1): number {
  const text = flag(args, name, fallback);
  const v = Number(text);
  if (!Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < min))) {
    throw new ConfigError(`paint-imitate: ${name} expects ${integer ? `an integer ≥ ${min}` : 'a finite number'}, received ${JSON.stringify(text)}`);
  }
  return v;
}

function main(): void {
  const args = process.argv.slice(2);
  const out = flag(args, '--out', '');
  if (out === '') throw new ConfigError('paint-imitate: --out <file.safetensors> is required (where the policy is written)');
  const hiddenText = flag(args, '--hidden', '64,64');
  const hidden = hiddenText.split(',').map(Number);
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) throw new ConfigError(`paint-imitate: --hidden expects layer sizes like 64,64, received ${JSON.stringify(hiddenText)}`);
  const opts: ImitateOptions = {
    seed: numberFlag(args, '--seed', '1', true, 0),
    rounds: numberFlag(args, '--rounds', '12'),
    episodes: numberFlag(args, '--episodes', '100'),
    searchK: numberFlag(args, '--search-k', '256'),
    refine: numberFlag(args, '--refine', '300', true, 0),
    step: numberFlag(args, '--step', '0.2', false),
    window: numberFlag(args, '--window', '0', true, 0),
    epochs: numberFlag(args, '--epochs', '10'),
    batch: numberFlag(args, '--batch', '256'),
    lr: numberFlag(args, '--lr', '0.001', false),
    featureSize: numberFlag(args, '--feature-size', '8'),
    frameSpan: numberFlag(args, '--frame-span', '0', false),
    hidden,
    logStd: numberFlag(args, '--log-std', '-2.5', false),
  };
  process.stdout.write(`paint-imitate · commit ${commitId()} · ${machine()}\n${JSON.stringify(opts)}\n`);
  const t0 = performance.now();
  const { checkpoint } = imitate(opts, (r) => {
    process.stdout.write(`round ${r.round}: ${r.painter} removed ${(100 * r.removed).toFixed(1)}% of the blank distance on ${opts.episodes} training targets · ${r.samples} labels · loss ${r.lossBefore.toFixed(4)} before fitting, ${r.loss.toFixed(4)} after · ${r.cpuSeconds.toFixed(0)} CPU s · ${((performance.now() - t0) / 1000).toFixed(0)} s wall\n`);
  });
  writeCheckpoint(out, checkpoint);
  process.stdout.write(`wrote ${out} (score it: npx tsx bench/paint.ts --checkpoint ${out})\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
