/**
 * Microbenchmark of the compute kernels: GFLOP/s of gemmRef (reference loops), gemmJs (tight JS)
 * and gemm (dispatch: wasm SIMD above a tiny size) at the shapes our workloads run, for every
 * transpose combination, plus im2col/col2im on the Nature-DQN layers. Finishes in under a minute.
 *
 *   npx tsx bench/kernels.ts [--quick]
 *
 * Times are medians of batches of calls (each batch ≥ 10 ms), so µs-sized calls are measured
 * without timer noise. The JS column stops at 256³ multiply-adds (one call takes seconds beyond);
 * `--quick` also skips the reference column and shrinks the JS one.
 */
import { Rng } from '../src/core/rng.ts';
import {
  col2im, convOutputSize, gemm, gemmJs, gemmRef, im2col, kernelInfo,
} from '../src/autograd/kernels/index.ts';
import type { Conv2dGeometry, GemmFn } from '../src/autograd/kernels/index.ts';
import { commitId, machine } from '../src/cli/provenance.ts';

const quick = process.argv.includes('--quick');
const rng = new Rng(1);

/** Median seconds per call of `fn`, from batches of at least 10 ms, within about `budgetMs`. */
function secondsPerCall(fn: () => void, budgetMs: number): number {
  const start = performance.now();
  let calls = 0;
  while (calls < 3 || (performance.now() - start < budgetMs / 5 && calls < 200)) {
    fn();
    calls++;
  }
  const perBatch = Math.max(1, Math.ceil((10 * calls) / (performance.now() - start)));
  const samples: number[] = [];
  const begin = performance.now();
  while (samples.length < 3 || (performance.now() - begin < budgetMs && samples.length < 15)) {
    const t0 = performance.now();
    for (let i = 0; i < perBatch; i++) fn();
    samples.push((performance.now() - t0) / perBatch / 1000);
  }
  samples.sort((x, y) => x - y);
  return samples[Math.floor(samples.length / 2)];
}

function randomArray(length: number): Float32Array {
  const x = new Float32Array(length);
  for (let i = 0; i < length; i++) x[i] = rng.uniform(-1, 1);
  return x;
}

/** GFLOP/s of one GEMM implementation at one shape and transpose combination. */
function gemmGflops(fn: GemmFn, transA: boolean, transB: boolean, m: number, n: number, k: number, budgetMs: number): number {
  const a = randomArray(m * k);
  const b = randomArray(k * n);
  const c = new Float32Array(m * n);
  const s = secondsPerCall(() => fn(transA, transB, m, n, k, a, 0, b, 0, c, 0, 1), budgetMs);
  return (2 * m * n * k) / s / 1e9;
}

const cell = (x: number | null): string => (x === null ? '—' : x.toFixed(x < 10 ? 2 : 1)).padStart(7);

function row(label: string, transA: boolean, transB: boolean, m: number, n: number, k: number, withRef: boolean): void {
  const macs = m * n * k;
  const ref = withRef ? gemmGflops(gemmRef, transA, transB, m, n, k, 80) : null;
  const js = macs <= (quick ? 2 ** 18 : 2 ** 24) ? gemmGflops(gemmJs, transA, transB, m, n, k, 80) : null;
  const ours = gemmGflops(gemm, transA, transB, m, n, k, macs > 2e8 ? 600 : 200);
  const op = `${transA ? 'Aᵀ' : 'A'}·${transB ? 'Bᵀ' : 'B'}`;
  const speedup = ref === null ? '' : `${(ours / ref).toFixed(0)}×`.padStart(6);
  console.log(`${label.padEnd(22)} ${`${m}×${k}·${k}×${n}`.padEnd(20)} ${op.padEnd(6)} ${cell(ref)} ${cell(js)} ${cell(ours)} ${speedup}`);
}

function header(title: string): void {
  console.log(`\n${title}`);
  console.log(`${'workload'.padEnd(22)} ${'(m×k)·(k×n)'.padEnd(20)} ${'op'.padEnd(6)} ${'ref'.padStart(7)} ${'js'.padStart(7)} ${'gemm'.padStart(7)}  gemm/ref   (GFLOP/s)`);
}

