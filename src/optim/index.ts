/** Optimizers, gradient clipping and learning-rate schedules. */
export type { Optimizer, OptimizerState } from './optimizer.ts';
export { SGD, sgdDefaults } from './sgd.ts';
export type { SgdOptions } from './sgd.ts';
export { Adam, adamDefaults } from './adam.ts';
export type { AdamOptions } from './adam.ts';
export { AdamW, adamWDefaults } from './adamw.ts';
export type { AdamWOptions } from './adamw.ts';
export { RMSProp, rmsPropDefaults } from './rmsprop.ts';
export type { RmsPropOptions } from './rmsprop.ts';
export { Adagrad, adagradDefaults } from './adagrad.ts';
export type { AdagradOptions } from './adagrad.ts';
export { Adadelta, adadeltaDefaults } from './adadelta.ts';
export type { AdadeltaOptions } from './adadelta.ts';
export { clipGradNorm } from './clip.ts';
export type { ClipOptions } from './clip.ts';
export { constantLr, linearDecay, cosineDecay, warmup } from './schedule.ts';
export type { LrSchedule } from './schedule.ts';
