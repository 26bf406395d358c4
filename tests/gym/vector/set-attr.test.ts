/**
 * `VectorEnv.setAttr` (Gymnasium's `set_attr`): it reaches every copy, in this thread and on worker threads
 * (with and without the shared step channel), and a misspelt name or a value of the wrong type is an error
 * naming the copy instead of a new field.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../../envs/index.ts';
import { makeSyncVec, makeVec } from '../../../src/gym/registry.ts';
import { VectorEnvError, type VectorEnv } from '../../../src/gym/vector/vector-env.ts';
import { recordVectorEpisodeStatistics } from '../../../src/gym/vector/record-episode-statistics.ts';

const open: VectorEnv[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((v) => v.close()));
});

/** Twelve steps of four walker copies with fixed actions: the rewards, copy-major. */
async function rewards(vec: VectorEnv): Promise<number[]> {
  await vec.reset({ seed: 5 });
  const out: number[] = [];
  const actions = new Float32Array(vec.numEnvs * 8).map((_, k) => ((k * 7) % 11) / 11 - 0.5);
  for (let t = 0; t < 12; t++) out.push(...(await vec.step(actions)).rewards);
  return out;
}

const kinds = [
  ['in this thread', (): Promise<VectorEnv> => Promise.resolve(makeSyncVec('AmpFootWalker-v0', 4))],
  ['on 2 workers, shared memory', (): Promise<VectorEnv> => makeVec('AmpFootWalker-v0', 4, { workers: 2, sharedMemory: true })],
  ['on 2 workers, messages', (): Promise<VectorEnv> => makeVec('AmpFootWalker-v0', 4, { workers: 2, sharedMemory: false })],
] as const;

describe.each(kinds)('setAttr %s', (_name, create) => {
  it('sets the attribute on every copy, and the copies step with it', async () => {
    const vec = recordVectorEpisodeStatistics(await create());
    open.push(vec);
    const task = await rewards(vec);
    await vec.setAttr('energyCostWeight', 0);
    const free = await rewards(vec);
    await vec.setAttr('energyCostWeight', 0.01);
    await vec.setAttr('curriculumProgress', 0);
    const curriculumStart = await rewards(vec);
    await vec.setAttr('curriculumProgress', 1);
    expect(await rewards(vec)).toEqual(task);
    expect(curriculumStart).toEqual(free);
    // every copy's energy became free: each reward rose by its step's energy cost
    expect(free.every((r, k) => r > task[k])).toBe(true);
  });

  // on workers an error ends the vector env (as a step's does), so each bad call gets fresh copies; the first
  // copy of whichever worker answers first is named
  it.each([
    ['energyCostWieght', 0, /^AmpFootWalker-v0: copy [02]: setAttr\("energyCostWieght", 0\): expected an existing number attribute of the env, and AmpFootWalker has no such attribute( \[in worker [01]\])?$/],
    ['energyCostWeight', 'none', /expected an existing string attribute of the env, and AmpFootWalker has it as a number/],
    ['energyCostWeight', true, /expected an existing boolean attribute.*has it as a number/],
    ['step', 1, /has it as a function/],
  ] as const)('refuses setAttr(%j, %j), naming the copy', async (name, value, message) => {
    const vec = await create();
    open.push(vec);
    await vec.reset({ seed: 1 });
    const failed = vec.setAttr(name, value);
    await expect(failed).rejects.toThrow(VectorEnvError);
    await expect(failed).rejects.toThrow(message);
  });
});

describe('setAttr and group steps', () => {
  it('is refused while a group step is in flight', async () => {
    const vec = await makeVec('AmpFootWalker-v0', 4, { workers: 2 });
    open.push(vec);
    await vec.reset({ seed: 1 });
    vec.stepAsync(0, new Float32Array(2 * 8));
    await expect(vec.setAttr('energyCostWeight', 0)).rejects.toThrow(/busy/);
    await vec.stepWait(0);
    await vec.setAttr('energyCostWeight', 0);
  });
});
