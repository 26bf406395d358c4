/** The mirror map's checks and the mirror of normalised observations (agents/common/mirror.ts, src/gym/mirror.ts). */
import { describe, expect, it } from 'vitest';
import { mirrorPlan } from '../../agents/common/mirror.ts';
import { RunningMeanStd } from '../../agents/common/normalize.ts';
import { mirrorError } from '../../src/gym/mirror.ts';
import { checkEnv } from '../../src/gym/check-env.ts';
import { MirrorIdentityEnv } from './toy-envs.ts';

describe('mirror maps', () => {
  it('mirrors normalised observations as the raw ones would be', () => {
    const norm = new RunningMeanStd(2);
    norm.load({ mean: [1, 5], var: [4, 9], count: 100 });
    const raw = Float32Array.of(3, 8);
    const n = norm.normalize(raw, new Float32Array(2));
    const { scale, shift, actPerm } = mirrorPlan({ obs: [1, 0], act: [1, 0] }, norm);
    const viaAffine = [n[1] * scale[0] + shift[0], n[0] * scale[1] + shift[1]];
    const direct = norm.normalize(Float32Array.of(8, 3), new Float32Array(2));
    expect(viaAffine[0]).toBeCloseTo(direct[0], 5); // (8 − 1) / 2 = 3.5
    expect(viaAffine[1]).toBeCloseTo(direct[1], 5); // (3 − 5) / 3
    expect(direct[0]).toBeCloseTo(3.5, 5);
    const none = mirrorPlan({ obs: [1, 0], act: [0] }, null);
    expect([Array.from(none.scale), Array.from(none.shift)]).toEqual([[1, 1], [0, 0]]);
    expect(Array.from(actPerm.data)).toEqual([0, 1, 1, 0]); // (a P)[k] = a[act[k]]
  });

  it('says what is wrong with a map', () => {
    expect(mirrorError({ obs: [1, 0, 2], act: [0] }, 3, 1)).toBeNull();
    expect(mirrorError({ obs: [1, 0], act: [0] }, 3, 1)).toBe("mirror.obs must list 3 indices (the flat observation's size), received 2");
    expect(mirrorError({ obs: [1, 0, 3], act: [0] }, 3, 1)).toBe('mirror.obs[2] must be an integer index in [0, 2], received 3');
    expect(mirrorError({ obs: [1, 2, 0], act: [0] }, 3, 1)).toBe('mirror.obs must be its own inverse (mirroring twice gives back the original), and obs[obs[0]] is 2, not 0');
    expect(mirrorError({ obs: [0, 1, 2], act: [0, 0] }, 3, 2)).toBe('mirror.act must name each index once (a permutation), and 0 appears twice');
    expect(mirrorError({ obs: 'swap' as unknown as number[], act: [0] }, 3, 1)).toBe('mirror.obs must be an array of 3 indices (the flat observation\'s size), received string');
  });

  it('is checked by checkEnv (dojo check) when an env declares one', () => {
    const specCheck = (env: MirrorIdentityEnv): string => {
      const c = checkEnv(env).checks.find((x) => x.name === 'spec is well-formed');
      return c?.status === 'fail' ? c.message : 'ok';
    };
    expect(specCheck(new MirrorIdentityEnv())).toBe('ok');
    expect(specCheck(new MirrorIdentityEnv({ obs: [1, 0], act: [1, 1] }))).toBe('mirror.act must name each index once (a permutation), and 1 appears twice');
  });
});
