import type { ColorHint } from '../pipeline/index.js';
import { inHueFamily, type BasicColor } from './color-names.js';
import type { EvalImage } from './eval-run.js';
import { familyShare, meanDelta } from './object-prompts.js';
import type { LabPlanes } from './types.js';

/**
 * Colours the single-hint check asks for by default: foliage (green) and sky or water (blue), the regions
 * a user most often pins with one click, and those an automatic colorizer most often leaves gray.
 */
export const SINGLE_HINT_COLORS: readonly BasicColor[] = ['green', 'blue'];
/** Smallest ground-truth region, as a share of the image, that a case is measured on (a leaf is not foliage). */
export const SINGLE_HINT_MIN_SHARE = 0.02;
/** Side of the window that picks the hint's site: the spot where the region is most solid, not a stray pixel. */
const SITE_WINDOW = 9;
/** Sites keep this far from the border, like the sampled hints. */
const SITE_MARGIN = 3;

/** One photo where the ground truth has a region of a colour, hinted once at its most solid spot. */
export interface SingleHintCase {
  image: string;
  color: BasicColor;
  hint: ColorHint;
  /** Pixels of the region: the 4-connected ground-truth pixels of the colour's hue family around the hint. */
  regionPixels: number;
  /** Share of the region in the hue family with the hint, and in the automatic colorization. */
  share: number;
  automaticShare: number;
  /** Mean CIEDE2000 against automatic where the ground truth is not of the colour: what should not change. */
  changeElsewhere: number;
}

export interface SingleHintReport {
  colors: BasicColor[];
  images: number;
  cases: SingleHintCase[];
  /** Share of cases where the hint turns the majority (> 50 %) of the region to its hue family. */
  majority: number;
  /** The same share for the automatic colorization: what one hint adds to. */
  automaticMajority: number;
  perColor: Record<string, { cases: number; majority: number; automaticMajority: number }>;
  meanShare: number;
  meanAutomaticShare: number;
  meanChangeElsewhere: number;
}

/** Ground-truth pixels in the colour's hue family (chroma and lightness floors as in colour naming). */
export function familyMask(lab: LabPlanes, color: BasicColor): Uint8Array {
  const mask = new Uint8Array(lab.width * lab.height);
  for (let i = 0; i < mask.length; i++) if (inHueFamily(lab.L[i], lab.a[i], lab.b[i], color)) mask[i] = 1;
  return mask;
}

/**
 * Where one hint of `color` goes on this photo, and the region it should colour: the in-family pixel whose
 * SITE_WINDOW square holds the most in-family pixels (first in raster order on ties), its 4-connected
 * in-family component, and the ground truth's own colour there. Undefined when no region reaches
 * SINGLE_HINT_MIN_SHARE of the image.
 */
export function singleHintSite(image: EvalImage, color: BasicColor): { hint: ColorHint; region: Uint8Array } | undefined {
  const { width, height } = image.lab;
  const mask = familyMask(image.lab, color);
  // Integral image of the mask: window counts in O(1) per pixel.
  const integral = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += mask[y * width + x];
      integral[(y + 1) * (width + 1) + x + 1] = integral[y * (width + 1) + x + 1] + row;
    }
  }
  const half = SITE_WINDOW >> 1;
  const count = (x: number, y: number) => {
    const x0 = Math.max(0, x - half);
    const y0 = Math.max(0, y - half);
    const x1 = Math.min(width, x + half + 1);
    const y1 = Math.min(height, y + half + 1);
    const w = width + 1;
    return integral[y1 * w + x1] - integral[y0 * w + x1] - integral[y1 * w + x0] + integral[y0 * w + x0];
  };
  const m = Math.min(SITE_MARGIN, Math.floor((Math.min(width, height) - 1) / 2));
  let best = -1;
  let site = -1;
  for (let y = m; y < height - m; y++) {
    for (let x = m; x < width - m; x++) {
      if (!mask[y * width + x]) continue;
      const c = count(x, y);
      if (c > best) [best, site] = [c, y * width + x];
    }
  }
  if (site < 0) return undefined;
  const region = component(mask, width, height, site);
  let pixels = 0;
  for (const v of region) pixels += v;
  if (pixels < SINGLE_HINT_MIN_SHARE * width * height) return undefined;
  const x = site % width;
  const y = Math.floor(site / width);
  const p = 3 * site;
  const rgb = image.gt.rgb;
  const hex = `#${[rgb[p], rgb[p + 1], rgb[p + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  return { hint: { x, y, color: hex }, region };
}

/** The 4-connected component of `mask` that holds pixel `start`. */
function component(mask: Uint8Array, width: number, height: number, start: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const stack = [start];
  out[start] = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    const x = i % width;
    for (const j of [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, i - width, i + width]) {
      if (j < 0 || j >= width * height || out[j] || !mask[j]) continue;
      out[j] = 1;
      stack.push(j);
    }
  }
  return out;
}

/** Scores the hinted run against the automatic one on the region and where the ground truth is not of the colour. */
export function scoreSingleHint(
  image: EvalImage,
  color: BasicColor,
  site: { hint: ColorHint; region: Uint8Array },
  hinted: LabPlanes,
  automatic: LabPlanes,
): SingleHintCase {
  let regionPixels = 0;
  for (const v of site.region) regionPixels += v;
  return {
    image: image.name,
    color,
    hint: site.hint,
    regionPixels,
    share: familyShare(hinted, site.region, color),
    automaticShare: familyShare(automatic, site.region, color),
    changeElsewhere: meanDelta(hinted, automatic, familyMask(image.lab, color), 0),
  };
}

export function summarizeSingleHints(colors: readonly BasicColor[], images: number, cases: SingleHintCase[]): SingleHintReport {
  const meanOf = (list: readonly SingleHintCase[], f: (c: SingleHintCase) => number) => (list.length === 0 ? 0 : list.reduce((s, c) => s + f(c), 0) / list.length);
  const majority = (list: readonly SingleHintCase[]) => meanOf(list, (c) => (c.share > 0.5 ? 1 : 0));
  const automaticMajority = (list: readonly SingleHintCase[]) => meanOf(list, (c) => (c.automaticShare > 0.5 ? 1 : 0));
  const perColor: SingleHintReport['perColor'] = {};
  for (const color of colors) {
    const mine = cases.filter((c) => c.color === color);
    perColor[color] = { cases: mine.length, majority: majority(mine), automaticMajority: automaticMajority(mine) };
  }
  return {
    colors: [...colors],
    images,
    cases,
    majority: majority(cases),
    automaticMajority: automaticMajority(cases),
    perColor,
    meanShare: meanOf(cases, (c) => c.share),
    meanAutomaticShare: meanOf(cases, (c) => c.automaticShare),
    meanChangeElsewhere: meanOf(cases, (c) => c.changeElsewhere),
  };
}

/** Table rows: header, one row per colour, then all. */
export function singleHintRows(report: SingleHintReport): string[][] {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const rows: string[][] = [['hinted colour', 'cases', 'majority of region in hue family', 'automatic']];
  for (const color of report.colors) {
    const r = report.perColor[color];
    rows.push([color, String(r.cases), pct(r.majority), pct(r.automaticMajority)]);
  }
  rows.push(['all', String(report.cases.length), pct(report.majority), pct(report.automaticMajority)]);
  return rows;
}
