import { checkRgb } from './check.js';
import type { Rgb8Image } from './types.js';

/**
 * Colorfulness M of Hasler & Süsstrunk (2003) on sRGB 0..255:
 * rg = R − G, yb = (R + G)/2 − B, M = σ_rgyb + 0.3·μ_rgyb with
 * σ_rgyb = √(σ_rg² + σ_yb²), μ_rgyb = √(μ_rg² + μ_yb²) (population standard deviations).
 * 0 for a gray image; ~33 "moderately", ~59 "quite", ~82 "highly" colorful on their scale.
 */
export function colorfulness(image: Rgb8Image): number {
  const n = checkRgb(image);
  const { rgb } = image;
  let sRg = 0;
  let sYb = 0;
  let sRg2 = 0;
  let sYb2 = 0;
  for (let i = 0; i < n; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    const rg = r - g;
    const yb = 0.5 * (r + g) - b;
    sRg += rg;
    sYb += yb;
    sRg2 += rg * rg;
    sYb2 += yb * yb;
  }
  const muRg = sRg / n;
  const muYb = sYb / n;
  // Clamp at 0: E[x²] − E[x]² can dip below zero by rounding for a constant image.
  const varRg = Math.max(0, sRg2 / n - muRg * muRg);
  const varYb = Math.max(0, sYb2 / n - muYb * muYb);
  return Math.sqrt(varRg + varYb) + 0.3 * Math.hypot(muRg, muYb);
}

export interface ColorfulnessGap {
  pred: number;
  gt: number;
  /** |CF_pred − CF_gt|. */
  absDelta: number;
  /** CF_pred / CF_gt; null when the ground truth has no color (ratio undefined). */
  ratio: number | null;
}

export function colorfulnessGap(pred: Rgb8Image, gt: Rgb8Image): ColorfulnessGap {
  const p = colorfulness(pred);
  const g = colorfulness(gt);
  return { pred: p, gt: g, absDelta: Math.abs(p - g), ratio: g === 0 ? null : p / g };
}
