/**
 * The metadata every agent checkpoint carries, and how a loader reads it: env kwargs are saved so a
 * policy trained on `Catch-v0 {obs: 'pixels'}` meets that env again; files from before kwargs were
 * saved load with none (the env's defaults); a malformed field is refused with its name.
 */
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { buildCheckpoint, readCheckpointMeta } from '../../agents/common/checkpoint.ts';
import type { CheckpointPayload } from '../../agents/common/agent.ts';
import { parseField, resolveConfig } from '../../agents/common/config.ts';
import { ppo } from '../../agents/ppo.ts';
import { parseConfigFlags } from '../../src/cli/train.ts';
import { CheckpointError } from '../../src/core/errors.ts';
import { make } from '../../src/gym/registry.ts';
import { readSafetensorsFile } from '../../src/nn/safetensors-node.ts';
import '../../envs/index.ts';
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

// ── issue 24: checkpoints from strangers (items 1, 4, 5, 6) ──

const ZOO = join(__dirname, '..', '..', 'zoo', 'CartPole-v1.ppo.safetensors');

/** The zoo's CartPole PPO checkpoint with some metadata fields replaced (a crafted file, built here). */
function crafted(edit: (meta: Record<string, string>, config: Record<string, unknown>) => void): CheckpointPayload {
  const { tensors, metadata } = readSafetensorsFile(ZOO);
  const meta = { ...metadata };
  const config = JSON.parse(meta.config) as Record<string, unknown>;
  edit(meta, config);
  if (meta.config === metadata.config) meta.config = JSON.stringify(config);
  return { tensors, metadata: meta };
}

