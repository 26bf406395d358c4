/**
 * Learning-rate schedules as pure functions of the update index: `schedule(step)` → lr, with
 * `step` counted from 0. Set `opt.lr = schedule(step)` before each `opt.step()`. Steps past the
 * end hold the final value.
 *
 * CleanRL's PPO annealing (`frac = 1.0 - (update - 1.0) / num_updates; lrnow = frac * lr`, with
 * `update` from 1) is `linearDecay(lr, numUpdates)(update - 1)`.
 */
import { ConfigError } from '../core/errors.ts';

/** The learning rate for update `step` (0-based). */
export type LrSchedule = (step: number) => number;

/** The same rate at every step. */
export function constantLr(lr: number): LrSchedule {
  checkLr('constantLr', 'lr', lr);
  return () => lr;
}

/**
 * Linear decay from `lr` at step 0 towards `endLr` at step `totalSteps`:
 * lr − (lr − endLr)·step/totalSteps. With endLr = 0 the last update (step totalSteps − 1) gets
 * lr/totalSteps, exactly as CleanRL's PPO.
 */
export function linearDecay(lr: number, totalSteps: number, endLr = 0): LrSchedule {
  checkLr('linearDecay', 'lr', lr);
  checkLr('linearDecay', 'endLr', endLr);
  checkSteps('linearDecay', 'totalSteps', totalSteps, 1);
  return (step) => lr - (lr - endLr) * progress(step, totalSteps);
}

/**
 * Cosine annealing from `lr` to `minLr` over `totalSteps`: minLr + (lr − minLr)·(1 + cos(π·step/totalSteps))/2.
 * Loshchilov & Hutter 2017, "SGDR: Stochastic Gradient Descent with Warm Restarts", eq. 5
 * (one cycle, no restart), https://arxiv.org/abs/1608.03983; PyTorch's CosineAnnealingLR.
 */
export function cosineDecay(lr: number, totalSteps: number, minLr = 0): LrSchedule {
  checkLr('cosineDecay', 'lr', lr);
  checkLr('cosineDecay', 'minLr', minLr);
  checkSteps('cosineDecay', 'totalSteps', totalSteps, 1);
  return (step) => minLr + ((lr - minLr) * (1 + Math.cos(Math.PI * progress(step, totalSteps)))) / 2;
}

/**
 * Linear warm-up over `warmupSteps`, then `after`: step s < warmupSteps gets
 * after(0)·(s + 1)/warmupSteps, and step s ≥ warmupSteps gets after(s − warmupSteps), so `after`
 * counts its own steps from the end of the warm-up. Goyal et al. 2017, "Accurate, Large Minibatch
 * SGD: Training ImageNet in 1 Hour", §2.2, https://arxiv.org/abs/1706.02677.
 */
export function warmup(warmupSteps: number, after: LrSchedule): LrSchedule {
  checkSteps('warmup', 'warmupSteps', warmupSteps, 0);
  return (step) => (step < warmupSteps ? (after(0) * (Math.max(0, step) + 1)) / warmupSteps : after(step - warmupSteps));
}

/** step/total clamped to [0, 1]. */
function progress(step: number, total: number): number {
  return Math.min(1, Math.max(0, step / total));
}

function checkLr(fn: string, name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new ConfigError(`${fn}: ${name} must be a non-negative number, received ${v}`);
}

function checkSteps(fn: string, name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new ConfigError(`${fn}: ${name} must be an integer ≥ ${min}, received ${v}`);
}
