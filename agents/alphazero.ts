/**
 * AlphaZero-style self-play (Silver et al. 2017, "Mastering the game of Go without human knowledge",
 * https://doi.org/10.1038/nature24270; Silver et al. 2018, https://arxiv.org/abs/1712.01815) for any
 * two-player `Game<S>` of the game registry. `dojo train --env TicTacToe-v0 --algo alphazero` trains on
 * the Game behind the env id (`getGame(envId)`), not on the single-agent env: search needs the state.
 *
 * Each iteration (one metrics row):
 * 1. self-play: `gamesPerIteration` games of the best network against itself, every move an MCTS with
 *    PUCT guided by the network (agents/mcts.ts), Dirichlet noise on the root priors, moves drawn in
 *    proportion to the visit counts (τ = 1) for the first `tempMoves` moves and greedy afterwards;
 *    in-process (deterministic given the seed) or on `workers` worker threads (agents/alphazero-worker.ts);
 * 2. replay: the positions of the last `replayGames` games, each stored as (observation, visit
 *    distribution π, outcome z for the player to move);
 * 3. training: `trainSteps` Adam steps on minibatches, loss = −π·log p + (z − v)² (+ L2 through Adam's
 *    weight decay), each sample in a random board symmetry when the game provides `symmetries`;
 * 4. arena (AlphaGo Zero's gating): the trained candidate plays `arenaGames` games against the best
 *    network, both colours equally; it becomes the best if it wins ≥ `arenaThreshold` of the decisive
 *    games (draws count for neither). `arenaGames: 0` always accepts, as AlphaZero 2018 does.
 *
 * `global_step` counts self-play games. The policy plays with MCTS over the best network; as an env
 * policy it recovers the game state from the observations it is shown (`locateState`).
 *
 * Expected: TicTacToe-v0 with agents/configs/alphazero-TicTacToe-v0.json in about 30 s: never loses to
 * minimax:9 and, playing with `trapMargin` (see `trapMove`), beats a random opponent in 95.56% of games,
 * the best possible without risking a loss (bench/LEARNING.md; the defaults are a 10-second run that is
 * not as robust across seeds).
 */
import { Rng } from '../src/core/rng.ts';
import { ConfigError, NonFiniteError } from '../src/core/errors.ts';
import type { Metrics } from '../src/core/metrics.ts';
import type { Observation } from '../src/gym/env.ts';
import type { Space } from '../src/gym/spaces.ts';
import { Tensor, crossEntropy, mse } from '../src/autograd/index.ts';
import { loadStateDict, parameters, stateDict } from '../src/nn/index.ts';
import { Adam } from '../src/optim/index.ts';
import { opponentOf, type Game, type PlayerId } from '../src/game/game.ts';
import { gameRegistration, getGame } from '../src/game/registry.ts';
import type { Player } from '../src/game/players.ts';
import type { ActOptions, AgentModule, CheckpointPayload, Policy, RunContext, TrainRun } from './common/agent.ts';
import { loadNets } from './common/checkpoint.ts';
import { checkpointDue, readCheckpointMeta, resumeRun, runCheckpoint, seedField } from './common/run.ts';
import { bool, choice, int, num, nums, resolveConfig, type ConfigOf } from './common/config.ts';
import { mctsSearch, type Evaluator, type MctsResult } from './mcts.ts';
import { AzNet, netEvaluator } from './alphazero-net.ts';

// ── config ──

