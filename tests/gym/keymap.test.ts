/**
 * Keymaps declare their play mode (issue 28): real time with an explicit no-op, or turns with none.
 * checkEnv checks every mapped action (and the no-op) against the action space and the legend against
 * the mapped keys; `dojo render --policy noop` needs a real-time keymap's no-op.
 */
import { describe, expect, it } from 'vitest';
import '../../envs/index.ts';
import { Corridor } from '../../envs/examples/corridor.ts';
import { checkEnv } from '../../src/gym/check-env.ts';
import { bareSpec, type KeyMap } from '../../src/gym/env.ts';
import { registeredIds, spec } from '../../src/gym/registry.ts';

/** The corridor with another keymap. */
function corridorWith(keymap: KeyMap): Corridor {
  return new Corridor({}, bareSpec('Test/Keys-v0', { metadata: { renderFps: 8, keymap } }));
}

function specCheck(keymap: KeyMap): string {
  const c = checkEnv(corridorWith(keymap)).checks.find((x) => x.name === 'spec is well-formed');
  return c?.status === 'fail' ? c.message : 'ok';
}

describe('keymaps', () => {
  it('every registered keymap names its play mode, and a real-time one says what no key does', () => {
    for (const id of registeredIds()) {
      const km = spec(id).metadata.keymap;
      if (km === undefined) continue;
      expect(['realtime', 'turns'], id).toContain(km.play);
      if (km.play === 'realtime') expect(km.noopLegend.length, id).toBeGreaterThan(0);
      for (const key of Object.keys(km.legend)) expect(Object.keys(km.keys), `${id} legend key ${key}`).toContain(key);
    }
    expect(spec('Examples/Corridor-v0').metadata.keymap?.play).toBe('turns');
    expect(spec('Snake-v0').metadata.keymap?.play).toBe('realtime');
  });

  it('passes a turn-based keymap without a no-op', () => {
    expect(specCheck({ play: 'turns', keys: { ArrowLeft: 0, ArrowRight: 1 }, legend: { ArrowLeft: 'left' } })).toBe('ok');
  });

  it('fails a no-op outside the action space, and a legend for a key that is not mapped', () => {
    expect(specCheck({ play: 'realtime', keys: { ArrowLeft: 0 }, noop: 7, legend: {}, noopLegend: 'stay' })).toMatch(/keymap action for "\(noop\)" \(7\) is not in Discrete\(2\)/);
    expect(specCheck({ play: 'turns', keys: { ArrowLeft: 0 }, legend: { ArrowUp: 'up' } })).toMatch(/keymap.legend names the key "ArrowUp", which keymap.keys does not map \(keys: ArrowLeft\)/);
    expect(specCheck({ play: 'sometimes', keys: {}, legend: {} } as unknown as KeyMap)).toMatch(/keymap.play must be 'realtime' .* or 'turns' .*, received "sometimes"/);
  });
});
