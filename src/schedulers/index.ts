export { SCHEDULER_NAMES } from './scheduler-names.js';
export { TEMPERATURE_MAX, DEFAULT_TEMPERATURE } from './temperature.js';
export { ANCHOR_MAX, anchoredSteps, setAnchoredTimesteps } from './anchor-schedule.js';
export { SchedulerStateSchema } from './scheduler-state.js';
export type { SchedulerState } from './scheduler-state.js';
export type { Scheduler, SchedulerName, SchedulerStepInput, SchedulerStepOutput } from './scheduler.js';
export { createScheduler, isSchedulerName } from './create-scheduler.js';
export {
  parseSchedulerConfig,
  resolveSchedulerConfig,
  DIFFUSERS_CLASS_NAMES,
  BETA_SCHEDULES,
  PREDICTION_TYPES,
  TIMESTEP_SPACINGS,
} from './scheduler-config.js';
export type {
  SchedulerConfig,
  SchedulerConfigInput,
  BetaSchedule,
  PredictionType,
  TimestepSpacing,
} from './scheduler-config.js';
export { DDPMScheduler } from './ddpm.js';
export { DDIMScheduler } from './ddim.js';
export { EulerDiscreteScheduler } from './euler-discrete.js';
export { EulerAncestralDiscreteScheduler } from './euler-ancestral.js';
export { HeunDiscreteScheduler } from './heun.js';
export { DPMSolverMultistepScheduler } from './dpm-solver-multistep.js';
export { UniPCMultistepScheduler } from './unipc.js';
export { LCMScheduler } from './lcm.js';
