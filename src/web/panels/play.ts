/**
 * Human play. Keyboard control for envs with a keymap (EnvMetadata.keymap): the action of the most
 * recently pressed mapped key that is still down, else the keymap's no-op. Board games: the opponent
 * choices for click-to-move.
 */
import type { KeyMap } from '../../gym/env.ts';
import type { HumanAction } from '../protocol.ts';
import { keyLabel } from './pickers.ts';

/** Tracks held keys against a keymap. */
export class KeyboardPlayer {
  private keymap: KeyMap | null = null;
  private readonly held: string[] = [];

  constructor() {
    window.addEventListener('keydown', (e) => {
      if (this.keymap === null || !(e.key in this.keymap.keys)) return;
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      e.preventDefault();
      if (!this.held.includes(e.key)) this.held.push(e.key);
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
  }

  /** The action for the keys held now. */
  action(): HumanAction {
    const km = this.keymap;
    if (km === null) return 0;
    for (let i = this.held.length - 1; i >= 0; i--) {
      const a = km.keys[this.held[i]];
      if (a !== undefined) return a;
    }
    return km.noop;
  }
}

/** "← push left · → push right" from a keymap, as `<kbd>` elements. */
export function keyLegend(host: HTMLElement, keymap: KeyMap): void {
  host.innerHTML = '';
  for (const [key, action] of Object.entries(keymap.keys)) {
    const k = document.createElement('kbd');
    k.textContent = keyLabel(key);
    host.append(k, ` ${Array.isArray(action) ? `[${action.join(', ')}]` : action}  `);
  }
  host.append(` (no key: ${Array.isArray(keymap.noop) ? `[${keymap.noop.join(', ')}]` : keymap.noop})`);
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
