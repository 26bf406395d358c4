import { describe, it, expect } from 'vitest';
import '../../envs/index.ts';
import {
  alphazero, alphazeroSpec, arenaMatch, buildNet, checkpointPlayer, loadAlphaZero, networkPlayer, playOptions, ReplayWindow, sampleBatch, selfPlayGame,
  type AlphaZeroConfig, type AlphaZeroPolicy,
} from '../../agents/alphazero.ts';
import { netEvaluator } from '../../agents/alphazero-net.ts';
import { mctsSearch, rolloutEvaluator, type Evaluator } from '../../agents/mcts.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import type { CheckpointPayload, RunContext } from '../../agents/common/agent.ts';
import { Rng } from '../../src/core/rng.ts';
import { withoutTiming as stripTiming, type Metrics } from '../../src/core/metrics.ts';
import { ConfigError } from '../../src/core/errors.ts';
import { getGame } from '../../src/game/registry.ts';
import { minimaxSearch, parsePlayer, playGame, randomPlayer } from '../../src/game/players.ts';
import { gameEnv } from '../../src/game/game-env.ts';
import { box, discrete } from '../../src/gym/spaces.ts';
import { decodeSafetensors, encodeSafetensors } from '../../src/nn/safetensors.ts';
import { runArena } from '../../src/cli/arena.ts';
import type { Game, PlayerId } from '../../src/game/game.ts';
import type { Player } from '../../src/game/players.ts';
import { readCheckpoint } from '../../src/cli/run-context.ts';

/** Rows without wall-clock fields (charts/SPS and the search speed). */
const withoutTiming = (m: Metrics): Metrics => {
  const { ['charts/sims_per_s']: _sims, ...rest } = stripTiming(m);
  void _sims;
  return rest;
};
const cfgOf = (o: Record<string, unknown> = {}): AlphaZeroConfig => resolveConfig('alphazero', alphazeroSpec, o);
const ctxOf = (envId: string): RunContext => ({ envId, makeEnv: () => { throw new Error('unused'); }, makeVec: () => { throw new Error('unused'); } });
const ttt = getGame('TicTacToe-v0');

/** A tic-tac-toe position from a move list. */
function position(moves: number[]): unknown {
  let s = ttt.initialState();
  for (const m of moves) s = ttt.applyAction(s, m);
  return s;
}

/** Uniform priors, value 0: PUCT sees only terminal positions. */
const uniform: Evaluator<unknown> = () => ({ value: 0, priors: new Float32Array(ttt.numActions).fill(1 / ttt.numActions) });
/** Uniform priors with a rollout value: PUCT's counterpart of UCT. */
const uniformRollout = (g: Game<unknown>): Evaluator<unknown> => {
  const roll = rolloutEvaluator(g);
  return (s, rng) => ({ value: roll(s, rng).value, priors: new Float32Array(g.numActions).fill(1 / g.numActions) });
};

async function collect(cfg: AlphaZeroConfig, ctx: RunContext): Promise<{ rows: Metrics[]; ckpt: CheckpointPayload; policy: AlphaZeroPolicy }> {
  const run = alphazero.createRun(cfg, ctx);
  const rows: Metrics[] = [];
  for await (const row of run.iterations) rows.push(row);
  await run.close();
  return { rows, ckpt: run.checkpoint(), policy: run.policy as AlphaZeroPolicy };
}

const SMALL = { numIterations: 2, gamesPerIteration: 6, numSimulations: 16, trainSteps: 5, batchSize: 16, arenaGames: 4, tempMoves: 9 };

