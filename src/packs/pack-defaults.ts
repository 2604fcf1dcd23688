import type { SchedulerName } from '../schedulers/scheduler.js';
import { DEFAULT_TEMPERATURE } from '../schedulers/temperature.js';
import type { Manifest } from './manifest-schema.js';

/** What a run gets from its pack when the request leaves a sampling setting out. */
export interface PackDefaults {
  scheduler: SchedulerName;
  steps: number;
  guidance: number;
  temperature: number;
  /** 0 for packs without an anchor head. */
  anchor: number;
}

/** A manifest's run defaults, read in one place (the run, the model listing and --help agree). */
export function packDefaults(m: Manifest): PackDefaults {
  return {
    scheduler: m.scheduler.default,
    steps: m.scheduler.defaultSteps,
    guidance: m.guidance.defaultScale,
    temperature: m.scheduler.defaultTemperature ?? DEFAULT_TEMPERATURE,
    anchor: m.anchor?.default ?? 0,
  };
}