/** AlphaZero hyperparameters (names after the papers' pseudocode, camelCase). */
export const alphazeroSpec = {
  seed: seedField('seed of the experiment (network init, self-play, training, arena)'),
  numIterations: int(30, 'iterations of self-play → training → arena', 1),
  gamesPerIteration: int(60, 'self-play games per iteration', 1),
  numSimulations: int(16, 'MCTS simulations per move in self-play and the candidate-vs-best arena', 1),
  playSimulations: int(100, 'MCTS simulations per move when the trained net plays (dojo arena, eval, the browser); stored in checkpoints', 1),
  trapMargin: num(0, 'when the trained net plays greedily: among the moves whose search value is within this margin of the most visited move\'s, play the best one in a second search that models the opponent as moving at random (sets traps for a fallible opponent; 0: off, the most visited move); stored in checkpoints', { min: 0, max: 2 }),
  cPuct: num(1.5, 'PUCT exploration constant c in Q + c·P·√N/(1+n)', { min: 0 }),
  dirichletAlpha: num(0.6, 'Dirichlet noise α on the root priors in self-play (0: none; AlphaZero: 0.3 chess, 0.03 Go)', { min: 0 }),
  dirichletEps: num(0.25, 'weight of the root noise', { min: 0, max: 1 }),
  tempMoves: int(9, 'self-play moves played with temperature 1 (in proportion to visits) before greedy play'),
  arenaTempMoves: int(2, 'arena moves played with temperature 1 (so arena games differ), then greedy'),
  replayGames: int(2000, 'replay window: positions of the most recent games', 1),
  trainSteps: int(150, 'minibatch updates per iteration'),
  batchSize: int(64, 'positions per minibatch', 1),
  learningRate: num(2e-3, 'the learning rate of Adam', { min: 0 }),
  l2: num(1e-4, 'L2 regularisation c (as Adam weight decay, the gradient of c/2·‖θ‖²)', { min: 0 }),
  network: choice('auto', 'network: mlp (tiny boards), resnet (residual CNN), auto (mlp up to 16 cells)', ['auto', 'mlp', 'resnet']),
  hiddenSizes: nums([128, 128], 'hidden sizes of the MLP trunk'),
  channels: int(32, 'channels of the residual CNN', 1),
  resBlocks: int(2, 'residual blocks of the CNN'),
  augment: bool(true, 'train each sample in a random board symmetry (when the game provides symmetries)'),
  arenaGames: int(20, 'arena games of candidate vs best per iteration, even (0: always accept)'),
  arenaThreshold: num(0.55, 'share of decisive arena games the candidate must win to become the best', { min: 0, max: 1 }),
  boardSize: int(0, 'board size kwarg for games that have one (6 for Othello 6×6; 0: the game default)'),
  workers: int(0, 'self-play worker threads (0: in-process); results are the same either way'),
  checkpointFrequency: int(5, 'iterations between resumable checkpoints', 1),
} as const;

/** A resolved AlphaZero config. */
export type AlphaZeroConfig = ConfigOf<typeof alphazeroSpec>;

/** The game behind an env id (with `boardSize` when set). */
export function gameOf(envId: string, cfg: Pick<AlphaZeroConfig, 'boardSize'>): Game<unknown> {
  const reg = gameRegistration(envId);
  if (cfg.boardSize > 0 && !('size' in reg.kwargs)) throw new ConfigError(`alphazero: ${reg.id} has no size kwarg; leave boardSize at 0`);
  return getGame(envId, cfg.boardSize > 0 ? { size: cfg.boardSize } : {});
}

// ── self-play ──

/** One finished self-play game: per position the observation, π and z (flattened). */
export interface GameSamples {
  readonly obs: Float32Array;
  readonly pi: Float32Array;
  readonly z: Float32Array;
  readonly length: number;
  /** Final return of player 0. */
  readonly result: number;
}

/** Search settings that self-play, arena and policy share. */
export type SearchConfig = Pick<AlphaZeroConfig, 'numSimulations' | 'cPuct' | 'dirichletAlpha' | 'dirichletEps' | 'tempMoves' | 'arenaTempMoves'>;

/** The move after a search: drawn in proportion to the visits (τ = 1) or the most visited. */
function pickMove(visits: Float32Array, greedyAction: number, sample: boolean, rng: Rng): number {
  return sample ? rng.categorical(visits) : greedyAction;
}

