/**
 * Games as environments.
 *
 * `gameEnv(game, opponent)` is a single-agent Env (the PettingZoo-to-Gymnasium view of a two-player
 * game): the agent plays one seat, the opponent's replies happen inside `step`, the observation is the
 * agent's egocentric planes and `mask` (in reset and step results) marks its legal moves. The reward is
 * the game's return for the agent at the last step (+1 win, −1 loss, 0 draw) and 0 before. An illegal
 * move throws an EnvError; it is never silently replaced or punished.
 *
 * `TwoPlayerLoop` is the two-learner view (PettingZoo's AEC API, https://pettingzoo.farama.org/api/aec/):
 * whose turn it is, then each player's observation, mask and reward, for self-play with two policies.
 */
import { EnvError, describe } from '../core/errors.ts';
import { Rng } from '../core/rng.ts';
import { actionError, assertCanStep, bareSpec, seedEnv, type Env, type EpisodePhase, type EnvMetadata, type EnvSpec, type ResetOptions, type ResetResult, type StepResult } from '../gym/env.ts';
import type { Scene } from '../gym/scene.ts';
import { box, discrete, type BoxSpace, type DiscreteSpace } from '../gym/spaces.ts';
import { IllegalActionError, type Game, type PlayerId } from './game.ts';
import type { Player } from './players.ts';

/** Which seat the agent takes: always 0 (first), always 1, alternating by episode, or drawn from the env's rng. */
export type AgentSeat = 0 | 1 | 'alternate' | 'random';

/** Options of `gameEnv`. */
export interface GameEnvOptions {
  /** The agent's seat (default 'alternate': seat 0 after a seeded reset, then switching every episode). */
  readonly agentPlays?: AgentSeat;
  /** The env spec (default: a bare spec named after the game). */
  readonly spec?: EnvSpec;
}

/** Metadata of board envs: a few frames per second, no keyboard map (moves are clicks on `cell:<r>:<c>` shapes). */
export const BOARD_METADATA: EnvMetadata = Object.freeze({ renderFps: 4 });

/** Parses an agentPlays kwarg: 0/1 (or "0"/"1", "first"/"second"), "alternate" or "random". */
export function parseAgentSeat(envId: string, value: unknown): AgentSeat {
  if (value === 0 || value === '0' || value === 'first') return 0;
  if (value === 1 || value === '1' || value === 'second') return 1;
  if (value === 'alternate' || value === 'random') return value;
  throw new EnvError(envId, `agentPlays must be 0 ("first"), 1 ("second"), "alternate" or "random", received ${describe(value)}`);
}

/** A two-player game against a fixed opponent, as a single-agent Env. */
export class GameEnv<S> implements Env<Float32Array, number> {
  readonly observationSpace: BoxSpace;
  readonly actionSpace: DiscreteSpace;
  readonly spec: EnvSpec;
  readonly actionRng: Rng;
  readonly unwrapped: GameEnv<S>;
  readonly game: Game<S>;
  readonly opponent: Player<S>;
  /** The env's random stream: the opponent's choices (and random seats). */
  readonly rng: Rng;
  /** The current position (null before the first reset); plain data, safe to keep. */
  state: S | null;
  /** The agent's seat in the current episode. */
  seat: PlayerId;
  private readonly agentPlays: AgentSeat;
  private episodes: number;
  private phase: EpisodePhase;

  constructor(game: Game<S>, opponent: Player<S>, opts: GameEnvOptions = {}) {
    this.game = game;
    this.opponent = opponent;
    this.spec = opts.spec ?? bareSpec(game.id, { metadata: BOARD_METADATA });
    this.observationSpace = box(0, 1, { shape: game.observationShape });
    this.actionSpace = discrete(game.numActions);
    this.actionRng = new Rng(1);
    this.rng = new Rng(0);
    this.unwrapped = this;
    this.state = null;
    this.seat = 0;
    this.agentPlays = parseAgentSeat(this.spec.id, opts.agentPlays ?? 'alternate');
    this.episodes = 0;
    this.phase = 'needs-reset';
  }

