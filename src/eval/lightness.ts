import { OptionsError } from '../errors/index.js';

/** Mean |L_pred − L_gt| over pixels (CIE L, 0..100). The pipeline keeps L exactly, so this should stay ≤ 0.5. */
export function lightnessError(pred: Float32Array, gt: Float32Array): number {
  if (pred.length !== gt.length) {
    throw new OptionsError(`lightness planes differ in size: ${pred.length} vs ${gt.length} values`);
  }
  if (pred.length === 0) throw new OptionsError('empty lightness plane');
  let sum = 0;
  for (let i = 0; i < pred.length; i++) sum += Math.abs(pred[i] - gt[i]);
  return sum / pred.length;
}
