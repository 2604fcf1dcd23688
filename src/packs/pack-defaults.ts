import type { SchedulerName } from '../schedulers/scheduler.js';
import { DEFAULT_TEMPERATURE } from '../schedulers/temperature.js';
import type { Manifest } from './manifest-schema.js';

/** What a run gets from its pack when the request leaves a sampling setting out. */
export interface PackDefaults {
  scheduler: SchedulerName;
  steps: number;
  guidance: number;
  temperature: number;
  /** Of a run without a text prompt; prompted runs start from noise (the anchor is the unprompted guess). 0 for packs without an anchor head. */
  anchor: number;
  /** Temperature of an anchored run that gives none. */
  anchorTemperature: number;
}

/** A manifest's run defaults, read in one place (the run, the model listing and --help agree). */
export function packDefaults(m: Manifest): PackDefaults {
  const temperature = m.scheduler.defaultTemperature ?? DEFAULT_TEMPERATURE;
  return {
    scheduler: m.scheduler.default,
    steps: m.scheduler.defaultSteps,
    guidance: m.guidance.defaultScale,
    temperature,
    anchor: m.anchor?.default ?? 0,
    anchorTemperature: m.anchor?.temperature ?? temperature,
  };
}
