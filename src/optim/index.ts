/** Optimizers, gradient clipping and learning-rate schedules. */
export type { Optimizer, OptimizerState } from './optimizer.ts';
export { SGD } from './sgd.ts';
export { Adam } from './adam.ts';
export { AdamW } from './adamw.ts';
export { RMSProp } from './rmsprop.ts';
export { Adagrad } from './adagrad.ts';
export { Adadelta } from './adadelta.ts';
export { clipGradNorm } from './clip.ts';
export { constantLr, linearDecay, cosineDecay, warmup } from './schedule.ts';
