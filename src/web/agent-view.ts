/**
 * What the page says around the view: the agent's mind for each drawn frame (panels/mind.ts draws it, with
 * the actions named from the keymap's legend), the returns of the view's greedy and sampled episodes side by
 * side, and the end of an episode over the canvas (a human's game holds a moment with the score).
 */
import { el } from './dom.ts';
import { envInfo, mind, state } from './page.ts';
import { keyGroups } from './panels/play.ts';
import type { Frame } from './protocol.ts';

/** Returns of the view's recent episodes, by how it chose actions (the display's own episodes; cleared with a new display). */
const viewReturns = { greedy: [] as number[], sampled: [] as number[] };
/** Episodes per mode in the comparison. */
const COMPARE_WINDOW = 5;

/** Counts the episodes that end in `frames` (a policy plays: a run or a checkpoint), by how their actions were chosen. */
export function countEpisodes(frames: readonly Frame[]): void {
  if (state.loadedName === null && state.runState === 'none') return; // random actions: greedy or sampled is all the same
  let ended = false;
  for (const f of frames) {
    if (f.end === null) continue;
    const list = f.greedy ? viewReturns.greedy : viewReturns.sampled;
    list.push(f.ret);
    if (list.length > COMPARE_WINDOW) list.shift();
    ended = true;
  }
  if (ended) showCompare();
}

/**
 * Greedy and sampled returns side by side, once the view has played episodes both ways; a large gap is
 * said in words (issue 28: a policy that trains to 0.8 looked broken greedily, stuck against a wall).
 */
function showCompare(): void {
  const p = el('compare');
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const part = (name: string, xs: number[]): string => (xs.length === 0 ? `${name}: no episode yet` : `${name} ${mean(xs).toFixed(1)} (mean of ${xs.length})`);
  const g = viewReturns.greedy, s = viewReturns.sampled;
  p.hidden = g.length + s.length === 0;
  p.dataset.greedy = g.length > 0 ? String(mean(g)) : '';
  p.dataset.sampled = s.length > 0 ? String(mean(s)) : '';
  let text = `Returns in the view: ${part('greedy', g)} · ${part('sampled', s)}.`;
  const gap = g.length > 0 && s.length > 0 && Math.abs(mean(g) - mean(s)) > 0.2 * Math.max(Math.abs(mean(g)), Math.abs(mean(s)), Math.abs(envInfo()?.rewardThreshold ?? 0));
  if (gap) text += ' They differ a lot: the sampled return is what training measured, and a greedy policy can get stuck where sampling moves on (or sampling can stumble where greedy is steady).';
  else if (g.length === 0 || s.length === 0) text += ` Switch to ${g.length === 0 ? 'greedy' : 'sampled'} to compare.`;
  p.textContent = text;
  p.classList.toggle('gap', gap);
}

/** Names of the actions for the mind panel: what the keymap says each discrete action does (its no-op too), or the box's dimensions. */
function actionLabels(n: number, kind: 'probs' | 'q' | 'box'): string[] {
  const keymap = envInfo()?.keymap ?? null;
  const said = new Map<string, string>();
  if (keymap !== null) {
    for (const g of keyGroups(keymap)) said.set(JSON.stringify(g.action), g.text);
    if (keymap.play === 'realtime' && !said.has(JSON.stringify(keymap.noop))) said.set(JSON.stringify(keymap.noop), keymap.noopLegend);
  }
  return Array.from({ length: n }, (_, i) => {
    if (kind === 'box') return `dim ${i}`;
    const text = said.get(String(i));
    return text !== undefined ? `${i}: ${text}` : envInfo()?.game != null ? `move ${i}` : `action ${i}`;
  });
}

/** Board games have many moves: the panel shows the few likeliest (and the one taken). */
const MIND_MAX_ROWS = 10;

/** The mind panel for a drawn frame of the agent view. */
export function showMind(frame: Frame): void {
  if (frame.mind === null) return; // a reset frame: the last step's numbers stay until the next step
  const m = frame.mind;
  const labels = actionLabels(m.values.length, m.kind);
  if (m.kind === 'box' || m.values.length <= MIND_MAX_ROWS) {
    mind.show(m, labels, frame.len);
    return;
  }
  const top = m.values.map((_, i) => i).sort((a, b) => m.values[b] - m.values[a]).slice(0, MIND_MAX_ROWS - 2);
  if (m.action.length === 1 && !top.includes(m.action[0])) top.push(m.action[0]);
  mind.show({ ...m, values: top.map((i) => m.values[i]), action: m.action.length === 1 ? [top.indexOf(m.action[0])] : [] }, top.map((i) => labels[i]), frame.len);
}

/** How long the game-over moment holds human play, and how long the agent view's "episode over" shows. */
const GAME_OVER_HOLD_MS = 1500;
const EPISODE_OVER_MS = 1000;
let gameOverUntil = 0;

/** The end of an episode, said over the view: a human's game holds for a moment with the score. */
export function showEpisodeEnd(frame: Frame): void {
  if (frame.end === null || state.view === 'board') return;
  const human = state.view === 'keys';
  const score = Number.isInteger(frame.ret) ? String(frame.ret) : frame.ret.toFixed(1);
  const over = el('gameover');
  over.textContent = human ? `${frame.end === 'truncated' ? 'Time is up' : 'Game over'} · score ${score}` : `Episode over · return ${score}`;
  over.hidden = false;
  gameOverUntil = performance.now() + (human ? GAME_OVER_HOLD_MS : EPISODE_OVER_MS);
  if (human) state.holdUntil = gameOverUntil;
}

/** Hides the episode-end label once its moment is over (called on every animation frame). */
export function hideEpisodeEnd(now: number): void {
  if (now > gameOverUntil) el('gameover').hidden = true;
}

/** Ends the episode-end moment now: the view changed (a new display, human play starts or stops). */
export function clearEpisodeEnd(): void {
  gameOverUntil = 0;
  state.holdUntil = 0;
  el('gameover').hidden = true;
}

/** A new display: its episodes start the comparison afresh, and an old episode's end is no longer said. */
export function resetCompare(): void {
  clearEpisodeEnd();
  viewReturns.greedy.length = 0;
  viewReturns.sampled.length = 0;
  showCompare();
}
