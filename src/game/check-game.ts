/**
 * checkGame: the conformance check every Game passes (OpenSpiel's `RandomSimTest`,
 * https://github.com/google-deepmind/open_spiel/blob/master/open_spiel/tests/basic_tests.cc). Random
 * playouts exercise the whole contract of `game.ts`; the result is a report of named checks like
 * `checkEnv`'s, and `assertGame` throws if any failed.
 *
 * Along every playout: the mask is non-empty exactly until the end and agrees with `legalActions`;
 * `currentPlayer` is −1 exactly at the end; `applyAction` leaves its input deep-equal to before;
 * observations have the declared shape, are finite, and are egocentric (player 1's planes are player
 * 0's swapped); illegal and out-of-range actions throw IllegalActionErrors naming the game; at the end
 * the returns are zero-sum in {−1, 0, 1}; states, `toString` and `render` survive `structuredClone`; an
 * optional `randomPlayout` returns valid outcomes without touching its input.
 */
import { Rng } from '../core/rng.ts';
import type { CheckResult } from '../gym/check-env.ts';
import { explainInvalidScene } from '../gym/scene.ts';
import { IllegalActionError, type Game } from './game.ts';

/** Options of `checkGame`. */
export interface CheckGameOptions {
  /** Random games to play (default 100). */
  readonly playouts?: number;
  /** Source of the random moves (default `new Rng(0)`). */
  readonly rng?: Rng;
}

/** The outcome of `checkGame`. */
export interface GameCheckReport {
  readonly gameId: string;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  /** Plies over all playouts. */
  readonly plies: number;
}

/** Runs every check on a game and returns the report. */
export function checkGame<S>(game: Game<S>, opts: CheckGameOptions = {}): GameCheckReport {
  const playouts = opts.playouts ?? 100;
  const rng = opts.rng ?? new Rng(0);
  const checks: CheckResult[] = [];
  const run = (name: string, fn: () => string | null): void => {
    try {
      const why = fn();
      checks.push({ name, status: why === null ? 'pass' : 'fail', message: why ?? '' });
    } catch (err) {
      checks.push({ name, status: 'fail', message: `threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` });
    }
  };
  let plies = 0;
  run('declares a valid shape', () => {
    if (!(Number.isInteger(game.numActions) && game.numActions > 0)) return `numActions must be a positive integer, received ${game.numActions}`;
    if (game.observationShape.length < 1 || game.observationShape[0] < 2) return `observationShape must start with ≥ 2 planes [me, opponent], received [${game.observationShape.join(', ')}]`;
    return null;
  });
  run('initial state: player 0 to move, not terminal, zero returns', () => {
    const s = game.initialState(new Rng(0));
    if (game.currentPlayer(s) !== 0) return `currentPlayer(initialState) is ${game.currentPlayer(s)}, expected 0`;
    if (game.isTerminal(s)) return 'the initial state is terminal';
    const r = game.returns(s);
    return r[0] === 0 && r[1] === 0 ? null : `returns before the end must be [0, 0], received [${r.join(', ')}]`;
  });
  const problems = new Map<string, string>();
  const note = (name: string, why: string | null): void => {
    if (why !== null && !problems.has(name)) problems.set(name, why);
  };
  const names = {
    mask: 'the mask is non-empty until the end, empty at the end, and agrees with legalActions',
    player: 'currentPlayer is −1 exactly at the end',
    mutate: 'applyAction never mutates its input',
    obs: 'observations have the declared shape, are finite and egocentric',
    illegal: 'illegal actions throw an IllegalActionError naming the game',
    returns: 'returns are zero-sum in {−1, 0, 1} at the end and [0, 0] before',
    clone: 'states, toString and render survive structuredClone',
    playout: 'randomPlayout (if any) ends with zero-sum returns and never mutates its input',
  };
  run(`${playouts} random playouts`, () => {
    for (let g = 0; g < playouts; g++) {
      let s = game.initialState(rng);
      for (let t = 0; ; t++) {
        const terminal = game.isTerminal(s);
        const first = t === 0 && g === 0;
        checkState(game, s, note, names, first || terminal || rng.int(16) === 0, first || (terminal && g < 20) || rng.int(64) === 0);
        if (terminal) break;
        const actions = game.legalActions(s);
        const a = actions[rng.int(actions.length)];
        const before = structuredClone(s);
        const next = game.applyAction(s, a);
        plies++;
        note(names.mutate, deepEqual(before, s) ? null : `applyAction(s, ${a}) changed s (game ${g}, ply ${t})`);
        s = next;
        if (t > 100_000) return 'a playout did not end within 100,000 plies';
      }
    }
    return null;
  });
  for (const name of Object.values(names)) run(name, () => problems.get(name) ?? null);
  return { gameId: game.id, ok: checks.every((c) => c.status !== 'fail'), checks, plies };
}

