import { meanCiede2000 } from './ciede2000.js';
import type { LabPlanes } from './types.js';

/**
 * Sample diversity: mean over all unordered pairs of samples of their mean per-pixel CIEDE2000.
 * null with fewer than two samples (there is no pair to compare).
 */
export function diversity(samples: readonly LabPlanes[]): number | null {
  if (samples.length < 2) return null;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      sum += meanCiede2000(samples[i], samples[j]);
      pairs++;
    }
  }
  return sum / pairs;
}
