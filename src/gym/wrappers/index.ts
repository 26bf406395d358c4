/**
 * All wrappers. Each is a function `(env, opts) → Env` returning an object that holds `inner`; nothing is
 * forwarded implicitly (reach the base env with `env.unwrapped`).
 */
export { timeLimit, TimeLimit, type TimeLimitOptions } from './time-limit.ts';
export { passiveEnvChecker, PassiveEnvChecker } from './env-checker.ts';
export { recordEpisodeStatistics, RecordEpisodeStatistics, type EpisodeStatistics, type RecordEpisodeStatisticsOptions } from './record-episode-statistics.ts';
export {
  normalizeObservation,
  NormalizeObservation,
  normalizeReward,
  NormalizeReward,
  RunningMeanStd,
  type NormalizeObservationOptions,
  type NormalizeRewardOptions,
  type NormalizeRewardState,
  type RunningMeanStdState,
} from './normalize.ts';
export {
  clipAction,
  ClipAction,
  rescaleAction,
  RescaleAction,
  transformAction,
  TransformAction,
  stickyAction,
  StickyAction,
  type RescaleActionOptions,
  type StickyActionOptions,
} from './action.ts';
export { transformReward, TransformReward, clipReward, type ClipRewardOptions } from './reward.ts';
export {
  transformObservation,
  TransformObservation,
  flattenObservation,
  frameStack,
  FrameStack,
  timeAwareObservation,
  TimeAwareObservation,
  type FrameStackOptions,
  type TimeAwareObservationOptions,
} from './observation.ts';
export { maxAndSkip, MaxAndSkip, type MaxAndSkipOptions } from './max-and-skip.ts';
export { pixelObservation, PixelObservation, type PixelObservationOptions } from './pixel-observation.ts';