/** Plays one self-play game with noise at the root and the temperature schedule. */
export function selfPlayGame<S>(game: Game<S>, evaluate: Evaluator<S>, cfg: SearchConfig, rng: Rng): GameSamples {
  const obsDim = game.observationShape.reduce((a, b) => a * b, 1);
  const A = game.numActions;
  const obs: Float32Array[] = [], pis: Float32Array[] = [], players: PlayerId[] = [];
  let s = game.initialState(rng);
  for (let p = game.currentPlayer(s); p !== -1; p = game.currentPlayer(s)) {
    const r = mctsSearch(game, s, evaluate, rng, { simulations: cfg.numSimulations, c: cfg.cPuct, dirichletAlpha: cfg.dirichletAlpha, dirichletEps: cfg.dirichletEps });
    let total = 0;
    for (let a = 0; a < A; a++) total += r.visits[a];
    const pi = new Float32Array(A);
    for (let a = 0; a < A; a++) pi[a] = r.visits[a] / total;
    obs.push(game.observe(s, p));
    pis.push(pi);
    players.push(p);
    s = game.applyAction(s, pickMove(r.visits, r.action, obs.length <= cfg.tempMoves, rng));
  }
  const ret = game.returns(s);
  const n = obs.length;
  const out = { obs: new Float32Array(n * obsDim), pi: new Float32Array(n * A), z: new Float32Array(n), length: n, result: ret[0] };
  for (let i = 0; i < n; i++) {
    out.obs.set(obs[i], i * obsDim);
    out.pi.set(pis[i], i * A);
    out.z[i] = ret[players[i]];
  }
  return out;
}

/** How the trained network plays: simulations per move, the PUCT constant and the trap margin. */
export type PlayOptions = { readonly simulations: number; readonly cPuct: number; readonly trapMargin: number };

/** The play options stored in a config (`playSimulations`, `cPuct`, `trapMargin`). */
export function playOptions(cfg: Pick<AlphaZeroConfig, 'playSimulations' | 'cPuct' | 'trapMargin'>): PlayOptions {
  return { simulations: cfg.playSimulations, cPuct: cfg.cPuct, trapMargin: cfg.trapMargin };
}

/**
 * A player that searches with the network: greedy (deterministic) or in proportion to the visits. Greedy
 * with a `trapMargin` > 0 it picks among the near-best moves with `trapMove`.
 */
export function networkPlayer<S>(game: Game<S>, net: AzNet, play: PlayOptions, sample = false): Player<S> {
  const evaluate = netEvaluator(game, net);
  return (state, rng) => {
    const r = mctsSearch(game, state, evaluate, rng, { simulations: play.simulations, c: play.cPuct });
    if (!sample && play.trapMargin > 0) return trapMove(game, state, r, evaluate, play, rng);
    return pickMove(r.visits, r.action, sample, rng);
  };
}

/**
 * Search values treat the opponent as perfect, so every move that keeps a drawn game drawn looks the same,
 * though some leave a fallible opponent many ways to go wrong and others none. Among the root moves whose
 * mean search value is within `margin` of the most visited move's (the moves the search judges as safe),
 * this plays the one with the best value in a second search, of equal size, that models the opponent as
 * moving uniformly at random (`randomPlayer`: its replies are averaged, not minimised); ties keep the most
 * visited move. Against a perfect opponent a safe move gives up nothing; against a random one it sets
 * traps. On Tic-Tac-Toe this reaches the best win rate against a uniform random opponent that never
 * risks a loss (bench/LEARNING.md).
 */
function trapMove<S>(game: Game<S>, state: S, r: MctsResult, evaluate: Evaluator<S>, play: PlayOptions, rng: Rng): number {
  const floor = r.q[r.action] - play.trapMargin;
  const safe = game.legalActions(state).filter((a) => r.q[a] >= floor); // NaN (unvisited) never passes
  if (safe.length < 2) return r.action;
  const opponent = opponentOf(game.currentPlayer(state) as PlayerId);
  const vsRandom = mctsSearch(game, state, evaluate, rng, { simulations: play.simulations, c: play.cPuct, randomPlayer: opponent });
  let best = r.action;
  for (const a of safe) if (vsRandom.q[a] > vsRandom.q[best]) best = a;
  return best;
}

/**
 * Candidate vs best, both colours equally, no noise, τ = 1 for the first `arenaTempMoves` moves so the
 * games differ. Returns wins, draws and losses of the candidate.
 */
export function arenaMatch<S>(game: Game<S>, candidate: AzNet, best: AzNet, games: number, cfg: SearchConfig, rng: Rng): { wins: number; draws: number; losses: number } {
  const evals = [netEvaluator(game, candidate), netEvaluator(game, best)];
  const tally = { wins: 0, draws: 0, losses: 0 };
  for (let g = 0; g < games; g++) {
    const candSeat = g % 2;
    let s = game.initialState(rng);
    let moves = 0;
    for (let p = game.currentPlayer(s); p !== -1; p = game.currentPlayer(s)) {
      const r = mctsSearch(game, s, evals[p === candSeat ? 0 : 1], rng, { simulations: cfg.numSimulations, c: cfg.cPuct });
      s = game.applyAction(s, pickMove(r.visits, r.action, ++moves <= cfg.arenaTempMoves, rng));
    }
    const z = game.returns(s)[candSeat];
    if (z > 0) tally.wins++;
    else if (z < 0) tally.losses++;
    else tally.draws++;
  }
  return tally;
}

