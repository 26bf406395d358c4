/**
 * The algorithms, by CLI name. The CLI, the browser and `dojo list` read this one list.
 */
import type { AnyAgent } from './common/agent.ts';
import { ppo } from './ppo.ts';
import { sac } from './sac.ts';
import { td3 } from './td3.ts';
import { dqn } from './dqn.ts';
import { reinforce } from './reinforce.ts';
import { a2c } from './a2c.ts';
import { alphazero } from './alphazero.ts';

/** Every agent module, in display order. */
export const AGENTS: readonly AnyAgent[] = [ppo, sac, td3, dqn, reinforce, a2c, alphazero];

/** The agent with this name, or an error listing the known ones. */
export function getAgent(name: string): AnyAgent {
  const a = AGENTS.find((x) => x.name === name.toLowerCase());
  if (a === undefined) throw new Error(`unknown algorithm "${name}"; known: ${AGENTS.map((x) => x.name).join(', ')}`);
  return a;
}