describe('MCTS with priors (PUCT)', () => {
  it('with uniform priors and rollout values agrees with UCT on the best move', () => {
    // X: 0, 1 and O: 3, 4: X wins at 2; O threatens 5 as well
    for (const moves of [[0, 3, 1, 4], [4, 0, 8, 2], [0, 4, 8]]) {
      const s = position(moves);
      const uct = mctsSearch(ttt, s, rolloutEvaluator(ttt), new Rng(1), { simulations: 2000 });
      const puct = mctsSearch(ttt, s, uniformRollout(ttt), new Rng(1), { simulations: 2000, c: 1.5 });
      expect(puct.action).toBe(uct.action);
      expect(Math.abs(puct.value - uct.value)).toBeLessThan(0.3);
    }
  });

  it('picks the forced win and blocks the forced loss', () => {
    const win = mctsSearch(ttt, position([0, 3, 1, 4]), uniform, new Rng(2), { simulations: 200, c: 1.5 });
    expect(win.action).toBe(2);
    expect(win.value).toBeGreaterThan(0.9);
    // X: 0, 8; O: 4, 1 → O threatens 7 (column 1), X must block
    const block = mctsSearch(ttt, position([0, 4, 8, 1]), uniform, new Rng(3), { simulations: 400, c: 1.5 });
    expect(block.action).toBe(7);
    // the same with the network evaluator of an untrained net
    const net = buildNet(ttt, cfgOf(), new Rng(4));
    const s = position([0, 4, 8, 1]);
    expect(mctsSearch(ttt, s, netEvaluator(ttt, net), new Rng(5), { simulations: 400, c: 1.5 }).action).toBe(7);
    expect(minimaxSearch(ttt, s, 9, new Rng(0)).action).toBe(7);
  });

  it('draws Dirichlet noise once per search, at the root only', () => {
    class CountingRng extends Rng {
      calls = 0;
      override dirichlet(alpha: number, n: number): Float64Array {
        this.calls++;
        return super.dirichlet(alpha, n);
      }
    }
    const rng = new CountingRng(6);
    mctsSearch(ttt, ttt.initialState(), uniform, rng, { simulations: 300, c: 1.5, dirichletAlpha: 0.3, dirichletEps: 0.25 });
    expect(rng.calls).toBe(1);
    const quiet = new CountingRng(6);
    mctsSearch(ttt, ttt.initialState(), uniform, quiet, { simulations: 300, c: 1.5 });
    expect(quiet.calls).toBe(0);
    // self-play: one noise draw per move searched (a move with a single legal action draws none)
    const selfPlay = new CountingRng(7);
    const g = selfPlayGame(ttt, uniform, { numSimulations: 20, cPuct: 1.5, dirichletAlpha: 0.5, dirichletEps: 0.25, tempMoves: 9, arenaTempMoves: 0 }, selfPlay);
    const single = g.pi.length / ttt.numActions - 1; // the last move of a full board has one legal action
    expect(selfPlay.calls).toBeGreaterThanOrEqual(g.length - 1);
    expect(selfPlay.calls).toBeLessThanOrEqual(g.length);
    expect(single).toBe(g.length - 1);
  });

  it('noise changes the root visits but never makes an illegal move visited', () => {
    const s = position([4]);
    const a = mctsSearch(ttt, s, uniform, new Rng(8), { simulations: 100, c: 1.5, dirichletAlpha: 0.3 });
    expect(a.visits[4]).toBe(0);
    expect(a.visits.reduce((x, y) => x + y, 0)).toBe(100 - 1);
  });
});

describe('symmetry augmentation', () => {
  it('moves the policy with the board (tic-tac-toe: 8 symmetries; Connect Four: mirror)', () => {
    for (const [id, moves, target] of [['TicTacToe-v0', [1], 1], ['ConnectFour-v0', [1], 1]] as const) {
      const game = getGame(id);
      let s = game.initialState();
      for (const m of moves) s = game.applyAction(s, m);
      // the observer is O (to move): plane 1 holds X's stone; the policy points at X's cell/column
      const obs = game.observe(s, 1);
      const pi = new Float32Array(game.numActions);
      pi[target] = 1;
      const replay = new ReplayWindow(4);
      replay.push({ obs, pi, z: Float32Array.of(0), length: 1, result: 0 });
      const cells = game.rows * game.cols;
      const batch = sampleBatch(game, replay, 32, true, new Rng(9));
      const seen = new Set<number>();
      for (let b = 0; b < 32; b++) {
        const o = batch.obs.data.subarray(b * 2 * cells, (b + 1) * 2 * cells);
        const p = batch.pi.data.subarray(b * game.numActions, (b + 1) * game.numActions);
        const cell = o.subarray(cells).indexOf(1);
        const action = p.indexOf(1);
        seen.add(action);
        // the policy's action is the stone's cell (tic-tac-toe) or its column (Connect Four)
        expect(id === 'TicTacToe-v0' ? action : action).toBe(id === 'TicTacToe-v0' ? cell : cell % game.cols);
      }
      expect(seen.size).toBe(id === 'TicTacToe-v0' ? 4 : 2); // an edge cell has 4 images under D4; a column 2 under the mirror
    }
  });
});