// ── replay and training ──

/** The replay window: the samples of the most recent games. */
export class ReplayWindow {
  readonly games: GameSamples[] = [];
  constructor(readonly capacity: number) {}

  push(g: GameSamples): void {
    this.games.push(g);
    if (this.games.length > this.capacity) this.games.splice(0, this.games.length - this.capacity);
  }

  positions(): number {
    return this.games.reduce((n, g) => n + g.length, 0);
  }
}

/** Builds a minibatch of `size` positions drawn uniformly from the window, each in a random symmetry. */
export function sampleBatch<S>(game: Game<S>, replay: ReplayWindow, size: number, augment: boolean, rng: Rng): { obs: Tensor; pi: Tensor; z: Tensor } {
  const obsDim = game.observationShape.reduce((a, b) => a * b, 1);
  const A = game.numActions;
  const index: Array<[GameSamples, number]> = [];
  for (const g of replay.games) for (let i = 0; i < g.length; i++) index.push([g, i]);
  const obs = new Float32Array(size * obsDim), pi = new Float32Array(size * A), z = new Float32Array(size);
  for (let b = 0; b < size; b++) {
    const [g, i] = index[rng.int(index.length)];
    let o = g.obs.subarray(i * obsDim, (i + 1) * obsDim);
    let p = g.pi.subarray(i * A, (i + 1) * A);
    if (augment && game.symmetries !== undefined) {
      const syms = game.symmetries(o.slice(), p.slice());
      const pick = syms[rng.int(syms.length)];
      o = pick.obs;
      p = pick.policy;
    }
    obs.set(o, b * obsDim);
    pi.set(p, b * A);
    z[b] = g.z[i];
  }
  return { obs: new Tensor(obs, [size, obsDim]), pi: new Tensor(pi, [size, A]), z: new Tensor(z, [size]) };
}

/** One Adam step on −π·log p + (z − v)²; returns both losses. */
function trainStep(net: AzNet, optimizer: Adam, batch: { obs: Tensor; pi: Tensor; z: Tensor }): { policyLoss: number; valueLoss: number } {
  const { logits, value } = net.heads(batch.obs);
  const policyLoss = crossEntropy(logits, batch.pi);
  const valueLoss = mse(value, batch.z);
  const loss = policyLoss.add(valueLoss);
  if (!Number.isFinite(loss.item())) throw new NonFiniteError(`alphazero: the loss is ${loss.item()} (policy ${policyLoss.item()}, value ${valueLoss.item()})`);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  return { policyLoss: policyLoss.item(), valueLoss: valueLoss.item() };
}

/** Copies the weights of `from` into `to` (same architecture). */
function copyWeights(from: AzNet, to: AzNet): void {
  const entries = new Map<string, { data: Float32Array; shape: readonly number[] }>();
  for (const [k, t] of stateDict(from)) entries.set(k, { data: t.data.slice(), shape: t.shape });
  loadStateDict(to, entries);
}

/** Builds the network for a game from the config. */
export function buildNet(game: Game<unknown>, cfg: AlphaZeroConfig, rng: Rng): AzNet {
  return new AzNet(game.observationShape, game.numActions, cfg, rng);
}

// ── training run ──

/** Plays the self-play games of one iteration; game i uses the i-th rng. */
export type SelfPlayBackend = (best: AzNet, rngs: readonly Rng[]) => Promise<GameSamples[]>;

/** The in-process backend: one evaluator (and its cache) per iteration, games in order. */
function inProcessSelfPlay(game: Game<unknown>, cfg: SearchConfig): SelfPlayBackend {
  return (best, rngs) => {
    const evaluate = netEvaluator(game, best);
    return Promise.resolve(rngs.map((rng) => selfPlayGame(game, evaluate, cfg, rng)));
  };
}

