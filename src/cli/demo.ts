/**
 * `npm start` until the browser view lands: a headless demo of the core. An MLP learns to
 * separate two interleaved spirals, with a live progress line, then draws the learned decision
 * regions in the terminal.
 */
import { SingleBar, Presets } from 'cli-progress';
import { Rng } from '../core/rng.ts';
import { Tensor, crossEntropy, noGrad } from '../autograd/index.ts';
import { mlp, parameters } from '../nn/index.ts';
import { Adam } from '../optim/index.ts';

/** Two interleaved spirals, `n` points, labels 0/1. */
function spirals(n: number, rng: Rng): { x: Tensor; labels: Int32Array } {
  const x = new Float32Array(n * 2), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2, t = (Math.floor(i / 2) / (n / 2)) * 3 * Math.PI + 0.5, r = t / (3 * Math.PI);
    const sign = cls === 0 ? 1 : -1;
    x[2 * i] = sign * r * Math.cos(t) + rng.normal(0, 0.01);
    x[2 * i + 1] = sign * r * Math.sin(t) + rng.normal(0, 0.01);
    labels[i] = cls;
  }
  return { x: new Tensor(x, [n, 2]), labels };
}

function accuracy(logits: Tensor, labels: Int32Array): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if ((logits.data[2 * i + 1] > logits.data[2 * i] ? 1 : 0) === labels[i]) right++;
  return right / labels.length;
}

function main(): void {
  const rng = new Rng(1);
  const { x, labels } = spirals(400, rng);
  const net = mlp([2, 64, 64, 2], 'tanh', rng, { init: 'xavierUniform', hiddenGain: 1 });
  const opt = new Adam(parameters(net), { lr: 0.01 });
  const steps = 2000;
  console.log('RL Dojo core demo: a 2-64-64-2 MLP learns two spirals with Adam (our own autograd, no ML framework).');
  const bar = new SingleBar({ format: 'training |{bar}| {value}/{total} steps · loss {loss} · accuracy {acc}% · {sps} steps/s', hideCursor: true, noTTYOutput: true, notTTYSchedule: 1000 }, Presets.shades_classic);
  bar.start(steps, 0, { loss: '—', acc: '—', sps: '—' });
  const t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    opt.zeroGrad();
    const logits = net.forward(x);
    const loss = crossEntropy(logits, labels);
    loss.backward();
    opt.step();
    if (step % 20 === 0 || step === steps) {
      const sps = (step / ((performance.now() - t0) / 1000)).toFixed(0);
      bar.update(step, { loss: loss.item().toFixed(4), acc: (100 * accuracy(logits, labels)).toFixed(1), sps });
    }
  }
  bar.stop();
  // decision regions on a character grid: '#' class 0, '.' class 1, 'o'/'x' a few training points
  const W = 60, H = 24, grid: string[][] = [];
  const cells = new Float32Array(W * H * 2);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
    cells[2 * (r * W + c)] = (c / (W - 1)) * 2.2 - 1.1;
    cells[2 * (r * W + c) + 1] = 1.1 - (r / (H - 1)) * 2.2;
  }
  const out = noGrad(() => net.forward(new Tensor(cells, [W * H, 2])));
  for (let r = 0; r < H; r++) {
    grid.push([]);
    for (let c = 0; c < W; c++) grid[r].push(out.data[2 * (r * W + c) + 1] > out.data[2 * (r * W + c)] ? '.' : '#');
  }
  for (let i = 0; i < labels.length; i += 3) {
    const c = Math.round(((x.data[2 * i] + 1.1) / 2.2) * (W - 1)), r = Math.round(((1.1 - x.data[2 * i + 1]) / 2.2) * (H - 1));
    if (r >= 0 && r < H && c >= 0 && c < W) grid[r][c] = labels[i] === 0 ? 'o' : 'x';
  }
  console.log(grid.map((row) => row.join('')).join('\n'));
  console.log(`final accuracy ${(100 * accuracy(noGrad(() => net.forward(x)), labels)).toFixed(1)}% in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

main();
