/**
 * Human play. Keyboard control for envs with a keymap (EnvMetadata.keymap), in its play mode: real time
 * (the page steps at the env's frame rate: a tap since the last frame plays once, even if it was shorter
 * than a frame, and a frame that starts a new game does not use it up; else the most recently pressed key
 * still held; else the no-op) or turns (one step per key press, nothing in between). Board games: the
 * opponent choices for click-to-move.
 */
import type { KeyAction, KeyMap } from '../../gym/env.ts';

const KEY_NAMES: Readonly<Record<string, string>> = { ArrowLeft: '←', ArrowRight: '→', ArrowUp: '↑', ArrowDown: '↓', ' ': 'Space' };

/** A key name as shown to people. */
function keyLabel(key: string): string {
  return KEY_NAMES[key] ?? key;
}

/** Tracks held keys and queued taps against a keymap. */
export class KeyboardPlayer {
  private keymap: KeyMap | null = null;
  private readonly held: string[] = [];
  /** Key presses not yet played, oldest first: a tap between two frames is never lost. */
  private readonly taps: KeyAction[] = [];
  /** The tap the last real-time frame request carried, until its frame says whether it was played. */
  private sent: KeyAction | null = null;
  /** Hears every press (a turn-based env steps on it). */
  onPress: () => void = () => {};

  constructor() {
    window.addEventListener('keydown', (e) => {
      const km = this.keymap;
      if (km === null || !Object.hasOwn(km.keys, e.key)) return;
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      e.preventDefault();
      if (!this.held.includes(e.key)) this.held.push(e.key);
      if (!e.repeat || km.play === 'turns') {
        this.taps.push(km.keys[e.key]);
        this.onPress();
      }
    });
    window.addEventListener('keyup', (e) => {
      const i = this.held.indexOf(e.key);
      if (i >= 0) this.held.splice(i, 1);
    });
    window.addEventListener('blur', () => {
      this.held.length = 0;
    });
  }

  /** Starts listening with `keymap`, or stops with null. */
  use(keymap: KeyMap | null): void {
    this.keymap = keymap;
    this.held.length = 0;
    this.taps.length = 0;
    this.sent = null;
  }

  /** The keymap's play mode (null: not playing). */
  mode(): KeyMap['play'] | null {
    return this.keymap?.play ?? null;
  }

  /**
   * The action for the next real-time frame: the oldest tap not yet played, else the most recently
   * pressed key still held, else the no-op.
   */
  action(): KeyAction {
    const km = this.keymap;
    if (km === null) return 0;
    const tap = this.taps.shift();
    this.sent = tap ?? null;
    if (tap !== undefined) return tap;
    for (let i = this.held.length - 1; i >= 0; i--) {
      const a = km.keys[this.held[i]];
      if (a !== undefined) return a;
    }
    return km.play === 'realtime' ? km.noop : 0;
  }

  /**
   * The last real-time frame request started a new episode instead of stepping (the frame after a game over,
   * or the first after the view changed hands): the tap it carried plays on the next frame, first.
   */
  notPlayed(): void {
    if (this.sent !== null) this.taps.unshift(this.sent);
    this.sent = null;
  }

  /** The next turn's action (turn-based play), or null when no key was pressed since. */
  nextTurn(): KeyAction | null {
    return this.taps.shift() ?? null;
  }
}

/** The keys of a keymap grouped by the action they play, with what it does: `{ keys: '← / a', text: 'push left', action: 0 }`. */
export function keyGroups(keymap: KeyMap): Array<{ keys: string; text: string; action: KeyAction }> {
  const groups = new Map<string, { keys: string[]; text: string | undefined; action: KeyAction }>();
  for (const [key, action] of Object.entries(keymap.keys)) {
    const id = JSON.stringify(action);
    const g = groups.get(id) ?? { keys: [], text: undefined, action };
    g.keys.push(keyLabel(key));
    g.text ??= keymap.legend[key];
    groups.set(id, g);
  }
  return [...groups.entries()].map(([id, g]) => ({ keys: g.keys.join(' / '), text: g.text ?? `action ${id}`, action: g.action }));
}

/** "← / a push left · → / d push right · no key: coast", as `<kbd>` elements. */
export function keyLegend(host: HTMLElement, keymap: KeyMap): void {
  host.innerHTML = '';
  for (const { keys, text } of keyGroups(keymap)) {
    const k = document.createElement('kbd');
    k.textContent = keys;
    const span = document.createElement('span');
    span.className = 'key-item';
    span.append(k, ` ${text}`);
    host.append(span);
  }
  const tail = document.createElement('span');
  tail.className = 'muted';
  tail.textContent = keymap.play === 'realtime' ? `no key: ${keymap.noopLegend}` : 'one step per key press';
  host.append(tail);
}

/** Opponent specs offered for board games ('agent' only when a policy for this game exists). */
export function opponentChoices(agentAvailable: boolean): Array<{ value: string; label: string }> {
  const out = [
    { value: 'random', label: 'random moves' },
    { value: 'greedy', label: 'greedy (wins, blocks)' },
    { value: 'minimax:2', label: 'minimax, depth 2' },
    { value: 'minimax:4', label: 'minimax, depth 4' },
    { value: 'mcts:200', label: 'MCTS, 200 simulations' },
    { value: 'mcts:1000', label: 'MCTS, 1000 simulations' },
  ];
  if (agentAvailable) out.unshift({ value: 'agent', label: 'the agent (trained or loaded)' });
  return out;
}
