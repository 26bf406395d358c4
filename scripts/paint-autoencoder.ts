/**
 * `npx tsx scripts/paint-autoencoder.ts [--steps 600] [--batch 16] [--seed 1]`: trains the art envs'
 * autoencoder (envs/art/autoencoder.ts) with our own core on Paint-v0's training targets (seeds below
 * HELD_OUT_FROM, drawn from the Rng of `--seed`), minimising the mean squared reconstruction error with
 * Adam (lr 2e-3), and writes envs/art/paint-autoencoder.safetensors with the command, steps and final loss
 * in its metadata. The held-out loss is measured on targets from the held-out seeds.
 */
import { writeFileSync } from 'node:fs';
import { backward, mse, noGrad, tensor } from '../src/autograd/index.ts';
import { Rng } from '../src/core/rng.ts';
import { parameters } from '../src/nn/index.ts';
import { saveModule } from '../src/nn/safetensors.ts';
import { Adam } from '../src/optim/adam.ts';
import { AE_SIZE, buildPaintAutoencoder } from '../envs/art/autoencoder.ts';
import { drawTargetSeed, generateTarget } from '../envs/art/targets.ts';
import { commitId } from '../src/cli/provenance.ts';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 0) throw new Error(`paint-autoencoder: ${name} must be a non-negative integer, received ${args[i + 1]}`);
  return v;
};
const steps = flag('--steps', 600);
const batch = flag('--batch', 16);
const seed = flag('--seed', 1);

const rng = new Rng(seed);
const ae = buildPaintAutoencoder(rng);
const opt = new Adam(parameters(ae.all), { lr: 2e-3 });
const n = AE_SIZE * AE_SIZE;

/** A batch of targets [B, 1, 64, 64] from the given split. */
function targets(split: 'train' | 'heldout', count: number, from: Rng): Float32Array {
  const x = new Float32Array(count * n);
  for (let b = 0; b < count; b++) x.set(generateTarget(drawTargetSeed(from, split), AE_SIZE), b * n);
  return x;
}

let loss = NaN;
for (let step = 1; step <= steps; step++) {
  const x = tensor(targets('train', batch, rng), [batch, 1, AE_SIZE, AE_SIZE]);
  const l = mse(ae.all.forward(x), x);
  opt.zeroGrad();
  backward(l);
  opt.step();
  loss = l.data[0];
  if (step % 50 === 0) process.stdout.write(`step ${step}: reconstruction mse ${loss.toFixed(5)}\n`);
}
const heldOutRng = new Rng(seed + 1);
const held = tensor(targets('heldout', 64, heldOutRng), [64, 1, AE_SIZE, AE_SIZE]);
const heldLoss = noGrad(() => mse(ae.all.forward(held), held).data[0]);
process.stdout.write(`held-out reconstruction mse ${heldLoss.toFixed(5)} (64 held-out targets)\n`);
const out = new URL('../envs/art/paint-autoencoder.safetensors', import.meta.url);
writeFileSync(out, saveModule(ae.all, {
  command: `npx tsx scripts/paint-autoencoder.ts --steps ${steps} --batch ${batch} --seed ${seed}`,
  commit: commitId(),
  train_mse: String(loss),
  heldout_mse: String(heldLoss),
}));
process.stdout.write(`wrote ${out.pathname}\n`);
