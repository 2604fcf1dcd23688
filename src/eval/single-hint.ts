import type { ColorHint } from '../pipeline/index.js';
import { inHueFamily, type BasicColor } from './color-names.js';
import type { EvalImage } from './eval-run.js';
import { floodFill } from './flood-fill.js';
import { gtHint } from './gt-hint.js';
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

/** Where the hint goes and what it is scored on. */
export interface SingleHintSite {
  hint: ColorHint;
  /** The 4-connected in-family component around the hint, and its size in pixels. */
  region: Uint8Array;
  regionPixels: number;
  /** Every ground-truth pixel of the colour's hue family (outside it is what should not change). */
  family: Uint8Array;
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
export function singleHintSite(image: EvalImage, color: BasicColor): SingleHintSite | undefined {
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
  const region = floodFill(width, height, site, (j) => mask[j] === 1);
  let regionPixels = 0;
  for (const v of region) regionPixels += v;
  if (regionPixels < SINGLE_HINT_MIN_SHARE * width * height) return undefined;
  return { hint: gtHint(image, site % width, Math.floor(site / width)), region, regionPixels, family: mask };
}

/** Scores the hinted run against the automatic one on the region and where the ground truth is not of the colour. */
export function scoreSingleHint(
  image: EvalImage,
  color: BasicColor,
  site: SingleHintSite,
  hinted: LabPlanes,
  automatic: LabPlanes,
): SingleHintCase {
  return {
    image: image.name,
    color,
    hint: site.hint,
    regionPixels: site.regionPixels,
    share: familyShare(hinted, site.region, color),
    automaticShare: familyShare(automatic, site.region, color),
    changeElsewhere: meanDelta(hinted, automatic, site.family, 0),
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