function createRun(cfg: AlphaZeroConfig, ctx: RunContext): TrainRun {
  if ((ctx.workers ?? 0) > 0) {
    throw new ConfigError(`alphazero: --workers ${ctx.workers} puts vector envs on worker threads, and alphazero steps none (it searches the Game directly); for self-play on worker threads set the config field "workers" (e.g. --config with {"workers": ${ctx.workers}})`);
  }
  if (cfg.arenaGames % 2 !== 0) throw new ConfigError(`alphazero: arenaGames must be even (each network moves first in half), received ${cfg.arenaGames}`);
  let game: Game<unknown>;
  try {
    game = gameOf(ctx.envId, cfg);
  } catch (e) {
    throw new ConfigError(`alphazero trains on the Game behind the env id, and ${ctx.envId} is not a registered game: ${(e as Error).message}`);
  }
  const rng = new Rng(cfg.seed);
  const net = buildNet(game, cfg, rng.spawn());
  const best = buildNet(game, cfg, new Rng(0));
  copyWeights(net, best);
  const optimizer = new Adam(parameters(net), { lr: cfg.learningRate, weightDecay: cfg.l2 });
  const replay = new ReplayWindow(cfg.replayGames);
  let iteration = 0, globalStep = 0, accepted = 0;
  const resumed = resumeRun<{ iteration: number; globalStep: number; accepted: number; rng: Parameters<Rng['setState']>[0] }>('alphazero', ctx, { net, best }, { adam: optimizer });
  if (resumed !== null) {
    const t = resumed.trainer;
    iteration = t.iteration;
    globalStep = t.globalStep;
    accepted = t.accepted;
    rng.setState(t.rng);
    for (const g of unpackReplay(resumed.payload, game)) replay.push(g);
  }
  let backend: SelfPlayBackend | null = null;
  let closeBackend: () => Promise<void> = () => Promise.resolve();

  async function* iterations(): AsyncGenerator<Metrics, void, void> {
    if (backend === null) {
      if (cfg.workers > 0) {
        const { workerSelfPlay } = await import('./alphazero-worker.ts');
        const pool = workerSelfPlay(ctx.envId, cfg);
        backend = pool.play;
        closeBackend = pool.close;
      } else backend = inProcessSelfPlay(game, cfg);
    }
    const play: SelfPlayBackend = backend;
    while (iteration < cfg.numIterations) {
      const t0 = performance.now();
      iteration++;
      // ── self-play ──
      const rngs = Array.from({ length: cfg.gamesPerIteration }, () => rng.spawn());
      const games = await play(best, rngs);
      let moves = 0, p0 = 0;
      for (const g of games) {
        replay.push(g);
        moves += g.length;
        p0 += g.result;
      }
      globalStep += games.length;
      const tPlay = (performance.now() - t0) / 1000;
      // ── training ──
      let pl = 0, vl = 0;
      for (let k = 0; k < cfg.trainSteps; k++) {
        const l = trainStep(net, optimizer, sampleBatch(game, replay, cfg.batchSize, cfg.augment, rng));
        pl += l.policyLoss / cfg.trainSteps;
        vl += l.valueLoss / cfg.trainSteps;
      }
      // ── arena ──
      let winRate = 1, keep = true;
      if (cfg.arenaGames > 0) {
        const r = arenaMatch(game, net, best, cfg.arenaGames, cfg, rng);
        winRate = r.wins + r.losses > 0 ? r.wins / (r.wins + r.losses) : 0.5;
        keep = r.wins + r.losses > 0 && winRate >= cfg.arenaThreshold;
      }
      if (keep) {
        copyWeights(net, best);
        accepted++;
      }
      const elapsed = (performance.now() - t0) / 1000;
      yield {
        global_step: globalStep,
        iteration,
        'charts/episodes': games.length,
        'charts/episodic_return': p0 / games.length,
        'charts/episodic_length': moves / games.length,
        'losses/policy_loss': pl,
        'losses/value_loss': vl,
        'arena/win_rate': winRate,
        'arena/accepted': keep ? 1 : 0,
        'arena/accepted_total': accepted,
        'charts/replay_positions': replay.positions(),
        'charts/sims_per_s': Math.round((moves * cfg.numSimulations) / Math.max(tPlay, 1e-9)),
        'charts/SPS': Math.round(games.length / Math.max(elapsed, 1e-9)),
      };
    }
  }

  const policy = new AlphaZeroPolicy(ctx.envId, game, best, playOptions(cfg), cfg.seed + 1);
  return {
    iterations: iterations(),
    policy,
    totalTimesteps: cfg.numIterations * cfg.gamesPerIteration,
    globalStep: () => globalStep,
    checkpointDue: () => checkpointDue(iteration, cfg.checkpointFrequency, cfg.numIterations),
    checkpoint: (): CheckpointPayload => {
      const ckpt = runCheckpoint(ctx, {
        algo: 'alphazero', config: cfg, nets: { best, net }, optimizers: { adam: optimizer },
        trainer: { iteration, globalStep, accepted, rng: rng.getState() },
      });
      packReplay(ckpt, replay, game);
      return ckpt;
    },
    close: () => closeBackend(),
  };
}

