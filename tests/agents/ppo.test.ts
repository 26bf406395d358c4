import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ppo, ppoSpec } from '../../agents/ppo.ts';
import { resolveConfig } from '../../agents/common/config.ts';
import { computeGae } from '../../agents/common/gae.ts';
import { withoutTiming, type Metrics } from '../../src/core/metrics.ts';
import { NonFiniteError } from '../../src/core/errors.ts';
import { encodeSafetensors, decodeSafetensors } from '../../src/nn/safetensors.ts';
import { box } from '../../src/gym/spaces.ts';
import { runContext } from '../../src/cli/run-context.ts';
import { evaluatePolicy } from '../../src/cli/eval.ts';
import { IdentityEnv, IdentityBoxEnv, MirrorIdentityEnv, BanditEnv, PairIdentityEnv, toyContext, expectSameActions, firstCheckpoint } from './toy-envs.ts';
import type { RunContext } from '../../agents/common/agent.ts';
import { SyncVectorEnv } from '../../src/gym/vector/sync-vector-env.ts';
import { transformObservation } from '../../src/gym/wrappers/observation.ts';
import type { Env } from '../../src/gym/env.ts';
import { setPooling } from '../../src/autograd/alloc.ts';

const cfgOf = (o: Record<string, unknown>) => resolveConfig('ppo', ppoSpec, o);

/** CartPole-v1 observing only cart position and pole angle: a POMDP that needs memory. */
function noVelocityContext(): RunContext {
  const base = runContext('CartPole-v1');
  const space = box([-4.8, -0.42], [4.8, 0.42]);
  const makeEnv = (): Env => transformObservation(base.makeEnv() as Env<Float32Array, number>, (o: Float32Array) => Float32Array.of(o[0], o[2]), space) as Env;
  return { envId: 'CartPole-v1 (velocities hidden)', makeEnv, makeVec: async (n) => new SyncVectorEnv(Array.from({ length: n }, makeEnv)) };
}

async function collect(cfg: Record<string, unknown>, ctx: RunContext): Promise<Metrics[]> {
  const run = ppo.createRun(cfgOf(cfg), ctx);
  const rows: Metrics[] = [];
  for await (const row of run.iterations) rows.push(row);
  await run.close();
  return rows;
}

