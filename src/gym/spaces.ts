/**
 * Spaces: what an observation or an action may be, as plain readonly data.
 *
 * The kinds follow Gymnasium 1.x (`gymnasium.spaces`): box, discrete (with `start`), multiDiscrete,
 * multiBinary, dict and tuple. Spaces are plain objects so they can be cloned, posted to a worker and
 * compared; everything you do with one is a free function (`sample`, `contains`, `flatten`, …) with an
 * exhaustive `switch` on `kind`. Values are typed arrays (Float32Array for float boxes, Uint8Array for
 * uint8 boxes and multiBinary, Int32Array for multiDiscrete), numbers for discrete, plain objects for
 * dict and arrays for tuple.
 *
 * Unlike Gymnasium, sampling takes the `Rng` to draw from, so it is seeded wherever the caller's Rng is
 * (Gymnasium #185: `action_space.sample()` ignored `reset(seed=…)`). See `Env.actionRng`.
 *
 * Implementation: `spaces/define.ts` (kinds, constructors, validation), `spaces/values.ts` (membership,
 * sampling, equality), `spaces/flatten.ts` (flattening).
 */
export {
  box,
  discrete,
  multiDiscrete,
  multiBinary,
  dict,
  tuple,
  validateSpace,
  describeSpace,
  spacesEqual,
  assertNever,
  type BoxDtype,
  type BoxSpace,
  type DiscreteSpace,
  type MultiDiscreteSpace,
  type MultiBinarySpace,
  type DictSpace,
  type TupleSpace,
  type Space,
  type SpaceValue,
} from './spaces/define.ts';
export { contains, explainNotContained, sample, valuesEqual } from './spaces/values.ts';
export { flatDim, flattenSpace, flatten, unflatten } from './spaces/flatten.ts';
