import { SchedulerConfigError } from '../errors/index.js';
import { DDIMScheduler } from './ddim.js';
import { DDPMScheduler } from './ddpm.js';
import { DPMSolverMultistepScheduler } from './dpm-solver-multistep.js';
import { EulerAncestralDiscreteScheduler } from './euler-ancestral.js';
import { EulerDiscreteScheduler } from './euler-discrete.js';
import { HeunDiscreteScheduler } from './heun.js';
import { LCMScheduler } from './lcm.js';
import { resolveSchedulerConfig, type SchedulerConfigInput } from './scheduler-config.js';
import { SCHEDULER_NAMES, type Scheduler, type SchedulerName } from './scheduler.js';
import { UniPCMultistepScheduler } from './unipc.js';

export function isSchedulerName(value: unknown): value is SchedulerName {
  return typeof value === 'string' && (SCHEDULER_NAMES as readonly string[]).includes(value);
}

/**
 * A scheduler by name. `config` is a diffusers `scheduler_config.json` object (snake_case), camelCase
 * settings, or a parsed config; absent keys take that scheduler's diffusers defaults. Unknown names and
 * invalid values throw SchedulerConfigError listing the allowed ones.
 */
export function createScheduler(
  name: SchedulerName | string,
  config: SchedulerConfigInput | Record<string, unknown> = {},
): Scheduler {
  if (!isSchedulerName(name)) {
    throw new SchedulerConfigError(`unknown scheduler ${JSON.stringify(name)}; allowed: ${SCHEDULER_NAMES.join(', ')}`, {
      details: { name, allowed: [...SCHEDULER_NAMES] },
    });
  }
  const resolved = resolveSchedulerConfig(name, config);
  switch (name) {
    case 'ddpm':
      return new DDPMScheduler(resolved);
    case 'ddim':
      return new DDIMScheduler(resolved);
    case 'euler':
      return new EulerDiscreteScheduler(resolved);
    case 'euler-ancestral':
      return new EulerAncestralDiscreteScheduler(resolved);
    case 'heun':
      return new HeunDiscreteScheduler(resolved);
    case 'dpmpp-2m':
    case 'dpmpp-2m-karras':
      return new DPMSolverMultistepScheduler(resolved, name);
    case 'unipc':
      return new UniPCMultistepScheduler(resolved);
    case 'lcm':
      return new LCMScheduler(resolved);
  }
}