  /** Starts a game; if the opponent moves first, its opening move is already played. */
  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    if (opts.seed !== undefined) {
      seedEnv(this.spec.id, opts.seed, this.rng, this.actionRng);
      this.episodes = 0;
    }
    const a = this.agentPlays;
    this.seat = a === 'alternate' ? (this.episodes % 2 === 0 ? 0 : 1) : a === 'random' ? (this.rng.int(2) as PlayerId) : a;
    this.episodes++;
    const replies: number[] = [];
    this.state = this.playOpponent(this.game.initialState(this.rng), replies);
    this.phase = this.game.isTerminal(this.state) ? 'terminated' : 'running';
    return { obs: this.game.observe(this.state, this.seat), info: { seat: this.seat, opponentActions: replies }, mask: this.game.legalMask(this.state) };
  }

  /** Plays the agent's move, then the opponent's replies until it is the agent's turn or the game ends. */
  step(action: number): StepResult<Float32Array> {
    assertCanStep(this, this.phase, action);
    const state = this.state as S; // `running` implies reset() set a state
    if (typeof action !== 'number' || !Number.isInteger(action) || action < 0 || action >= this.game.numActions) throw actionError(this.spec.id, this.actionSpace, action);
    let next: S;
    try {
      next = this.game.applyAction(state, action);
    } catch (err) {
      if (err instanceof IllegalActionError) throw illegalMoveError(this.spec.id, this.game, state, action, err);
      throw err;
    }
    const replies: number[] = [];
    next = this.playOpponent(next, replies);
    this.state = next;
    const terminated = this.game.isTerminal(next);
    if (terminated) this.phase = 'terminated';
    const reward = terminated ? this.game.returns(next)[this.seat] : 0;
    return { obs: this.game.observe(next, this.seat), reward, terminated, truncated: false, info: { seat: this.seat, opponentActions: replies }, mask: this.game.legalMask(next) };
  }

  /** The board (`game.render` of the current state; the start position before any reset). */
  render(): Scene {
    return this.game.render(this.state ?? this.game.initialState(this.rng));
  }

  /** Nothing to free. */
  close(): void {}

  private playOpponent(s: S, replies: number[]): S {
    while (!this.game.isTerminal(s) && this.game.currentPlayer(s) !== this.seat) {
      const a = this.opponent(s, this.rng);
      replies.push(a);
      s = this.game.applyAction(s, a);
    }
    return s;
  }
}

/** A single-agent Env for `game` against `opponent` (see GameEnv). */
export function gameEnv<S>(game: Game<S>, opponent: Player<S>, opts: GameEnvOptions = {}): GameEnv<S> {
  return new GameEnv(game, opponent, opts);
}

function illegalMoveError<S>(envId: string, game: Game<S>, s: S, action: number, err: IllegalActionError): EnvError {
  const named = err.legal.slice(0, 20).map((a) => `${a} (${game.actionToString(s, a)})`);
  const legal = named.join(', ') + (err.legal.length > 20 ? `, … (${err.legal.length} legal)` : '');
  const name = Number.isInteger(action) && action >= 0 && action < game.numActions ? ` (${game.actionToString(s, action)})` : '';
  const why = legal === '' ? 'the game is over' : `legal actions: ${legal}`;
  return new EnvError(envId, `illegal move ${describe(action)}${name} in ${game.title}; ${why}. Sample with the mask from reset()/step()`);
}

// ── two learners ──

/** What one player sees at a point of a two-player loop. */
export interface TurnView {
  /** Egocentric planes for this player. */
  readonly obs: Float32Array;
  /** Its legal actions now (all zero when it is not its turn or the game is over). */
  readonly mask: Uint8Array;
  /** Its reward since its last move: the game's return at the end, else 0. */
  readonly reward: number;
  /** The game is over. */
  readonly terminated: boolean;
}

/**
 * Two learners taking turns in one game (PettingZoo AEC): read `currentPlayer()`, `observe(player)` it,
 * `step(action)`; when `currentPlayer()` is −1, each player's `observe(p).reward` is its final return.
 * Illegal actions and stepping a finished game throw EnvErrors.
 */
export class TwoPlayerLoop<S> {
  readonly game: Game<S>;
  /** Seeds `initialState` (the games here ignore it; kept for games with random starts). */
  readonly rng: Rng;
  state: S;
  /** Every action so far. */
  readonly history: number[];

  constructor(game: Game<S>, seed = 0) {
    this.game = game;
    this.rng = new Rng(seed);
    this.state = game.initialState(this.rng);
    this.history = [];
  }

  /** A new game (re-seeding when a seed is given). */
  reset(seed?: number): void {
    if (seed !== undefined) this.rng.seed(seed);
    this.state = this.game.initialState(this.rng);
    this.history.length = 0;
  }

  /** Whose turn it is: 0, 1, or −1 when the game is over. */
  currentPlayer(): -1 | PlayerId {
    return this.game.currentPlayer(this.state);
  }

  /** Player `player`'s observation, mask, reward and the end flag. */
  observe(player: PlayerId): TurnView {
    const terminated = this.game.isTerminal(this.state);
    const mask = this.currentPlayer() === player ? this.game.legalMask(this.state) : new Uint8Array(this.game.numActions);
    return { obs: this.game.observe(this.state, player), mask, reward: terminated ? this.game.returns(this.state)[player] : 0, terminated };
  }

  /** The player to move plays `action`. */
  step(action: number): void {
    const id = this.game.id;
    if (this.game.isTerminal(this.state)) throw new EnvError(id, `step(${describe(action)}) after the game ended; call reset()`);
    try {
      this.state = this.game.applyAction(this.state, action);
    } catch (err) {
      if (err instanceof IllegalActionError) throw illegalMoveError(id, this.game, this.state, action, err);
      throw err;
    }
    this.history.push(action);
  }
}
