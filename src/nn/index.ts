/** The nn package: the Module contract and the layers. */
export * from './module.ts';
export * from './init.ts';
export * from './linear.ts';
export * from './sequential.ts';
export * from './conv.ts';
export * from './dropout.ts';
export * from './norm.ts';
export * from './recurrent.ts';
export * from './rbm.ts';