/** Runs `checkGame` and throws an Error listing every failed check. */
export function assertGame<S>(game: Game<S>, opts?: CheckGameOptions): GameCheckReport {
  const report = checkGame(game, opts);
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.message}`);
    throw new Error(`${game.id}: failed ${failed.length} game check(s):\n  ${failed.join('\n  ')}`);
  }
  return report;
}

/** Per-state checks; the illegal-move checks run when `illegalChecks`, the clone and render ones when `cloneChecks`. */
function checkState<S>(game: Game<S>, s: S, note: (name: string, why: string | null) => void, names: Record<string, string>, illegalChecks: boolean, cloneChecks: boolean): void {
  const terminal = game.isTerminal(s);
  const mask = game.legalMask(s);
  const actions = game.legalActions(s);
  const ones = mask.reduce((n, v) => n + v, 0);
  if (mask.length !== game.numActions) note(names.mask, `legalMask has length ${mask.length}, expected numActions = ${game.numActions}`);
  else if (terminal ? ones !== 0 : ones === 0) note(names.mask, `${ones} legal actions in a ${terminal ? 'terminal' : 'running'} state:\n${game.toString(s)}`);
  else if (actions.length !== ones || actions.some((a) => mask[a] !== 1)) note(names.mask, `legalActions [${Array.from(actions).join(', ')}] disagrees with the mask:\n${game.toString(s)}`);
  const p = game.currentPlayer(s);
  if (terminal !== (p === -1)) note(names.player, `currentPlayer is ${p} in a ${terminal ? 'terminal' : 'running'} state`);
  const r = game.returns(s);
  if (terminal ? r[0] + r[1] !== 0 || ![-1, 0, 1].includes(r[0]) : r[0] !== 0 || r[1] !== 0) note(names.returns, `returns [${r.join(', ')}] in a ${terminal ? 'terminal' : 'running'} state`);
  const o0 = game.observe(s, 0);
  const o1 = game.observe(s, 1);
  note(names.obs, explainObs(o0, o1, game.observationShape));
  if (illegalChecks) checkIllegal(game, s, mask, note, names);
  if (illegalChecks && game.randomPlayout !== undefined) {
    const before = structuredClone(s);
    const out = game.randomPlayout(s, new Rng(actions.length));
    if (out[0] + out[1] !== 0 || ![-1, 0, 1].includes(out[0])) note(names.playout, `randomPlayout returned [${out.join(', ')}]`);
    else if (terminal && (out[0] !== r[0] || out[1] !== r[1])) note(names.playout, `randomPlayout of a finished game returned [${out.join(', ')}], not its returns [${r.join(', ')}]`);
    if (!deepEqual(before, s)) note(names.playout, 'randomPlayout changed its input state');
  }
  if (cloneChecks) checkClone(game, s, terminal, actions, note, names);
}

function checkIllegal<S>(game: Game<S>, s: S, mask: Uint8Array, note: (name: string, why: string | null) => void, names: Record<string, string>): void {
  const illegal = [-1, game.numActions, 0.5, Number.NaN, ...Array.from({ length: game.numActions }, (_, a) => a).filter((a) => mask[a] === 0).slice(0, 3)];
  for (const a of illegal) {
    try {
      game.applyAction(s, a);
      note(names.illegal, `applyAction(s, ${a}) did not throw although the action is illegal:\n${game.toString(s)}`);
    } catch (err) {
      if (!(err instanceof IllegalActionError)) note(names.illegal, `applyAction(s, ${a}) threw ${(err as Error).name} instead of IllegalActionError`);
      else if (!err.message.includes(game.id)) note(names.illegal, `the error does not name the game "${game.id}": ${err.message}`);
    }
  }
}

function checkClone<S>(game: Game<S>, s: S, terminal: boolean, actions: Int32Array, note: (name: string, why: string | null) => void, names: Record<string, string>): void {
  const copy = structuredClone(s);
  if (game.toString(copy) !== game.toString(s)) note(names.clone, 'toString of a structuredClone differs');
  if (game.stateKey(copy) !== game.stateKey(s)) note(names.clone, 'stateKey of a structuredClone differs');
  const scene = game.render(s);
  const why = explainInvalidScene(scene);
  if (why !== null) note(names.clone, `render: ${why}`);
  else if (JSON.stringify(structuredClone(scene)) !== JSON.stringify(scene) || JSON.stringify(game.render(copy)) !== JSON.stringify(scene)) note(names.clone, 'render differs after structuredClone');
  if (!terminal && actions.length > 0) {
    const a = actions[0];
    const viaCopy = game.applyAction(copy, a);
    if (game.toString(viaCopy) !== game.toString(game.applyAction(s, a))) note(names.clone, 'applyAction on a structuredClone gives a different state');
  }
}

function explainObs(o0: Float32Array, o1: Float32Array, shape: readonly number[]): string | null {
  const size = shape.reduce((a, b) => a * b, 1);
  if (!(o0 instanceof Float32Array) || !(o1 instanceof Float32Array) || o0.length !== size || o1.length !== size) {
    return `observe must return a Float32Array of ${size} (shape [${shape.join(', ')}]), received ${o0?.constructor?.name} of ${o0?.length}`;
  }
  for (let i = 0; i < size; i++) if (!Number.isFinite(o0[i]) || !Number.isFinite(o1[i])) return `observation entry ${i} is not finite`;
  const plane = size / shape[0];
  for (let i = 0; i < plane; i++) {
    if (o0[i] !== o1[plane + i] || o0[plane + i] !== o1[i]) return `not egocentric: observe(s, 0) planes [0, 1] are not observe(s, 1) planes [1, 0] at cell ${i}`;
  }
  return null;
}

/** Structural equality of plain data: objects, arrays, typed arrays, numbers (NaN equals NaN). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<number>;
    const y = b as unknown as ArrayLike<number>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