/** Stores the replay window in a checkpoint (so a resumed run trains on the same data). */
function packReplay(ckpt: CheckpointPayload, replay: ReplayWindow, game: Game<unknown>): void {
  const n = replay.positions();
  if (n === 0) return;
  const obsDim = game.observationShape.reduce((a, b) => a * b, 1);
  const obs = new Float32Array(n * obsDim), pi = new Float32Array(n * game.numActions), z = new Float32Array(n);
  const meta = new Float32Array(replay.games.length * 2);
  let at = 0;
  replay.games.forEach((g, i) => {
    obs.set(g.obs, at * obsDim);
    pi.set(g.pi, at * game.numActions);
    z.set(g.z, at);
    meta[2 * i] = g.length;
    meta[2 * i + 1] = g.result;
    at += g.length;
  });
  ckpt.tensors.set('replay.obs', { data: obs, shape: [n, obsDim] });
  ckpt.tensors.set('replay.pi', { data: pi, shape: [n, game.numActions] });
  ckpt.tensors.set('replay.z', { data: z, shape: [n] });
  ckpt.tensors.set('replay.games', { data: meta, shape: [replay.games.length, 2] });
}

function unpackReplay(ckpt: CheckpointPayload, game: Game<unknown>): GameSamples[] {
  const meta = ckpt.tensors.get('replay.games');
  const obs = ckpt.tensors.get('replay.obs'), pi = ckpt.tensors.get('replay.pi'), z = ckpt.tensors.get('replay.z');
  if (meta === undefined || obs === undefined || pi === undefined || z === undefined) return [];
  const obsDim = game.observationShape.reduce((a, b) => a * b, 1), A = game.numActions;
  const out: GameSamples[] = [];
  let at = 0;
  for (let i = 0; i < meta.shape[0]; i++) {
    const length = meta.data[2 * i];
    out.push({
      obs: obs.data.slice(at * obsDim, (at + length) * obsDim), pi: pi.data.slice(at * A, (at + length) * A),
      z: z.data.slice(at, at + length), length, result: meta.data[2 * i + 1],
    });
    at += length;
  }
  return out;
}

// ── policy ──

/**
 * Plays with MCTS over the network. As an env policy it sees only observations, so it tracks the game:
 * after a reset it looks for the start position (or the position after the opponent's opening move)
 * whose egocentric planes equal the observation, and later for the position after its own last move
 * and one opponent reply. If no position matches, it falls back to the network's raw policy.
 */
export class AlphaZeroPolicy implements Policy {
  readonly algo = 'alphazero';
  private state: unknown = null;
  private readonly rng: Rng;