describe('AlphaZero training', () => {
  it('is deterministic given the seed, with one metrics row per iteration', async () => {
    const a = await collect(cfgOf(SMALL), ctxOf('TicTacToe-v0'));
    const b = await collect(cfgOf(SMALL), ctxOf('TicTacToe-v0'));
    expect(a.rows.length).toBe(2);
    expect(a.rows.map(withoutTiming)).toEqual(b.rows.map(withoutTiming));
    for (const k of ['global_step', 'losses/policy_loss', 'losses/value_loss', 'arena/win_rate', 'arena/accepted', 'charts/sims_per_s', 'charts/SPS']) expect(Number.isFinite(a.rows[1][k])).toBe(true);
    expect(a.rows[1].global_step).toBe(12);
  });

  it('self-play on a worker thread gives the same metrics as in-process', async () => {
    const local = await collect(cfgOf({ ...SMALL, numIterations: 1 }), ctxOf('TicTacToe-v0'));
    const worker = await collect(cfgOf({ ...SMALL, numIterations: 1, workers: 2 }), ctxOf('TicTacToe-v0'));
    expect(worker.rows.map(withoutTiming)).toEqual(local.rows.map(withoutTiming));
  });

  it('a short tic-tac-toe run beats random far more often than the untrained net (seed 1)', async () => {
    const cfg = cfgOf({ numIterations: 8, gamesPerIteration: 40, numSimulations: 32, tempMoves: 9, trainSteps: 60 });
    const { policy } = await collect(cfg, ctxOf('TicTacToe-v0'));
    const untrained = buildNet(ttt, cfg, new Rng(0));
    const rand = randomPlayer(ttt);
    const trained = runArena(ttt, networkPlayer(ttt, policy.net, { simulations: 32, cPuct: 1.5, trapMargin: 0 }), rand, 40, 11);
    const before = runArena(ttt, networkPlayer(ttt, untrained, { simulations: 32, cPuct: 1.5, trapMargin: 0 }), rand, 40, 11);
    expect(trained.a_wins).toBeGreaterThanOrEqual(34);
    expect(trained.b_wins).toBe(0);
    expect(trained.a_wins).toBeGreaterThan(before.a_wins);
  });

  it('resumes from a checkpoint into the metrics of an uninterrupted run', async () => {
    const cfg = cfgOf({ ...SMALL, numIterations: 3, checkpointFrequency: 1 });
    const full = await collect(cfg, ctxOf('TicTacToe-v0'));
    const run = alphazero.createRun(cfgOf({ ...SMALL, numIterations: 3, checkpointFrequency: 1 }), ctxOf('TicTacToe-v0'));
    const first = await run.iterations.next();
    expect(run.checkpointDue()).toBe(true);
    const bytes = encodeSafetensors(run.checkpoint().tensors, run.checkpoint().metadata);
    await run.close();
    const resumed = await collect(cfg, { ...ctxOf('TicTacToe-v0'), resume: decodeSafetensors(bytes) });
    expect([first.value as Metrics, ...resumed.rows].map(withoutTiming)).toEqual(full.rows.map(withoutTiming));
  });
});

describe('AlphaZero checkpoints and players', () => {
  it('round-trips a checkpoint: the same moves from the loaded policy and the arena player, with the stored play sims', async () => {
    const { ckpt, policy } = await collect(cfgOf({ ...SMALL, playSimulations: 24 }), ctxOf('TicTacToe-v0'));
    const decoded = decodeSafetensors(encodeSafetensors(ckpt.tensors, ckpt.metadata));
    const loaded = alphazero.loadPolicy(decoded, box(0, 1, { shape: [2, 3, 3] }), discrete(9)) as AlphaZeroPolicy;
    const player = checkpointPlayer(decoded, ttt);
    const player16 = checkpointPlayer(decoded, ttt, 16);
    for (const moves of [[], [4], [0, 4, 8], [0, 3, 1, 4]]) {
      const s = position(moves);
      const want = networkPlayer(ttt, policy.net, { simulations: 24, cPuct: 1.5, trapMargin: 0 })(s, new Rng(12));
      expect(networkPlayer(ttt, loaded.net, { simulations: 24, cPuct: 1.5, trapMargin: 0 })(s, new Rng(12))).toBe(want);
      expect(player(s, new Rng(12))).toBe(want);
      expect(player16(s, new Rng(12))).toBe(networkPlayer(ttt, policy.net, { simulations: 16, cPuct: 1.5, trapMargin: 0 })(s, new Rng(12)));
    }
    expect(() => checkpointPlayer(decoded, getGame('ConnectFour-v0'))).toThrow(/trained on Tic-Tac-Toe/);
  });

  it('plays legal moves as an env policy, tracking the game from observations', () => {
    const run = alphazero.createRun(cfgOf({ ...SMALL, seed: 13 }), ctxOf('TicTacToe-v0'));
    const pol = alphazero.loadPolicy(run.checkpoint(), box(0, 1, { shape: [2, 3, 3] }), discrete(9)) as AlphaZeroPolicy;
    const env = gameEnv(ttt, randomPlayer(ttt));
    for (let ep = 0; ep < 4; ep++) {
      pol.resetState();
      let { obs, mask } = env.reset(ep === 0 ? { seed: 14 } : {});
      for (let done = false; !done; ) {
        expect(pol.locateState(obs)).not.toBeNull();
        const a = pol.act(obs, { deterministic: true, mask }) as number;
        expect(mask?.[a]).toBe(1);
        const r = env.step(a);
        obs = r.obs;
        mask = r.mask;
        done = r.terminated || r.truncated;
      }
    }
  });

  it('the arena accepts checkpoint player specs through the player kinds', async () => {
    const { ckpt } = await collect(cfgOf(SMALL), ctxOf('TicTacToe-v0'));
    const { writeCheckpoint } = await import('../../src/cli/run-context.ts');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(mkdtempSync(join(tmpdir(), 'az-')), 'ttt.safetensors');
    writeCheckpoint(file, ckpt);
    const p = parsePlayer(`${file}:8`, ttt);
    expect(playGame(ttt, [p, randomPlayer(ttt)], new Rng(15)).actions.length).toBeGreaterThan(4);
    expect(() => parsePlayer('missing/nowhere.safetensors', ttt)).toThrow(/checkpoint not found/);
  });

  it('arena gating counts the candidate’s wins on both colours', () => {
    const cfg = cfgOf();
    const a = buildNet(ttt, cfg, new Rng(16));
    const r = arenaMatch(ttt, a, a, 6, { ...cfg, numSimulations: 8 }, new Rng(17));
    expect(r.wins + r.draws + r.losses).toBe(6);
  });
});