console.log(`bench/kernels  commit ${commitId()}  ${machine()}`);
console.log(`backend ${kernelInfo.backend}, micro-kernel ${kernelInfo.microKernel}, JS below ${kernelInfo.smallGemmMacs} MACs`);
// Let V8 tier every wasm function up to TurboFan before anything is timed.
gemmGflops(gemm, false, false, 256, 256, 256, 200);
gemmGflops(gemm, true, true, 100, 100, 100, 100);

const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]] as const;
header('matmul_N (square), every transpose combination');
for (const size of [64, 256, 1024]) {
  for (const [transA, transB] of TRANSPOSES) row(`matmul_${size}`, transA, transB, size, size, size, size <= 256 && !quick);
}

header('MLP layers (batch, in → out): forward x·Wᵀ, dX = dY·W, dW = dYᵀ·X; W is [out, in]');
const layers: [string, number, number, number][] = [
  ['act_latency 8→64', 1, 8, 64],
  ['act_latency 64→64', 1, 64, 64],
  ['ppo_b64 8→64', 64, 8, 64],
  ['ppo_b64 64→64', 64, 64, 64],
  ['ppo_b64 64→4', 64, 64, 4],
  ['ppo_b2048 8→64', 2048, 8, 64],
  ['ppo_b2048 64→64', 2048, 64, 64],
  ['walker 24→256', 256, 24, 256],
  ['walker 256→256', 256, 256, 256],
  ['walker 256→4', 256, 256, 4],
];
for (const [label, batch, inF, outF] of layers) {
  const withRef = !quick && batch * inF * outF <= 2 ** 22;
  row(`${label} fwd`, false, true, batch, outF, inF, withRef);
  if (batch > 1) {
    row(`${label} dX`, false, false, batch, inF, outF, withRef);
    row(`${label} dW`, true, false, outF, inF, batch, withRef);
  }
}

header('Nature-DQN CNN as im2col + GEMM, batch 32 (forward W·col, dW = dY·colᵀ, dcol = Wᵀ·dY)');
const convs: [string, Conv2dGeometry, number][] = [
  ['conv1 32@8×8/4', geometry(32, 4, 84, 8, 4), 32],
  ['conv2 64@4×4/2', geometry(32, 32, 20, 4, 2), 64],
  ['conv3 64@3×3/1', geometry(32, 64, 9, 3, 1), 64],
];
for (const [label, g, o] of convs) {
  const ckk = g.c * g.kh * g.kw;
  const np = g.n * g.oh * g.ow;
  row(`${label} fwd`, false, false, o, np, ckk, false);
  row(`${label} dW`, false, true, o, ckk, np, false);
  row(`${label} dcol`, true, false, ckk, np, o, false);
}
row('fc 3136→512 fwd', false, true, 32, 512, 3136, false);
row('fc 3136→512 dW', true, false, 512, 3136, 32, false);

console.log('\nim2col / col2im, batch 32 (ms per call; GB/s of col written/read)');
for (const [label, g] of convs) {
  const x = randomArray(g.n * g.c * g.h * g.w);
  const col = new Float32Array(g.c * g.kh * g.kw * g.n * g.oh * g.ow);
  const dx = new Float32Array(x.length);
  const t1 = secondsPerCall(() => im2col(x, g, col), 300);
  const t2 = secondsPerCall(() => col2im(col, g, dx), 300);
  const gb = (col.length * 4) / 1e9;
  console.log(`${label.padEnd(22)} im2col ${(t1 * 1e3).toFixed(2).padStart(6)} ms (${(gb / t1).toFixed(1)} GB/s)   col2im ${(t2 * 1e3).toFixed(2).padStart(6)} ms (${(gb / t2).toFixed(1)} GB/s)`);
}

function geometry(n: number, c: number, hw: number, kernel: number, stride: number): Conv2dGeometry {
  const o = convOutputSize(hw, kernel, stride, 0);
  return { n, c, h: hw, w: hw, kh: kernel, kw: kernel, stride, padding: 0, oh: o, ow: o };
}