describe('PPO', () => {
  it('runs on CartPole with CleanRL metric keys and no NaN', async () => {
    const rows = await collect({ totalTimesteps: 1024, numSteps: 128 }, runContext('CartPole-v1'));
    expect(rows.length).toBe(2);
    for (const key of ['global_step', 'losses/value_loss', 'losses/policy_loss', 'losses/entropy', 'losses/approx_kl', 'losses/clipfrac', 'charts/SPS', 'charts/learning_rate', 'grads/actor.0', 'grads/critic.4']) {
      expect(rows[1][key], key).toBeTypeOf('number');
      expect(Number.isFinite(rows[1][key]), key).toBe(true);
    }
    expect(rows[1].global_step).toBe(1024);
  });

  it('learns a bandit', async () => {
    const ctx = toyContext('Test/Bandit-v0', () => new BanditEnv());
    const rows = await collect({ totalTimesteps: 3000, numEnvs: 4, numSteps: 32, learningRate: 0.01, entCoef: 0 }, ctx);
    expect(rows[rows.length - 1]['charts/episodic_return']).toBeGreaterThan(0.95);
  });

  it('learns CartPole: a short run with the tuned config clears a lower bar', async () => {
    const tuned = JSON.parse(readFileSync(join(__dirname, '..', '..', 'agents', 'configs', 'ppo-CartPole-v1.json'), 'utf8')) as Record<string, unknown>;
    const ctx = runContext('CartPole-v1');
    const run = ppo.createRun(cfgOf({ ...tuned, totalTimesteps: 40_000, seed: 1 }), ctx);
    for await (const _ of run.iterations);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 100);
    expect(returns.reduce((a, b) => a + b, 0) / 10).toBeGreaterThanOrEqual(100); // measured: 121.8
  }, 120_000);

  it('learns the identity task (discrete)', async () => {
    const ctx = toyContext('Test/Identity-v0', () => new IdentityEnv(4, 10));
    const run = ppo.createRun(cfgOf({ totalTimesteps: 20_000, numEnvs: 4, numSteps: 64, learningRate: 3e-3, entCoef: 0 }), ctx);
    for await (const _ of run.iterations);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(Math.min(...returns)).toBeGreaterThanOrEqual(9);
  });

  it('learns the identity task with Box actions (diagonal Gaussian)', async () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const rows = await collect({ totalTimesteps: 30_000, numEnvs: 4, numSteps: 64, learningRate: 3e-3, entCoef: 0 }, ctx);
    const first = rows[0]['charts/episodic_return'], last = rows[rows.length - 1]['charts/episodic_return'];
    expect(last).toBeGreaterThan(first + 2);
    expect(last).toBeGreaterThan(-2.5);
  });

  it('starts the Gaussian policy at std exp(logStdInit), and its first entropy follows', async () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    const small = { totalTimesteps: 256, numEnvs: 4, numSteps: 64, learningRate: 1e-9, entCoef: 0 };
    const run = ppo.createRun(cfgOf({ ...small, logStdInit: -1 }), ctx);
    const logStd = [...run.checkpoint().tensors].filter(([name]) => name.endsWith('logStd'));
    expect(logStd.length).toBe(1);
    expect(Array.from(logStd[0][1].data)).toEqual([-1]);
    await run.close();
    // entropy of N(μ, σ²) is ½·ln(2πe) + ln σ per dimension
    const [wide] = await collect(small, ctx);
    const [narrow] = await collect({ ...small, logStdInit: -1 }, ctx);
    expect(wide['losses/entropy']).toBeCloseTo(0.5 * Math.log(2 * Math.PI * Math.E), 4);
    expect(narrow['losses/entropy']).toBeCloseTo(0.5 * Math.log(2 * Math.PI * Math.E) - 1, 4);
  });

  it('caps the Gaussian std with stdFinal: flat until stdDecayStart, then falling log-linearly to stdFinal; the std never exceeds it', async () => {
    const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    // 8 iterations of 256 steps; the cap falls from exp(0) over steps 512..2048. A large entropy bonus pushes the
    // learned std up, so only the cap holds it down.
    const base = { totalTimesteps: 2048, numEnvs: 4, numSteps: 64, learningRate: 3e-2, entCoef: 1 };
    const stdAfter = async (cfg: Record<string, unknown>): Promise<{ rows: Metrics[]; stds: number[] }> => {
      const run = ppo.createRun(cfgOf(cfg), ctx);
      const rows: Metrics[] = [], stds: number[] = [];
      for await (const row of run.iterations) {
        rows.push(row);
        stds.push(Math.exp([...run.checkpoint().tensors].find(([name]) => name.endsWith('logStd'))![1].data[0]));
      }
      await run.close();
      return { rows, stds };
    };
    const capped = await stdAfter({ ...base, stdFinal: 0.25, stdDecayStart: 512 });
    // the cap in force for iteration k was set at step 256·k (k from 0)
    const expected = capped.rows.map((_, k) => Math.exp(Math.min(1, Math.max(0, (256 * k - 512) / 1536)) * Math.log(0.25)));
    expect(capped.rows.map((r) => r['charts/std_cap'])).toEqual(expected.map((c) => expect.closeTo(c, 6)));
    expect(capped.stds).toEqual(expected.map((c) => expect.closeTo(c, 5))); // the bonus keeps it at the cap
    // without the cap, the same bonus drives the std far above 1
    const free = await stdAfter(base);
    expect(free.rows.some((r) => 'charts/std_cap' in r)).toBe(false);
    expect(Math.min(...free.stds)).toBeGreaterThan(1.2);
  });

  it('explores with colored noise under noiseColor: each copy\'s actions correlate over time as the noise does', async () => {
    // one observation forever, so the policy's mean is one number per iteration and the actions' wiggle is the noise
    const taken: number[][] = [];
    class Still extends IdentityBoxEnv {
      readonly copy = taken.push([]) - 1;
      override reset(opts: { seed?: number } = {}) { super.reset(opts); return { obs: new Float32Array(1), info: {} }; }
      override step(action: Float32Array) { taken[this.copy].push(action[0]); const r = super.step(action); return { ...r, obs: new Float32Array(1) }; }
    }
    const lag1 = async (noiseColor: number): Promise<number> => {
      taken.length = 0;
      // σ = e^-3 keeps the actions inside the Box, so nothing is clipped; 2 iterations of 4 copies × 512 steps
      await collect({ totalTimesteps: 4096, numEnvs: 4, numSteps: 512, learningRate: 1e-9, logStdInit: -3, noiseColor }, toyContext('Test/Still-v0', () => new Still(1, 10_000)));
      let ss = 0, cross = 0;
      for (const xs of taken) {
        const first = xs.slice(0, 512); // the first iteration: one mean
        const mean = first.reduce((a, b) => a + b, 0) / first.length;
        for (let t = 0; t < first.length; t++) {
          ss += (first[t] - mean) ** 2;
          if (t > 0) cross += (first[t] - mean) * (first[t - 1] - mean);
        }
      }
      return cross / ss;
    };
    expect(await lag1(0)).toBeCloseTo(0, 1);
    expect(await lag1(0.5)).toBeCloseTo(0.33, 1); // d / (1 − d) with d = β / 2
    expect(await lag1(1)).toBeGreaterThan(0.6);
    expect(() => ppo.createRun(cfgOf({ noiseColor: 0.5 }), runContext('CartPole-v1'))).toThrow(/noiseColor 0\.5 colors a Gaussian policy's noise, and this env's actions are discrete/);
  });

  it('smooths the policy\'s mean over time with smoothCoef, and only within episodes', async () => {
    // IdentityBox's target jumps every step and is observed: tracking it is rewarded, and it is as unsmooth as can be
    const base = { totalTimesteps: 12_288, numEnvs: 4, numSteps: 64, learningRate: 3e-3, entCoef: 0 };
    const jumps = async (smoothCoef: number): Promise<{ rows: Metrics[]; jump: number }> => {
      const ctx = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
      const run = ppo.createRun(cfgOf({ ...base, smoothCoef }), ctx);
      const rows: Metrics[] = [];
      for await (const row of run.iterations) rows.push(row);
      let jump = 0, prev = 0;
      for (let k = 0; k <= 200; k++) {
        const a = (run.policy.act(Float32Array.of(Math.sin(k * 2.4)), { deterministic: true }) as Float32Array)[0];
        if (k > 0) jump += Math.abs(a - prev) / 200;
        prev = a;
      }
      await run.close();
      return { rows, jump };
    };
    const free = await jumps(0), smooth = await jumps(3);
    expect(free.rows.some((r) => 'losses/smoothness' in r)).toBe(false);
    expect(smooth.rows.every((r) => r['losses/smoothness'] >= 0)).toBe(true);
    expect(smooth.rows[smooth.rows.length - 1]['losses/smoothness']).toBeLessThan(smooth.rows[0]['losses/smoothness'] + 0.05);
    expect(free.jump).toBeGreaterThan(0.5); // it tracks the observation
    expect(smooth.jump).toBeLessThan(free.jump / 3);
    // one-step episodes: no step has a next one in its episode, so the loss never enters and the run is the same
    const oneStep = { ...base, totalTimesteps: 1024 };
    const ctx1 = () => toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 1));
    const [a, b] = [await collect(oneStep, ctx1()), await collect({ ...oneStep, smoothCoef: 3 }, ctx1())];
    expect(b.map((r) => r['losses/smoothness'])).toEqual(b.map(() => 0));
    const drop = ({ 'losses/smoothness': _, ...rest }: Metrics) => withoutTiming(rest);
    expect(b.map(drop)).toEqual(a.map(drop));
    expect(() => ppo.createRun(cfgOf({ smoothCoef: 1 }), runContext('CartPole-v1'))).toThrow(/smoothCoef 1 smooths the mean of a feed-forward Gaussian policy, and this run's is discrete \(actions\)/);
    expect(() => ppo.createRun(cfgOf({ smoothCoef: 1, recurrent: true }), toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10)))).toThrow(/this run's is recurrent/);
  });

  it('makes the policy mirror-symmetric with mirrorCoef, as the env declares it', async () => {
    // only action 0 is rewarded (tracking target 0); the mirror loss alone can teach action 1 to track target 1
    const base = { totalTimesteps: 16_384, numEnvs: 4, numSteps: 64, learningRate: 3e-3, entCoef: 0, normObs: true };
    const track = async (mirrorCoef: number): Promise<{ rows: Metrics[]; err0: number; err1: number }> => {
      const run = ppo.createRun(cfgOf({ ...base, mirrorCoef }), toyContext('Test/MirrorIdentity-v0', () => new MirrorIdentityEnv()));
      const rows: Metrics[] = [];
      for await (const row of run.iterations) rows.push(row);
      let err0 = 0, err1 = 0;
      for (let k = 0; k < 200; k++) {
        const o = Float32Array.of(Math.sin(k * 2.4), Math.cos(k * 1.7));
        const a = run.policy.act(o, { deterministic: true }) as Float32Array;
        err0 += Math.abs(Math.max(-1, Math.min(1, a[0])) - o[0]) / 200;
        err1 += Math.abs(Math.max(-1, Math.min(1, a[1])) - o[1]) / 200;
      }
      await run.close();
      return { rows, err0, err1 };
    };
    const free = await track(0), sym = await track(1);
    expect(free.rows.some((r) => 'losses/mirror' in r)).toBe(false);
    expect(sym.rows.every((r) => r['losses/mirror'] >= 0)).toBe(true);
    expect(sym.rows[sym.rows.length - 1]['losses/mirror']).toBeLessThan(sym.rows[0]['losses/mirror']);
    expect(free.err0).toBeLessThan(0.25); // both learn the rewarded action
    expect(sym.err0).toBeLessThan(0.25);
    expect(free.err1).toBeGreaterThan(0.4); // without the loss, nothing teaches action 1
    expect(sym.err1).toBeLessThan(0.25);
  });

  it('refuses mirrorCoef without a declared mirror, with a wrong one, and on policies it cannot mirror', () => {
    const box1 = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    expect(() => ppo.createRun(cfgOf({ mirrorCoef: 1 }), box1)).toThrow(/mirrorCoef needs the env's mirror symmetry .*Test\/IdentityBox-v0 declares none/);
    const wrong = toyContext('Test/MirrorIdentity-v0', () => new MirrorIdentityEnv({ obs: [1, 0, 2], act: [1, 0] }));
    expect(() => ppo.createRun(cfgOf({ mirrorCoef: 1 }), wrong)).toThrow(/Test\/MirrorIdentity-v0's mirror\.obs must list 2 indices \(the flat observation's size\), received 3/);
    const notInverse = toyContext('Test/MirrorIdentity-v0', () => new MirrorIdentityEnv({ obs: [1, 0], act: [0, 0] }));
    expect(() => ppo.createRun(cfgOf({ mirrorCoef: 1 }), notInverse)).toThrow(/mirror\.act must name each index once \(a permutation\), and 0 appears twice/);
    expect(() => ppo.createRun(cfgOf({ mirrorCoef: 1 }), runContext('CartPole-v1'))).toThrow(/mirrorCoef 1 mirrors the mean of a feed-forward Gaussian policy, and this run's is discrete \(actions\)/);
    const sym = toyContext('Test/MirrorIdentity-v0', () => new MirrorIdentityEnv());
    expect(() => ppo.createRun(cfgOf({ mirrorCoef: 1, recurrent: true }), sym)).toThrow(/this run's is recurrent/);
  });

  it('refuses stdFinal above the initial std, and on discrete actions', () => {
    const box1 = toyContext('Test/IdentityBox-v0', () => new IdentityBoxEnv(1, 10));
    expect(() => ppo.createRun(cfgOf({ stdFinal: 0.5, logStdInit: -1 }), box1)).toThrow(/stdFinal \(0\.5\) must be at most the initial std exp\(logStdInit\) = 0\.3679/);
    expect(() => ppo.createRun(cfgOf({ stdFinal: 0.5 }), runContext('CartPole-v1'))).toThrow(/stdFinal 0\.5 caps a Gaussian policy's std, and this env's actions are discrete/);
  });

  it('learns with MultiDiscrete actions (two identity tasks at once)', async () => {
    const ctx = toyContext('Test/PairIdentity-v0', () => new PairIdentityEnv() as unknown as Env);
    const run = ppo.createRun(cfgOf({ totalTimesteps: 20_000, numEnvs: 4, numSteps: 64, learningRate: 3e-3, entCoef: 0 }), ctx);
    for await (const _ of run.iterations);
    const { returns } = evaluatePolicy(run.policy, ctx.makeEnv, 10, 0);
    expect(returns.reduce((a, b) => a + b, 0) / 10).toBeGreaterThanOrEqual(18);
  });

  it('cnn policies run on pixel observations, are deterministic and round-trip through a checkpoint', async () => {
    const ctx = runContext('Catch-v0', { kwargs: { obs: 'pixels', screenWidth: 20, screenHeight: 36 } });
    const cfg = { totalTimesteps: 256, numEnvs: 2, numSteps: 64, network: 'cnn', cnnChannels: [4, 8], cnnHidden: 16 };
    const run = ppo.createRun(cfgOf(cfg), ctx);
    const rows: Metrics[] = [];
    for await (const row of run.iterations) rows.push(row);
    await run.close();
    expect(rows.every((r) => Number.isFinite(r['losses/value_loss']) && Number.isFinite(r['losses/policy_loss']))).toBe(true);
    expect(Object.keys(rows[0]).some((k) => k.startsWith('grads/trunk.'))).toBe(true);
    expect((await collect(cfg, ctx)).map(withoutTiming)).toEqual(rows.map(withoutTiming));
    const back = decodeSafetensors(encodeSafetensors(run.checkpoint().tensors, run.checkpoint().metadata));
    const env = ctx.makeEnv();
    const policy = ppo.loadPolicy({ tensors: back.tensors, metadata: back.metadata }, env.observationSpace, env.actionSpace);
    expectSameActions(run.policy, policy, env, 30);
  });

  it('gives the same numbers with the update\'s graph freed into the pool as without the pool (mlp, box, LSTM, cnn)', async () => {
    const cases: [Record<string, unknown>, () => RunContext][] = [
      [{ totalTimesteps: 1024, numEnvs: 4, numSteps: 64, numMinibatches: 4, updateEpochs: 3, seed: 3 }, () => runContext('CartPole-v1')],
      [{ totalTimesteps: 1024, numEnvs: 2, numSteps: 128, numMinibatches: 4, updateEpochs: 2, seed: 4, normObs: true, normReward: true }, () => runContext('Pendulum-v1')],
      [{ totalTimesteps: 512, numEnvs: 4, numSteps: 32, numMinibatches: 2, recurrent: true, lstmHidden: 8, hiddenSizes: [8], seed: 2 }, noVelocityContext],
      [{ totalTimesteps: 256, numEnvs: 2, numSteps: 64, network: 'cnn', cnnChannels: [4, 8], cnnHidden: 16 }, () => runContext('Catch-v0', { kwargs: { obs: 'pixels', screenWidth: 20, screenHeight: 36 } })],
    ];
    for (const [cfg, ctx] of cases) {
      const pooled = (await collect(cfg, ctx())).map(withoutTiming);
      setPooling(false);
      try {
        expect((await collect(cfg, ctx())).map(withoutTiming)).toEqual(pooled);
      } finally {
        setPooling(true);
      }
    }
  });

  it('refuses a cnn on flat observations and on images too small for its layers, saying why', () => {
    expect(() => ppo.createRun(cfgOf({ network: 'cnn' }), runContext('CartPole-v1'))).toThrow(/image observations of shape \[H, W\].*\[4\]/);
    const tiny = runContext('Catch-v0', { kwargs: { obs: 'pixels', screenWidth: 8, screenHeight: 8 } });
    expect(() => ppo.createRun(cfgOf({ network: 'cnn' }), tiny)).toThrow(/8×8 image is too small for cnn layer 2/);
  });

  it('recurrent (LSTM) policies run, are deterministic and resume exactly', async () => {
    const cfg = { totalTimesteps: 1536, numEnvs: 4, numSteps: 32, numMinibatches: 2, recurrent: true, lstmHidden: 8, hiddenSizes: [8], checkpointFrequency: 4, seed: 2 };
    const whole = (await collect(cfg, noVelocityContext())).map(withoutTiming);
    expect(whole.length).toBe(12);
    expect((await collect(cfg, noVelocityContext())).map(withoutTiming)).toEqual(whole);
    const saved = await firstCheckpoint(ppo.createRun(cfgOf(cfg), noVelocityContext()));
    const resumed = (await collect(cfg, { ...noVelocityContext(), resume: saved })).map(withoutTiming);
    expect(resumed).toEqual(whole.slice(4));
  });

  it.runIf(process.env.SLOW === '1')('learns CartPole with its velocities hidden, with an LSTM policy', async () => {
    const rows = await collect({ totalTimesteps: 60_000, recurrent: true, numEnvs: 8, numSteps: 32, numMinibatches: 1, updateEpochs: 10, gaeLambda: 0.8, gamma: 0.98, learningRate: 1e-3, entCoef: 0 }, noVelocityContext());
    const late = rows.slice(-10).filter((r) => r['charts/episodes'] > 0);
    expect(late.reduce((s, r) => s + r['charts/episodic_return'], 0) / late.length).toBeGreaterThan(150);
  }, 600_000);

  it('a non-finite loss stops training with the step in the message', async () => {
    const ctx = runContext('CartPole-v1');
    await expect(collect({ totalTimesteps: 2048, learningRate: 1e30, maxGradNorm: 1e30 }, ctx)).rejects.toThrow(NonFiniteError);
    try {
      await collect({ totalTimesteps: 2048, learningRate: 1e30, maxGradNorm: 1e30 }, ctx);
    } catch (e) {
      expect((e as Error).message).toMatch(/global step \d+/);
    }
  });
});