  constructor(
    readonly envId: string, readonly game: Game<unknown>, readonly net: AzNet,
    readonly play: PlayOptions, seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  /** The move in a known state (MCTS; greedy when deterministic, else in proportion to the visits). */
  actState(state: unknown, deterministic = true): number {
    return networkPlayer(this.game, this.net, this.play, !deterministic)(state, this.rng);
  }

  act(obs: Observation, opts: ActOptions = {}): number {
    const o = obs as Float32Array;
    const s = this.locateState(o);
    let action: number;
    if (s !== null) action = this.actState(s, opts.deterministic ?? false);
    else action = this.rawAction(o, opts);
    this.state = s === null ? null : this.game.applyAction(s, action);
    return action;
  }

  resetState(): void {
    this.state = null;
  }

  /** The position whose observation (for the player to move) is `obs`, reachable from what we know. */
  locateState(obs: Float32Array): unknown {
    const g = this.game;
    const starts: unknown[] = [];
    if (this.state === null) {
      const s0 = g.initialState(this.rng);
      starts.push(s0);
      for (const a of g.legalActions(s0)) starts.push(g.applyAction(s0, a));
    } else {
      const s1 = this.state;
      starts.push(s1);
      for (const a of g.legalActions(s1)) starts.push(g.applyAction(s1, a));
    }
    for (const s of starts) {
      const p = g.currentPlayer(s);
      if (p === -1) continue;
      const mine = g.observe(s, p);
      if (mine.length === obs.length && mine.every((v, i) => v === obs[i])) return s;
    }
    return null;
  }

  private rawAction(obs: Float32Array, opts: ActOptions): number {
    const { logits } = this.net.heads(new Tensor(obs, [1, this.net.obsDim]));
    const mask = opts.mask ?? new Uint8Array(this.game.numActions).fill(1);
    let best = -1;
    for (let a = 0; a < mask.length; a++) if (mask[a] === 1 && (best < 0 || logits.data[a] > logits.data[best])) best = a;
    return best;
  }
}

/** The best network of a checkpoint and the game it plays. */
export function loadAlphaZero(ckpt: CheckpointPayload): { game: Game<unknown>; net: AzNet; cfg: AlphaZeroConfig; envId: string } {
  const meta = readCheckpointMeta(ckpt, 'alphazero');
  const cfg = resolveConfig('alphazero', alphazeroSpec, meta.config);
  const game = gameOf(meta.envId, cfg);
  const net = buildNet(game, cfg, new Rng(0));
  loadNets(ckpt, { best: net });
  return { game, net, cfg, envId: meta.envId };
}

/**
 * A game player from a checkpoint (`dojo arena --a <file>.safetensors[:sims]`): MCTS over the best
 * network, greedy, with `sims` or else the checkpoint's `playSimulations`. The checkpoint's game must
 * be the arena's game.
 */
export function checkpointPlayer(ckpt: CheckpointPayload, game: Game<unknown>, simulations?: number): Player<unknown> {
  const az = loadAlphaZero(ckpt);
  if (az.game.id !== game.id || az.game.numActions !== game.numActions) throw new ConfigError(`checkpoint was trained on ${az.game.title} (${az.envId}), the arena plays ${game.title} (${game.id})`);
  return networkPlayer(game, az.net, { ...playOptions(az.cfg), simulations: simulations ?? az.cfg.playSimulations });
}

function loadPolicy(ckpt: CheckpointPayload): Policy {
  const az = loadAlphaZero(ckpt);
  return new AlphaZeroPolicy(az.envId, az.game, az.net, playOptions(az.cfg), az.cfg.seed + 1);
}

/**
 * Accepts the envs of board games: egocentric planes (a [planes, rows, cols] box in [0, 1]) and
 * discrete moves. It trains on the Game behind the env id (the game registry), which `createRun`
 * checks; other envs are refused here with the reason.
 */
function supports(obs: Space, act: Space): string | null {
  const why = 'alphazero trains by self-play on a two-player board game from the game registry (TicTacToe-v0, ConnectFour-v0, Othello-v0, Gomoku-v0): it needs the Game behind the env id';
  if (obs.kind !== 'box' || obs.shape.length !== 3) return `${why}; this env's observation space is ${obs.kind === 'box' ? `a box of shape [${obs.shape.join(', ')}]` : obs.kind}, not board planes [planes, rows, cols]`;
  if (obs.high.some((h) => h !== 1) || obs.low.some((l) => l !== 0)) return `${why}; this env's observations are not 0/1 board planes`;
  if (act.kind !== 'discrete') return `${why}; this env's action space is ${act.kind}, not discrete moves`;
  return null;
}

/** The AlphaZero agent module. */
export const alphazero: AgentModule<typeof alphazeroSpec> = {
  name: 'alphazero',
  title: 'AlphaZero-style self-play with MCTS (Silver et al. 2017/2018)',
  spec: alphazeroSpec,
  spaces: 'two-player board games of the game registry (obs: board planes, actions: discrete moves)',
  supports,
  createRun,
  loadPolicy,
};
