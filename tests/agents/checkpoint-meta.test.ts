/**
 * The metadata every agent checkpoint carries, and how a loader reads it: env kwargs are saved so a
 * policy trained on `Catch-v0 {obs: 'pixels'}` meets that env again; files from before kwargs were
 * saved load with none (the env's defaults); a malformed field is refused with its name.
 */
import { describe, it, expect } from 'vitest';
import { buildCheckpoint, readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import { Linear } from '../../src/nn/index.ts';
import { Rng } from '../../src/core/rng.ts';

const parts = { algo: 'ppo', envId: 'Catch-v0', config: { seed: 1 }, nets: { actor: new Linear(2, 3, new Rng(0)) } };

describe('checkpoint metadata', () => {
  it('round-trips the env kwargs', () => {
    const ckpt = buildCheckpoint({ ...parts, envKwargs: { obs: 'pixels', frameStack: 1 } });
    expect(ckpt.metadata.env_kwargs).toBe('{"obs":"pixels","frameStack":1}');
    expect(readCheckpointMeta(ckpt)).toMatchObject({ algo: 'ppo', envId: 'Catch-v0', envKwargs: { obs: 'pixels', frameStack: 1 } });
  });

  it('reads a checkpoint written without env kwargs as the env defaults', () => {
    const ckpt = buildCheckpoint(parts);
    expect(readCheckpointMeta(ckpt).envKwargs).toEqual({});
    delete ckpt.metadata.env_kwargs; // files written before the field existed
    expect(readCheckpointMeta(ckpt).envKwargs).toEqual({});
  });

  it.each([['[1,2]'], ['"pixels"'], ['null'], ['{obs:1}']])('refuses env_kwargs %s with the field named', (bad) => {
    const ckpt = buildCheckpoint(parts);
    ckpt.metadata.env_kwargs = bad;
    expect(() => readCheckpointMeta(ckpt)).toThrow(/env_kwargs/);
  });
});
