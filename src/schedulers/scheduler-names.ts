/** Names accepted by `createScheduler`, in the order a UI would list them. */
export const SCHEDULER_NAMES = [
  'ddpm',
  'ddim',
  'euler',
  'euler-ancestral',
  'heun',
  'dpmpp-2m',
  'dpmpp-2m-karras',
  'unipc',
  'lcm',
] as const;

export type SchedulerName = (typeof SCHEDULER_NAMES)[number];