describe('issue 24 item 1: sizes from the metadata are checked against the stored tensors before anything is built', () => {
  const cartPole = make('CartPole-v1');
  it('the zoo checkpoint itself passes', () => {
    expect(() => ppo.loadPolicy(crafted(() => {}), cartPole.observationSpace, cartPole.actionSpace)).not.toThrow();
  });

  it.each([
    [[4000, 4000], /config "hiddenSizes" asks for a layer of width 4000, but no stored tensor has a dimension of 4000/],
    [[20000, 20000], /width 20000/],
    [[1024, 1024, 1024], /implies 2097152 weights between its layers alone, more than the file stores/],
    [new Array(65).fill(8), /lists 65 layers, over the limit of 64/],
    [[64, 0], /must hold positive integers, received 0/],
  ])('hiddenSizes %j is refused at once, by readCheckpointMeta and so by every loader', (sizes, message) => {
    const ckpt = crafted((_m, c) => (c.hiddenSizes = sizes));
    const t0 = performance.now();
    expect(() => readCheckpointMeta(ckpt)).toThrow(message);
    expect(() => ppo.loadPolicy(ckpt, cartPole.observationSpace, cartPole.actionSpace)).toThrow(CheckpointError);
    expect(performance.now() - t0).toBeLessThan(2_000);
  });

  it('a scalar width (lstmHidden 50000) and env copies (numEnvs 1e6) are refused too', () => {
    expect(() => readCheckpointMeta(crafted((_m, c) => (c.lstmHidden = 50_000)))).toThrow(/config "lstmHidden" asks for a layer of width 50000/);
    expect(() => readCheckpointMeta(crafted((_m, c) => (c.numEnvs = 1_000_000)))).toThrow(/config "numEnvs" asks for 1000000 env copies, over the limit of 1024/);
  });

  it('--hidden-sizes 0, -4, 1.5 and an empty item get a range message', () => {
    for (const raw of ['0', '-4', '1.5', '64,-4', '70000']) {
      const parsed = parseField('ppo', 'hiddenSizes', ppo.spec.hiddenSizes, raw);
      expect(() => resolveConfig('ppo', ppo.spec, { hiddenSizes: parsed })).toThrow(/config field "hiddenSizes" expects a list of layer sizes, each an integer from 1 to 65536, received \[/);
    }
    expect(() => parseField('ppo', 'hiddenSizes', ppo.spec.hiddenSizes, '64,,64')).toThrow(/--hidden-sizes expects comma-separated layer sizes like 64,64, received "64,,64"/);
    expect(parseField('ppo', 'hiddenSizes', ppo.spec.hiddenSizes, '')).toEqual([]);
  });
});

describe('issue 24 item 4: non-finite weights are refused naming the tensor', () => {
  it('a NaN weight', () => {
    const ckpt = crafted(() => {});
    const t = ckpt.tensors.get('actor.0.weight') as { data: Float32Array; shape: readonly number[] };
    const data = t.data.slice();
    data[3] = Number.NaN;
    ckpt.tensors.set('actor.0.weight', { data, shape: t.shape });
    expect(() => readCheckpointMeta(ckpt)).toThrow('checkpoint tensor "actor.0.weight" (shape [64, 4]) holds NaN at index 3; weights must be finite numbers');
  });
});

describe('issue 24 item 5: metadata of the wrong type says what was expected', () => {
  it.each([
    ['obs_norm', '"hello"', /metadata "obs_norm": Invalid input: expected object, received string; expected null or \{"mean": \[numbers\]/],
    ['obs_norm', '{"mean":[1,2],"var":[1],"count":1}', /"obs_norm": mean and var must have the same length/],
    ['trainer', '"x"', /metadata "trainer": Invalid input: expected object, received string; expected null or \{"iteration": integer/],
    ['trainer', '{"iteration":1e12,"globalStep":99840,"rng":[1,2,3,4,null]}', /metadata "trainer": iteration must not exceed globalStep/],
    ['trainer', '{"iteration":390,"globalStep":-5,"rng":[1,2,3,4,null]}', /metadata "trainer" at globalStep: Too small: expected number to be >=0.*received -5/],
    ['trainer', '{"iteration":1.5,"globalStep":5,"rng":[1,2,3,4,null]}', /"trainer" at iteration: .*expected int.*received 1.5/],
    ['trainer', '{"iteration":1,"globalStep":5,"rng":"x"}', /"trainer" at rng: .*expected tuple, received string/],
    ['trainer', '{"iteration":1,"globalStep":5,"rng":[1,2,3,4,null],"retNorm":7}', /"trainer" at retNorm: /],
    ['config', '[1]', /metadata "config": .*expected record, received array; expected a JSON object of config fields/],
    ['config', '{x', /metadata "config" is not valid JSON: expected a JSON object of config fields, received "\{x"/],
    ['optimizers', '{"adam":{"kind":"Adam","lr":"fast","steps":[],"slots":[]}}', /"optimizers" at adam.lr: .*expected number, received string/],
    ['algo', 'PPO; rm -rf', /metadata "algo" must be an algorithm name/],
  ])('%s = %s', (key, value, message) => {
    const ckpt = crafted((m) => (m[key] = value));
    expect(() => readCheckpointMeta(ckpt)).toThrow(CheckpointError);
    expect(() => readCheckpointMeta(ckpt)).toThrow(message);
  });

  it('a ppo checkpoint asked for as dqn says it is a ppo checkpoint', () => {
    expect(() => readCheckpointMeta(crafted(() => {}), 'dqn')).toThrow('this is a ppo checkpoint, not a dqn one: dqn cannot load or resume it (leave out --algo, or pass --algo ppo)');
  });

  it('a very long bad value is quoted short', () => {
    const ckpt = crafted((m) => (m.obs_norm = JSON.stringify({ mean: 'x'.repeat(100_000), var: [], count: 0 })));
    const err = (() => {
      try {
        readCheckpointMeta(ckpt);
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message.length).toBeLessThan(500);
  });
});

describe('issue 24 item 6: names of built-in properties are not config fields', () => {
  it.each([['constructor'], ['toString'], ['__proto__'], ['hasOwnProperty']])('%s in a config object (a config file, a checkpoint config)', (key) => {
    const overrides = JSON.parse(`{"${key}": {"polluted": 1}}`) as Record<string, unknown>;
    expect(() => resolveConfig('ppo', ppo.spec, overrides)).toThrow(`ppo: unknown config field "${key}"`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a flag named like a built-in (--to-string, --constructor, --__proto__)', () => {
    for (const flag of ['--to-string', '--constructor', '--__proto__', '--value-of']) {
      expect(() => parseConfigFlags('ppo', ppo.spec, [flag, 'x'])).toThrow(`train: unknown flag ${flag}`);
    }
  });

  it('env kwargs {"__proto__": …} and {"constructor": …}', () => {
    for (const text of ['{"__proto__":{"x":1}}', '{"constructor":{"x":1}}', '{"toString":"x"}']) {
      expect(() => make('CartPole-v1', { kwargs: JSON.parse(text) as Record<string, unknown> })).toThrow(/CartPole-v1: unknown kwarg "(__proto__|constructor|toString)"/);
    }
  });
});

describe('issue 24 items 3 and 5: a metadata value nested 100,000 deep', () => {
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  it('in the config is a CheckpointError, not a stack overflow', () => {
    const ckpt = crafted((m) => (m.config = m.config.replace('"hiddenSizes":[64,64]', `"hiddenSizes":${deep}`)));
    expect(() => readCheckpointMeta(ckpt)).toThrow(/checkpoint metadata "config" nests deeper than 8 levels: expected a JSON object of config fields/);
    const cartPole = make('CartPole-v1');
    expect(() => ppo.loadPolicy(ckpt, cartPole.observationSpace, cartPole.actionSpace)).toThrow(CheckpointError);
  });

  it('in a config file or flag value is a ConfigError', () => {
    expect(() => resolveConfig('ppo', ppo.spec, JSON.parse(`{"hiddenSizes":${deep}}`) as Record<string, unknown>)).toThrow(/config field "hiddenSizes" expects a list of layer sizes, each an integer from 1 to 65536, received \[\[\[\[\[…\]\]\]\]\]/);
  });
});
