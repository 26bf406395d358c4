/**
 * The deep-learning core against TensorFlow.js (CPU and WASM backends) in the same process, and
 * against PyTorch (one thread) when /usr/bin/python3 can import torch. Ours and each TF.js backend
 * alternate in rounds (bench/common.ts `interleavedMs`), so a busy machine slows both alike; each ratio is
 * the median over the rounds, printed with its min–max. Torch runs in its own process first.
 *
 *   npm run bench:nn [-- --json] [-- --quick] [-- --only mlp_ppo_b64,matmul_256] [-- --rounds 8]
 *
 * `--quick` skips the TF.js CPU CNN step, which takes minutes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Rng } from '../src/core/rng.ts';
import { mse, noGrad, randn } from '../src/autograd/index.ts';
import { gemm } from '../src/autograd/kernels/index.ts';
import { Activation, Conv2d, Flatten, Linear, Sequential, mlp, parameters } from '../src/nn/index.ts';
import { Adam } from '../src/optim/index.ts';
import { commitId, machine } from '../src/cli/provenance.ts';
import { interleavedMs, median, medianMs } from './common.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const json = args.includes('--json');
const quick = args.includes('--quick');
const onlyArg = args.indexOf('--only');
const only = onlyArg >= 0 ? new Set(args[onlyArg + 1].split(',')) : null;
const roundsArg = args.indexOf('--rounds');
/** Interleaved rounds per peer. */
const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 8;
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench nn: --rounds expects a positive integer, received ${JSON.stringify(args[roundsArg + 1])}`);

type Workload = {
  name: string;
  /** FLOPs per call, for GFLOP/s reporting (matmul only). */
  flops?: number;
  ours: () => () => void;
  tfjs: () => () => void;
  /** Whether TF.js CPU is too slow to time more than once. */
  slowCpu?: boolean;
};

function mlpWorkload(name: string, sizes: number[], act: 'tanh' | 'relu', batch: number): Workload {
  return {
    name,
    ours: () => {
      const rng = new Rng(1);
      const net = mlp(sizes, act, rng);
      const opt = new Adam(parameters(net), { lr: 3e-4 });
      const x = randn([batch, sizes[0]], rng), y = randn([batch, sizes[sizes.length - 1]], rng);
      return () => {
        opt.zeroGrad();
        mse(net.forward(x), y).backward();
        opt.step();
      };
    },
    tfjs: () => {
      const vars: tf.Variable[] = [];
      for (let i = 0; i + 1 < sizes.length; i++) {
        vars.push(tf.variable(tf.randomNormal([sizes[i], sizes[i + 1]], 0, 1 / Math.sqrt(sizes[i]))));
        vars.push(tf.variable(tf.zeros([sizes[i + 1]])));
      }
      const opt = tf.train.adam(3e-4);
      const x = tf.randomNormal([batch, sizes[0]]), y = tf.randomNormal([batch, sizes[sizes.length - 1]]);
      const f = (): tf.Scalar => {
        let h: tf.Tensor = x;
        for (let i = 0; i < vars.length; i += 2) {
          h = tf.add(tf.matMul(h, vars[i]), vars[i + 1]);
          if (i + 2 < vars.length) h = act === 'tanh' ? tf.tanh(h) : tf.relu(h);
        }
        return tf.losses.meanSquaredError(y, h) as tf.Scalar;
      };
      return () => {
        const cost = opt.minimize(f, true);
        cost?.dataSync();
        cost?.dispose();
      };
    },
  };
}

const workloads: Workload[] = [
  mlpWorkload('mlp_ppo_b64', [8, 64, 64, 4], 'tanh', 64),
  mlpWorkload('mlp_ppo_b2048', [8, 64, 64, 4], 'tanh', 2048),
  mlpWorkload('mlp_walker_b256', [24, 256, 256, 4], 'relu', 256),
  {
    name: 'act_latency',
    ours: () => {
      const rng = new Rng(1);
      const net = mlp([8, 64, 64, 4], 'tanh', rng);
      const obs = randn([1, 8], rng);
      return () => {
        noGrad(() => net.forward(obs));
      };
    },
    tfjs: () => {
      const w = [tf.randomNormal([8, 64]), tf.zeros([64]), tf.randomNormal([64, 64]), tf.zeros([64]), tf.randomNormal([64, 4]), tf.zeros([4])];
      const obs = tf.randomNormal([1, 8]);
      return () => {
        const out = tf.tidy(() => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(obs, w[0]), w[1])), w[2]), w[3])), w[4]), w[5]));
        out.dataSync();
        out.dispose();
      };
    },
  },
  {
    name: 'cnn_nature_b32',
    slowCpu: true,
    ours: () => {
      const rng = new Rng(1);
      const net = new Sequential(
        new Conv2d(4, 32, 8, rng, { stride: 4 }), new Activation('relu'),
        new Conv2d(32, 64, 4, rng, { stride: 2 }), new Activation('relu'),
        new Conv2d(64, 64, 3, rng, { stride: 1 }), new Activation('relu'),
        new Flatten(), new Linear(64 * 7 * 7, 512, rng), new Activation('relu'), new Linear(512, 6, rng),
      );
      const opt = new Adam(parameters(net), { lr: 1e-4 });
      const x = randn([32, 4, 84, 84], rng), y = randn([32, 6], rng);
      return () => {
        opt.zeroGrad();
        mse(net.forward(x), y).backward();
        opt.step();
      };
    },
    tfjs: () => {
      const v = (s: number[]) => tf.variable(tf.randomNormal(s, 0, 0.05));
      const w = [v([8, 8, 4, 32]), v([4, 4, 32, 64]), v([3, 3, 64, 64]), v([3136, 512]), v([512, 6])];
      const opt = tf.train.adam(1e-4);
      const x = tf.randomNormal([32, 84, 84, 4]) as tf.Tensor4D, y = tf.randomNormal([32, 6]);
      const f = (): tf.Scalar => {
        let h: tf.Tensor4D = tf.relu(tf.conv2d(x, w[0] as tf.Tensor4D, 4, 'valid'));
        h = tf.relu(tf.conv2d(h, w[1] as tf.Tensor4D, 2, 'valid'));
        h = tf.relu(tf.conv2d(h, w[2] as tf.Tensor4D, 1, 'valid'));
        const flat = tf.reshape(h, [32, 3136]);
        return tf.losses.meanSquaredError(y, tf.matMul(tf.relu(tf.matMul(flat, w[3])), w[4])) as tf.Scalar;
      };
      return () => {
        const cost = opt.minimize(f, true);
        cost?.dataSync();
        cost?.dispose();
      };
    },
  },
  ...[64, 256, 1024].map((n): Workload => ({
    name: `matmul_${n}`,
    flops: 2 * n * n * n,
    ours: () => {
      const rng = new Rng(1);
      const a = randn([n, n], rng).data, b = randn([n, n], rng).data, c = new Float32Array(n * n);
      return () => gemm(false, false, n, n, n, a, 0, b, 0, c, 0, 0);
    },
    tfjs: () => {
      const a = tf.randomNormal([n, n]), b = tf.randomNormal([n, n]);
      return () => {
        const c = tf.matMul(a, b);
        c.dataSync();
        c.dispose();
      };
    },
  })),
];

/** A peer timed against ours: its median ms per call, and peer/ours over the interleaved rounds. */
type PeerTiming = { ms: number; ratio: number; ratio_min: number; ratio_max: number; rounds: number };

type Row = {
  name: string; ours_ms: number; tfjs_cpu: PeerTiming | null; tfjs_wasm: PeerTiming | null; torch_ms: number | null;
  /** Median over rounds of (faster TF.js backend / ours), and its min and max over the rounds. */
  speedup: number | null; speedup_min: number | null; speedup_max: number | null;
  /** Torch runs in its own process, before ours: not interleaved. */
  speedup_vs_torch: number | null;
};

/**
 * One TF.js backend against ours, alternating in rounds (`interleavedMs`); `oursMs` collects our round
 * times. TF.js CPU's CNN step takes most of a minute: it is timed once, between two timings of ours.
 */
async function timeTfjs(w: Workload, backend: 'cpu' | 'wasm', ours: () => void, oursMs: number[]): Promise<PeerTiming | null> {
  await tf.setBackend(backend);
  await tf.ready();
  try {
    const fn = w.tfjs();
    if (backend === 'cpu' && w.slowCpu) {
      if (quick) return null;
      const before = await medianMs(ours, { budgetMs: 1000, minSamples: 3 });
      const t = await medianMs(fn, { once: true });
      const after = await medianMs(ours, { budgetMs: 1000, minSamples: 3 });
      oursMs.push(before, after);
      return { ms: t, ratio: t / median([before, after]), ratio_min: t / Math.max(before, after), ratio_max: t / Math.min(before, after), rounds: 1 };
    }
    const slow = w.name.startsWith('cnn');
    const r = await interleavedMs(ours, fn, { rounds, roundBudgetMs: slow ? 1000 : 250 });
    oursMs.push(...r.ours);
    return { ms: median(r.peer), ratio: median(r.ratios), ratio_min: Math.min(...r.ratios), ratio_max: Math.max(...r.ratios), rounds };
  } catch (err) {
    if (!json) console.error(`  tfjs-${backend} cannot run ${w.name}: ${(err as Error).message.split('\n')[0]}`);
    return null;
  } finally {
    tf.disposeVariables();
  }
}

function torchTimes(names: string[]): Record<string, number> {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return {};
  const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' });
  if (probe.status !== 0) return {};
  // one thread means one BLAS thread too: OpenBLAS's own pool otherwise fights torch's (measured 3× slower)
  const r = spawnSync(python, [join(here, 'torch_nn.py'), names.join(',')], { encoding: 'utf8', maxBuffer: 1 << 20, env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) {
    if (!json) console.error(`torch bench failed: ${r.stderr.split('\n').slice(-3).join(' ')}`);
    return {};
  }
  return JSON.parse(r.stdout) as Record<string, number>;
}

async function main(): Promise<void> {
  setWasmPaths(join(here, '..', 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + '/');
  const selected = workloads.filter((w) => only === null || only.has(w.name));
  const torch = torchTimes(selected.map((w) => w.name));
  const rows: Row[] = [];
  if (!json) console.log(`commit ${commitId()} · ${machine()}`);
  if (!json) console.log(`ours and each TF.js backend alternate in ${rounds} rounds; ratios are peer/ours: the median [min–max over rounds]`);
  for (const w of selected) {
    const ours = w.ours();
    const oursMs: number[] = [];
    const cpu = await timeTfjs(w, 'cpu', ours, oursMs);
    const wasm = await timeTfjs(w, 'wasm', ours, oursMs);
    const oursMedian = oursMs.length > 0 ? median(oursMs) : await medianMs(ours);
    const best = [cpu, wasm].filter((p): p is PeerTiming => p !== null).sort((a, b) => a.ms - b.ms)[0];
    const t = torch[w.name] ?? null;
    const row: Row = {
      name: w.name, ours_ms: oursMedian, tfjs_cpu: cpu, tfjs_wasm: wasm, torch_ms: t,
      speedup: best?.ratio ?? null, speedup_min: best?.ratio_min ?? null, speedup_max: best?.ratio_max ?? null,
      speedup_vs_torch: t !== null ? t / oursMedian : null,
    };
    rows.push(row);
    if (!json) {
      const f = (v: number | null): string => (v === null ? '—' : v < 1 ? `${(v * 1000).toFixed(1)} µs` : `${v.toFixed(2)} ms`);
      const peer = (p: PeerTiming | null): string => (p === null ? '—' : `${f(p.ms)} (${p.ratio.toFixed(2)}× [${p.ratio_min.toFixed(2)}–${p.ratio_max.toFixed(2)}])`);
      const gf = w.flops !== undefined ? ` (${(w.flops / oursMedian / 1e6).toFixed(1)} GFLOP/s)` : '';
      console.log(`${w.name.padEnd(16)} ours ${f(oursMedian)}${gf} · tfjs-cpu ${peer(cpu)} · tfjs-wasm ${peer(wasm)} · torch ${f(t)} (vs torch ${row.speedup_vs_torch?.toFixed(2) ?? '—'}×, not interleaved)`);
    }
  }
  if (json) console.log(JSON.stringify({ commit: commitId(), machine: machine(), workloads: rows }));
}

await main();
