import { OptionsError } from '../errors/index.js';
import type { Scheduler } from './scheduler.js';

/** The most a run may lean on the pack's anchor: at 0.9 it samples only the last tenth of the noise levels. */
export const ANCHOR_MAX = 0.9;

/**
 * Sets the scheduler up for a run of `steps` steps that starts from the pack's anchor latent (the semantic
 * head's colour guess) instead of pure noise. anchor a in [0, ANCHOR_MAX]: the run takes the last `steps`
 * steps of a schedule of steps / (1 − a) (capped at what the scheduler allows), so it costs as many model
 * evaluations as an unanchored run and starts at a noise level where the anchor still shows through.
 * a = 0 is the plain schedule. Returns the index of the first timestep the run takes (0 for a = 0).
 * The PyTorch mirror is training/diffusion.py `anchored_steps`.
 */
export function setAnchoredTimesteps(scheduler: Scheduler, steps: number, anchor: number): number {
  if (!(anchor >= 0 && anchor <= ANCHOR_MAX)) {
    throw new OptionsError(`anchor must be a number from 0 to ${ANCHOR_MAX}, got ${anchor}`, { details: { anchor } });
  }
  const total = Math.max(steps, Math.min(anchoredSteps(steps, anchor), scheduler.maxInferenceSteps()));
  scheduler.setTimesteps(total);
  return indexOfStep(scheduler.timesteps, total - steps);
}

export function anchoredSteps(steps: number, anchor: number): number {
  return Math.max(steps, Math.floor(steps / (1 - anchor) + 0.5));
}

/**
 * Index in `timesteps` where step `k` begins: the last entry of the k-th distinct timestep. Heun lists its
 * inner timesteps twice, the first time as step k − 1's corrector and the second as step k's predictor.
 */
function indexOfStep(timesteps: ArrayLike<number>, k: number): number {
  let distinct = -1;
  for (let i = 0; i < timesteps.length; i++) {
    if (i === 0 || timesteps[i] !== timesteps[i - 1]) distinct++;
    if (distinct === k && (i + 1 === timesteps.length || timesteps[i + 1] !== timesteps[i])) return i;
  }
  return timesteps.length - 1;
}
