/**
 * Human play, seen from the page: the view switches from the agent to the keyboard (frames follow
 * the held keys) or to a board game (clicks on `cell:*` shapes go to the worker). Training pauses
 * while a person plays.
 */
import { el } from './dom.ts';
import { clearEpisodeEnd } from './agent-view.ts';
import { keyLegend, opponentChoices } from './panels/play.ts';
import { envInfo, envSelect, keyboard, link, state, status, syncButtons } from './page.ts';

/** Back to watching the agent. */
export function leavePlay(): void {
  if (state.view === 'agent') return;
  state.view = 'agent';
  state.queue = [];
  clearEpisodeEnd();
  keyboard.use(null);
  el('keys-panel').hidden = true;
  el('board-panel').hidden = true;
  syncButtons();
}

export function playKeys(): void {
  const env = envInfo();
  if (env?.keymap == null) return;
  state.running = false;
  state.view = 'keys';
  state.queue = [];
  keyboard.use(env.keymap);
  keyLegend(el('keys-legend'), env.keymap);
  clearEpisodeEnd();
  if (env.keymap.play === 'turns') {
    // the first frame shows the start; after it, each key press is one step
    state.framesInflight = true;
    link.view({ type: 'frames', n: 1, human: Object.values(env.keymap.keys)[0] ?? 0 });
  }
  status(env.keymap.play === 'turns' ? 'Your move: each key press is one step. Training is paused while you play.' : 'Your turn: the game runs in real time and follows your keys. Training is paused while you play.');
  el('keys-panel').hidden = false;
  el('board-panel').hidden = true;
  syncButtons();
}

export function playBoard(): void {
  const env = envInfo();
  if (env === undefined || env.game === null) return;
  state.running = false;
  state.view = 'board';
  state.queue = [];
  const sel = el<HTMLSelectElement>('opponent-select');
  const prev = sel.value;
  sel.innerHTML = '';
  for (const o of opponentChoices(state.runState !== 'none' || state.loadedName !== null)) sel.add(new Option(o.label, o.value));
  if ([...sel.options].some((o) => o.value === prev)) sel.value = prev;
  el('board-panel').hidden = false;
  el('keys-panel').hidden = true;
  clearEpisodeEnd();
  status('Click-to-move: you against the chosen opponent. Training is paused while you play.');
  syncButtons();
  newBoardGame();
}

let boardGames = 0;

/** What each side's pieces are called, player 0 (moves first) then player 1, as the games draw them (envs/board). */
const SIDES: Readonly<Record<string, readonly [string, string]>> = {
  'TicTacToe-v0': ['X', 'O'],
  'ConnectFour-v0': ['Red', 'Yellow'],
  'Othello-v0': ['Black', 'White'],
  'Gomoku-v0': ['Black', 'White'],
};

export function newBoardGame(): void {
  state.queue = [];
  const seat = el<HTMLSelectElement>('seat-select').value === '1' ? 1 : 0;
  const side = SIDES[envSelect.value]?.[seat] ?? (seat === 0 ? 'the first player' : 'the second player');
  el('board-seat').textContent = `You are ${side} (${seat === 0 ? 'you move first' : 'the opponent moves first'}).`;
  link.view({ type: 'board-new', envId: envSelect.value, opponent: el<HTMLSelectElement>('opponent-select').value, humanSeat: seat, seed: ++boardGames });
}

/** Wires the play buttons. */
export function wirePlay(): void {
  el('play-btn').addEventListener('click', playKeys);
  el('keys-stop').addEventListener('click', leavePlay);
  el('board-btn').addEventListener('click', playBoard);
  el('board-new').addEventListener('click', newBoardGame);
  el('board-stop').addEventListener('click', () => {
    leavePlay();
    link.view({ type: 'frames', n: 1, human: null });
  });
}
