/**
 * The game registry: `registerGame` once (envs/index.ts, next to the env of the same id), then
 * `getGame(id, kwargs)` anywhere the Game itself is needed (the CLI's arena, MCTS and AlphaZero, the
 * browser's play mode). Ids are the env ids (`ConnectFour-v0`); a loose spelling (`connect-four`,
 * `connectfour`) or an alias (`connect4`) is accepted when it names exactly one game.
 */
import { ConfigError } from '../core/errors.ts';
import { editDistance } from '../gym/registry.ts';
import type { AnyGame } from './game.ts';

/** What `registerGame` takes. */
export interface GameRegistration {
  /** Versioned id, shared with the single-agent env (`Othello-v0`). */
  readonly id: string;
  /** Builds the game from its kwargs (board size, line length); unknown kwargs throw a ConfigError. */
  readonly factory: (kwargs: Readonly<Record<string, unknown>>) => AnyGame;
  /** Default kwargs (the game's parameters). */
  readonly kwargs: Readonly<Record<string, number>>;
  /** One line for listings. */
  readonly description: string;
  /** Other names accepted by `getGame` (`connect4`, `reversi`). */
  readonly aliases?: readonly string[];
}

const games = new Map<string, GameRegistration>();

/** Registers a game id; twice is an error. */
export function registerGame(registration: GameRegistration): void {
  if (games.has(registration.id)) throw new ConfigError(`registerGame: "${registration.id}" is already registered`);
  games.set(registration.id, registration);
}

/** Removes a game id (envs/index.ts takes its registrations back before a hot swap re-runs it). */
export function unregisterGame(id: string): boolean {
  return games.delete(id);
}

/** Every registered game, sorted by id. */
export function listGames(): GameRegistration[] {
  return [...games.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The registration of an id (exact, or a loose spelling of exactly one id); unknown ids throw a ConfigError. */
export function gameRegistration(id: string): GameRegistration {
  const exact = games.get(id);
  if (exact !== undefined) return exact;
  const loose = (s: string): string => s.toLowerCase().replace(/-v\d+$/, '').replace(/[^a-z0-9]/g, '');
  const matches = [...games.values()].filter((g) => [g.id, ...(g.aliases ?? [])].some((name) => loose(name) === loose(id))).map((g) => g.id);
  if (matches.length === 1) return games.get(matches[0]) as GameRegistration;
  const ids = listGames().map((g) => g.id);
  const close = ids.filter((g) => editDistance(g.toLowerCase(), id.toLowerCase()) <= 3);
  const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : '';
  throw new ConfigError(`Game "${id}" is not registered.${hint} Games: ${ids.join(', ') || '(none: import envs/index.ts)'}`);
}

/** Builds a registered game with its default kwargs overridden by `kwargs`. */
export function getGame(id: string, kwargs: Readonly<Record<string, unknown>> = {}): AnyGame {
  const reg = gameRegistration(id);
  return reg.factory({ ...reg.kwargs, ...kwargs });
}
