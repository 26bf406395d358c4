/**
 * The environment picker (grouped by category, with the env's doc: spaces, reward threshold, time
 * limit, keys) and the algorithm picker (only the agents whose `supports()` accepts the env).
 */
import { CATEGORIES, type AgentInfo, type Catalog, type EnvInfo } from '../protocol.ts';
import { keyGroups } from './play.ts';

/** Fills the env select with one optgroup per category. */
export function fillEnvSelect(select: HTMLSelectElement, catalog: Catalog): void {
  select.innerHTML = '';
  for (const cat of CATEGORIES) {
    const envs = catalog.envs.filter((e) => e.category === cat.id);
    if (envs.length === 0) continue;
    const group = document.createElement('optgroup');
    group.label = cat.title;
    for (const e of envs) group.appendChild(new Option(e.id, e.id));
    select.appendChild(group);
  }
  const broken = Object.keys(catalog.broken);
  if (broken.length > 0) {
    const group = document.createElement('optgroup');
    group.label = 'Unavailable';
    for (const id of broken) {
      const o = new Option(id, id);
      o.disabled = true;
      o.title = catalog.broken[id];
      group.appendChild(o);
    }
    select.appendChild(group);
  }
}

/** Writes the env's doc as a definition list. */
export function showEnvDoc(dl: HTMLElement, env: EnvInfo): void {
  dl.innerHTML = '';
  const add = (term: string, value: string): void => {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  };
  if (env.game !== null) add('game', env.game);
  add('observation', env.observation);
  add('action', env.action);
  add('reward threshold', env.rewardThreshold === null ? '—' : String(env.rewardThreshold));
  add('max steps', env.maxEpisodeSteps === null ? 'none' : String(env.maxEpisodeSteps));
  if (env.keymap !== null) {
    const keys = keyGroups(env.keymap).map((g) => `${g.keys}: ${g.text}`);
    add('keys', `${keys.join(' · ')} · ${env.keymap.play === 'realtime' ? `no key: ${env.keymap.noopLegend}` : 'one step per key press'}`);
  }
  if (env.game !== null) add('play', 'click a square (Play the board)');
}

/** Fills the algorithm select with the agents that support `env`; returns how many do. */
export function fillAlgoSelect(select: HTMLSelectElement, env: EnvInfo, agents: readonly AgentInfo[], preferred: string | undefined): number {
  select.innerHTML = '';
  const ok = agents.filter((a) => env.support[a.name] === null);
  for (const a of ok) {
    // the paper goes to the tooltip: the picker is narrow
    const o = new Option(`${a.name.toUpperCase()}: ${a.title.replace(/\s*\([^)]*\)\s*$/, '')}`, a.name);
    o.title = a.title;
    select.appendChild(o);
  }
  const not = agents.filter((a) => env.support[a.name] !== null);
  if (ok.length === 0) {
    const o = new Option('no algorithm supports this env', '');
    o.disabled = true;
    select.appendChild(o);
  }
  select.title = not.length > 0 ? `Not available here: ${not.map((a) => `${a.name} (${env.support[a.name]})`).join('; ')}` : '';
  if (preferred !== undefined && ok.some((a) => a.name === preferred)) select.value = preferred;
  return ok.length;
}
