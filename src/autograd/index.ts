/** The autograd package: Tensor, primitives and composites, in one import. */
export * from './tensor.ts';
export * from './ops/elementwise.ts';
export * from './ops/activation.ts';
export * from './ops/reduce.ts';
export * from './ops/matmul.ts';
export * from './ops/shape.ts';
export { conv2d, maxPool2d } from './ops/conv.ts';
export * from './functional.ts';