describe('GAE', () => {
  it('matches a hand computation, stopping at episode ends', () => {
    // one env, three steps, episode ends after step 1
    const rewards = Float32Array.of(1, 2, 3), values = Float32Array.of(0.5, 1, 1.5), dones = Uint8Array.of(0, 1, 0);
    const { advantages, returns } = computeGae(rewards, values, dones, Float32Array.of(2), 3, 1, 0.9, 0.8);
    const d2 = 3 + 0.9 * 2 - 1.5; // last step bootstraps from nextValue
    const d1 = 2 - 1; // done: no bootstrap
    const d0 = 1 + 0.9 * 1 - 0.5;
    expect(advantages[2]).toBeCloseTo(d2, 5);
    expect(advantages[1]).toBeCloseTo(d1, 5);
    expect(advantages[0]).toBeCloseTo(d0 + 0.9 * 0.8 * d1, 5);
    expect(returns[0]).toBeCloseTo(advantages[0] + 0.5, 5);
  });
});

describe('ppo progress inside an iteration', () => {
  it('tells the run context where the update is: every epoch of every iteration, in order', async () => {
    const heard: Array<[number, number]> = [];
    const cfg = resolveConfig('ppo', ppoSpec, { totalTimesteps: 256, numEnvs: 2, numSteps: 64, updateEpochs: 3, numMinibatches: 2, seed: 1 });
    const run = ppo.createRun(cfg, { ...runContext('CartPole-v1'), onUpdateProgress: (done, total) => heard.push([done, total]) });
    for await (const row of run.iterations) expect(row.global_step).toBeGreaterThan(0);
    await run.close();
    expect(heard).toEqual([[0, 3], [1, 3], [2, 3], [0, 3], [1, 3], [2, 3]]);
  });
});
