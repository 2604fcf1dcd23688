import { rgbToLab } from '../color/index.js';
import { meanCiede2000 } from './ciede2000.js';
import { colorfulness } from './colorfulness.js';
import { checkSameRgb } from './check.js';
import { diversity } from './diversity.js';
import { lightnessError } from './lightness.js';
import { psnr } from './psnr.js';
import { ssim, ssimDefinedFor } from './ssim.js';
import type { LabPlanes, Rgb8Image } from './types.js';

/**
 * Identical images have infinite PSNR; reports cap it so means and JSON stay finite
 * (JSON has no Infinity). 100 dB is far above any real 8-bit difference (one code in one
 * channel of a 1-megapixel image is ~113 dB, but any colorization is below 60 dB).
 */
export const PSNR_CAP_DB = 100;

/** Scores of one ground-truth image against its N predicted samples. Per-sample metrics are means over samples. */
export interface ImageScore {
  name: string;
  width: number;
  height: number;
  samples: number;
  psnr: number;
  /** null when the image is smaller than the 11×11 SSIM window. */
  ssim: number | null;
  colorfulnessPred: number;
  colorfulnessGt: number;
  /** Mean over samples of |CF_sample − CF_gt|. */
  colorfulnessAbsDelta: number;
  /** Mean CF of the samples / CF_gt; null for a gray ground truth. */
  colorfulnessRatio: number | null;
  ciede2000: number;
  lightnessError: number;
  /** Mean pairwise CIEDE2000 between samples; null with one sample. */
  diversity: number | null;
  /** PSNR of the best sample (equals psnr with one sample). */
  bestOfNPsnr: number;
}

export function toLab(image: Rgb8Image): LabPlanes {
  return rgbToLab(image.rgb, image.width, image.height, 3);
}

/** Scores samples (all the ground truth's size) against the ground truth. */
export function scoreImage(name: string, groundTruth: Rgb8Image, samples: readonly Rgb8Image[]): ImageScore {
  if (samples.length === 0) throw new RangeError(`no samples to score for ${name}`);
  for (const s of samples) checkSameRgb(s, groundTruth);
  const gtLab = toLab(groundTruth);
  const labs = samples.map(toLab);
  const cfGt = colorfulness(groundTruth);
  const cf = samples.map(colorfulness);
  const psnrs = samples.map((s) => Math.min(psnr(s, groundTruth), PSNR_CAP_DB));
  const withSsim = ssimDefinedFor(groundTruth.width, groundTruth.height);
  return {
    name,
    width: groundTruth.width,
    height: groundTruth.height,
    samples: samples.length,
    psnr: mean(psnrs),
    ssim: withSsim ? mean(samples.map((s) => ssim(s, groundTruth))) : null,
    colorfulnessPred: mean(cf),
    colorfulnessGt: cfGt,
    colorfulnessAbsDelta: mean(cf.map((c) => Math.abs(c - cfGt))),
    colorfulnessRatio: cfGt === 0 ? null : mean(cf) / cfGt,
    ciede2000: mean(labs.map((l) => meanCiede2000(l, gtLab))),
    lightnessError: mean(labs.map((l) => lightnessError(l.L, gtLab.L))),
    diversity: diversity(labs),
    bestOfNPsnr: Math.max(...psnrs),
  };
}

/** Means over images; metrics that are null for an image are averaged over the others (null if none). */
export interface TotalScore {
  images: number;
  samples: number;
  psnr: number | null;
  ssim: number | null;
  colorfulnessPred: number | null;
  colorfulnessGt: number | null;
  colorfulnessAbsDelta: number | null;
  /** Ratio of the mean colorfulnesses (stabler than a mean of ratios, and defined when one ground truth is gray). */
  colorfulnessRatio: number | null;
  ciede2000: number | null;
  lightnessError: number | null;
  diversity: number | null;
  bestOfNPsnr: number | null;
}

export function totalScore(images: readonly ImageScore[]): TotalScore {
  const avg = (pick: (s: ImageScore) => number | null): number | null => {
    const values = images.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : mean(values);
  };
  const cfPred = avg((s) => s.colorfulnessPred);
  const cfGt = avg((s) => s.colorfulnessGt);
  return {
    images: images.length,
    samples: images.reduce((n, s) => n + s.samples, 0),
    psnr: avg((s) => s.psnr),
    ssim: avg((s) => s.ssim),
    colorfulnessPred: cfPred,
    colorfulnessGt: cfGt,
    colorfulnessAbsDelta: avg((s) => s.colorfulnessAbsDelta),
    colorfulnessRatio: cfPred === null || cfGt === null || cfGt === 0 ? null : cfPred / cfGt,
    ciede2000: avg((s) => s.ciede2000),
    lightnessError: avg((s) => s.lightnessError),
    diversity: avg((s) => s.diversity),
    bestOfNPsnr: avg((s) => s.bestOfNPsnr),
  };
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}