describe('supports()', () => {
  it('accepts board-game envs and refuses others with the reason', () => {
    expect(alphazero.supports(box(0, 1, { shape: [2, 6, 7] }), discrete(7))).toBeNull();
    expect(alphazero.supports(box(-1, 1, { shape: [4] }), discrete(2))).toMatch(/board game from the game registry.*not board planes/);
    expect(alphazero.supports(box(0, 1, { shape: [2, 3, 3] }), box(-1, 1, { shape: [2] }))).toMatch(/not discrete moves/);
    expect(alphazero.supports(box(0, 255, { shape: [3, 84, 84] }), discrete(4))).toMatch(/not 0\/1 board planes/);
    expect(() => alphazero.createRun(cfgOf(), ctxOf('CartPole-v1'))).toThrow(ConfigError);
    expect(() => alphazero.createRun(cfgOf(), ctxOf('CartPole-v1'))).toThrow(/not a registered game/);
  });
});

/**
 * The exact probabilities that a deterministic `player` in `seat` wins and loses against a uniformly random
 * opponent: every random line is enumerated (each of its moves weighted 1/legal moves).
 */
function exactVsRandom<S>(game: Game<S>, player: Player<S>, seat: PlayerId): { win: number; loss: number } {
  const chosen = new Map<string, number>();
  const walk = (s: S): { win: number; loss: number } => {
    if (game.isTerminal(s)) {
      const r = game.returns(s)[seat];
      return { win: r > 0 ? 1 : 0, loss: r < 0 ? 1 : 0 };
    }
    if (game.currentPlayer(s) === seat) {
      const key = game.stateKey(s);
      let a = chosen.get(key);
      if (a === undefined) chosen.set(key, (a = player(s, new Rng(5))));
      return walk(game.applyAction(s, a));
    }
    const replies = game.legalActions(s);
    const out = { win: 0, loss: 0 };
    for (const b of replies) {
      const r = walk(game.applyAction(s, b));
      out.win += r.win / replies.length;
      out.loss += r.loss / replies.length;
    }
    return out;
  };
  return walk(game.initialState());
}

describe('the zoo Tic-Tac-Toe agent against a random opponent (exact)', () => {
  // The best any player that never risks a loss can do against uniform random: 191/192 moving first and
  // 0.9164 moving second, 95.56% on average (bench/LEARNING.md computes it by expectimax).
  it('wins 95.56% with its trap margin and never loses on any line; 94% without traps', () => {
    const az = loadAlphaZero(readCheckpoint('zoo/TicTacToe-v0.alphazero.safetensors'));
    const play = playOptions(az.cfg);
    expect(play.trapMargin).toBeGreaterThan(0);
    const withTraps = networkPlayer(az.game, az.net, play);
    const first = exactVsRandom(az.game, withTraps, 0);
    const second = exactVsRandom(az.game, withTraps, 1);
    expect(first.loss + second.loss).toBe(0); // no line of any opponent beats it: a random one plays every line
    expect(first.win).toBeCloseTo(191 / 192, 6);
    expect(second.win).toBeCloseTo(0.9164, 4);
    const plain = networkPlayer(az.game, az.net, { ...play, trapMargin: 0 });
    const plainMean = (exactVsRandom(az.game, plain, 0).win + exactVsRandom(az.game, plain, 1).win) / 2;
    expect(plainMean).toBeLessThan(0.95);
  });
});
