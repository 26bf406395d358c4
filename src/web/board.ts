/**
 * Worker side of click-to-move: a person plays a board Game against an opponent, a player spec
 * ('random', 'greedy', 'minimax:4', 'mcts:200') or the current policy ('agent'). The page only sends
 * the id of the clicked shape; the Game maps `cell:<r>:<c>` to an action (`actionAt`, e.g. the column
 * in Connect Four), plays it, lets the opponent reply, and each position goes back as a frame.
 */
import type { Policy } from '../../agents/common/agent.ts';
import { Rng } from '../core/rng.ts';
import type { AnyGame, PlayerId } from '../game/game.ts';
import { parsePlayer, type Player } from '../game/players.ts';
import { gameRegistration, getGame } from '../game/registry.ts';
import { spec } from '../gym/registry.ts';
import type { BareFrame as Frame } from './protocol.ts';

/** A game in progress between the page's user and an opponent. */
export class BoardSession {
  readonly envId: string;
  readonly game: AnyGame;
  readonly humanSeat: PlayerId;
  private readonly opponent: Player<unknown>;
  private readonly rng: Rng;
  private state: unknown;

  /** `agent` is the policy used when `opponentSpec` is 'agent'. */
  constructor(envId: string, opponentSpec: string, humanSeat: PlayerId, seed: number, agent: Policy | null) {
    this.envId = envId;
    // the env's registered kwargs hold the game's parameters plus opponent/agentPlays; keep the game's
    const reg = gameRegistration(envId);
    const envKwargs = spec(envId).kwargs;
    const gameKwargs: Record<string, unknown> = {};
    for (const key of Object.keys(reg.kwargs)) if (key in envKwargs) gameKwargs[key] = envKwargs[key];
    this.game = getGame(envId, gameKwargs);
    this.humanSeat = humanSeat;
    this.rng = new Rng(seed);
    this.opponent = opponentSpec === 'agent' ? agentPlayer(this.game, agent) : parsePlayer(opponentSpec, this.game);
    this.state = this.game.initialState(this.rng);
  }

  /** The opening: the start position, then the opponent's first move when it plays first. */
  start(): Frame[] {
    const frames = [this.frame()];
    return frames.concat(this.reply());
  }

  /** Plays the clicked cell; returns the frames to show and a status line (an illegal click explains itself). */
  click(shapeId: string): { frames: Frame[]; status: string } {
    const m = /^(?:cell|piece|hint|win):(\d+):(\d+)$/.exec(shapeId);
    if (m === null) return { frames: [], status: this.status() };
    if (this.game.isTerminal(this.state)) return { frames: [], status: `${this.status()} Press "New game" to play again.` };
    if (this.game.currentPlayer(this.state) !== this.humanSeat) return { frames: [], status: 'Not your turn yet.' };
    const action = this.game.actionAt(Number(m[1]), Number(m[2]));
    const legal = this.game.legalMask(this.state);
    if (action < 0 || legal[action] !== 1) return { frames: [], status: `That square is not a legal move. ${this.status()}` };
    this.state = this.game.applyAction(this.state, action);
    const frames = [this.frame()].concat(this.reply());
    return { frames, status: this.status() };
  }

  /** Whose turn or who won, for the status line. */
  status(): string {
    if (this.game.isTerminal(this.state)) {
      const r = this.game.returns(this.state)[this.humanSeat];
      return r > 0 ? 'You win!' : r < 0 ? 'You lose.' : 'Draw.';
    }
    return this.game.currentPlayer(this.state) === this.humanSeat ? 'Your move: click a square.' : 'Opponent to move…';
  }

  over(): boolean {
    return this.game.isTerminal(this.state);
  }

  /**
   * The opponent's moves until it is the person's turn. A turn whose only legal move no square plays
   * (Othello's pass) is played for the person, since there is nothing to click.
   */
  private reply(): Frame[] {
    const frames: Frame[] = [];
    while (!this.game.isTerminal(this.state)) {
      if (this.game.currentPlayer(this.state) === this.humanSeat) {
        const forced = this.forcedMove();
        if (forced < 0) break;
        this.state = this.game.applyAction(this.state, forced);
      } else {
        this.state = this.game.applyAction(this.state, this.opponent(this.state, this.rng));
      }
      frames.push(this.frame());
    }
    return frames;
  }

  /** The one legal move when no square is a legal click (a pass), else -1. */
  private forcedMove(): number {
    const legal = this.game.legalMask(this.state);
    for (let r = 0; r < this.game.rows; r++) {
      for (let c = 0; c < this.game.cols; c++) {
        const a = this.game.actionAt(r, c);
        if (a >= 0 && legal[a] === 1) return -1;
      }
    }
    const moves = this.game.legalActions(this.state);
    return moves.length === 1 ? moves[0] : -1;
  }

  private frame(): Frame {
    const over = this.game.isTerminal(this.state);
    return { scene: this.game.render(this.state), ret: this.game.returns(this.state)[this.humanSeat], len: 0, end: over ? 'terminated' : null, greedy: true, mind: null };
  }
}

/** The current policy as a player: it sees its own egocentric planes and the legal mask, and plays greedily. */
function agentPlayer(game: AnyGame, policy: Policy | null): Player<unknown> {
  if (policy === null) throw new Error('no agent to play against: train one or load a checkpoint for this game first');
  return (state) => {
    const seat = game.currentPlayer(state) as PlayerId;
    const action = policy.act(game.observe(state, seat), { deterministic: true, mask: game.legalMask(state) });
    return typeof action === 'number' ? action : action[0];
  };
}
