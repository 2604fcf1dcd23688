import type { Detector } from '../hints/index.js';
import { encodeImage } from '../image/index.js';
import type { ColorHint, ColorizeOptions, ColorizeResult } from '../pipeline/index.js';
import { ciede2000, meanCiede2000 } from './ciede2000.js';
import { BASIC_COLORS, type BasicColor } from './color-names.js';
import type { ObjectPromptCase, ObjectPromptReport } from './object-prompts.js';
import { promptableDetection, scoreObjectPrompt, summarizeObjectPrompts } from './object-prompts.js';
import type { ColorizeFn, EvalColorizeOptions, EvalImage } from './eval-run.js';
import { EVAL_SEED, decodeSamples } from './eval-run.js';
import { floodFill } from './flood-fill.js';
import { gtHint } from './gt-hint.js';
import { toLab } from './score.js';
import { SINGLE_HINT_COLORS, scoreSingleHint, singleHintSite, summarizeSingleHints, type SingleHintCase, type SingleHintReport } from './single-hint.js';
import type { LabPlanes } from './types.js';

/** Hint counts measured by default (Zhang et al. 2017 report the same kind of sweep). */
export const STEERING_HINT_COUNTS = [1, 5, 20] as const;
/** "At the hint": pixels within this many pixels of its center. */
export const AT_HINT_RADIUS = 3;
/** A hint's region: pixels 4-connected to its center whose ground truth is within this ΔE76 of the center's. */
export const REGION_TOLERANCE = 10;

export interface SteeringRow {
  /** 'automatic', 'hints k=5', 'reference (ground truth)'. */
  system: string;
  /** Mean CIEDE2000 over the whole image. */
  whole: number;
  /** Mean CIEDE2000 within 3 px of the hint centers (null without hints). */
  atHints: number | null;
  /** Mean CIEDE2000 over the hints' ground-truth regions (null without hints). */
  regions: number | null;
  /** The automatic colorization's CIEDE2000 on the same pixels, to compare against. */
  automatic: { whole: number; atHints: number | null; regions: number | null };
}

export interface SteeringReport {
  images: number;
  hintCounts: number[];
  /** Means over images, one row per system; `drop` is the relative fall of the whole-image CIEDE2000. */
  rows: (SteeringRow & { drop: number })[];
  /** "<colour> <object>" prompts on the objects the detector finds (with a detector). */
  objects?: ObjectPromptReport;
  /** One hint on a ground-truth region of a colour (foliage, sky): does the whole region take it? */
  singleHint?: SingleHintReport;
}

export interface SteeringOptions {
  images: readonly EvalImage[];
  colorize: ColorizeFn;
  colorizeOptions?: EvalColorizeOptions;
  hintCounts?: readonly number[];
  reference?: boolean;
  /**
   * The detector the colorizer grounds prompts with (the pack's): on each photo where it finds an
   * object, "<colour> <label>" is asked for each of `objectColors` (default the 8 basic colours).
   */
  detector?: Detector;
  objectColors?: readonly BasicColor[];
  /** Colours of the single-hint check (default SINGLE_HINT_COLORS; empty: skipped). */
  singleHintColors?: readonly BasicColor[];
  onImage?: (event: { index: number; total: number; name: string }) => void;
}

/**
 * User-control benchmark: hints sampled from the ground truth (k points per image, seeded), one hint on
 * a colour's region around its most solid spot (foliage, sky) and a reference transfer with the ground truth itself as
 * reference, each scored against the automatic colorization of the same image with the same seed.
 */
export async function runSteering(options: SteeringOptions): Promise<SteeringReport> {
  const ks = [...(options.hintCounts ?? STEERING_HINT_COUNTS)];
  const base: ColorizeOptions = { seed: EVAL_SEED, ...options.colorizeOptions, samples: 1, format: 'png', keepMetadata: false };
  const perSystem = new Map<string, SteeringRow[]>();
  const push = (row: SteeringRow) => perSystem.set(row.system, [...(perSystem.get(row.system) ?? []), row]);
  const colors = [...(options.objectColors ?? BASIC_COLORS)];
  const cases: ObjectPromptCase[] = [];
  const hintColors = [...(options.singleHintColors ?? SINGLE_HINT_COLORS)];
  const singleHints: SingleHintCase[] = [];
  let withObject = 0;
  for (const [index, image] of options.images.entries()) {
    const input = { width: image.gt.width, height: image.gt.height, L: image.lab.L };
    const runFull = async (extra: ColorizeOptions): Promise<{ lab: LabPlanes; result: ColorizeResult }> => {
      const result = await options.colorize(input, { ...base, ...extra });
      return { lab: toLab((await decodeSamples(result))[0]), result };
    };
    const run = async (extra: ColorizeOptions) => (await runFull(extra)).lab;
    const auto = await run({});
    const autoWhole = meanCiede2000(auto, image.lab);
    push({ system: 'automatic', whole: autoWhole, atHints: null, regions: null, automatic: { whole: autoWhole, atHints: null, regions: null } });
    for (const k of ks) {
      const hints = sampleHints(image, k, (base.seed ?? EVAL_SEED) + index);
      const out = await run({ hints });
      const near = nearHints(hints, image.gt.width, image.gt.height);
      const regions = hintRegions(hints, image.lab);
      push({
        system: `hints k=${k}`,
        whole: meanCiede2000(out, image.lab),
        atHints: maskedCiede2000(out, image.lab, near),
        regions: maskedCiede2000(out, image.lab, regions),
        automatic: { whole: autoWhole, atHints: maskedCiede2000(auto, image.lab, near), regions: maskedCiede2000(auto, image.lab, regions) },
      });
    }
    if (options.reference !== false) {
      const png = await encodeImage({ width: image.gt.width, height: image.gt.height, rgb: image.gt.rgb }, { format: 'png' });
      const out = await run({ reference: `data:image/png;base64,${png.toString('base64')}` });
      push({ system: 'reference (ground truth)', whole: meanCiede2000(out, image.lab), atHints: null, regions: null, automatic: { whole: autoWhole, atHints: null, regions: null } });
    }
    for (const color of hintColors) {
      const site = singleHintSite(image, color);
      if (site !== undefined) singleHints.push(scoreSingleHint(image, color, site, await run({ hints: [site.hint] }), auto));
    }
    if (options.detector !== undefined && colors.length > 0) {
      const detections = await options.detector(input);
      const target = promptableDetection(detections);
      if (target !== undefined) {
        withObject++;
        for (const color of colors) cases.push(scoreObjectPrompt(image.name, color, target, detections, await runFull({ prompt: `${color} ${target.label}` }), auto));
      }
    }
    options.onImage?.({ index: index + 1, total: options.images.length, name: image.name });
  }
  const rows = [...perSystem.entries()].map(([system, list]) => {
    const row: SteeringRow = {
      system,
      whole: mean(list.map((r) => r.whole))!,
      atHints: mean(list.map((r) => r.atHints)),
      regions: mean(list.map((r) => r.regions)),
      automatic: { whole: mean(list.map((r) => r.automatic.whole))!, atHints: mean(list.map((r) => r.automatic.atHints)), regions: mean(list.map((r) => r.automatic.regions)) },
    };
    return { ...row, drop: 1 - row.whole / row.automatic.whole };
  });
  const objects = options.detector !== undefined && colors.length > 0 ? summarizeObjectPrompts(colors, options.images.length, withObject, cases) : undefined;
  const singleHint = hintColors.length > 0 ? summarizeSingleHints(hintColors, options.images.length, singleHints) : undefined;
  return { images: options.images.length, hintCounts: ks, rows, ...(objects ? { objects } : {}), ...(singleHint ? { singleHint } : {}) };
}

/** k hint points at seeded uniform positions (3 px from the border), each with its ground-truth colour. */
export function sampleHints(image: EvalImage, k: number, seed: number): ColorHint[] {
  const { width, height } = image.gt;
  let s = (seed ^ 0x9e3779b9) >>> 0;
  const next = () => {
    // mulberry32: a tiny seeded generator, enough to place points repeatably.
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const m = Math.min(AT_HINT_RADIUS, Math.floor((Math.min(width, height) - 1) / 2));
  return Array.from({ length: k }, () => {
    const x = m + Math.floor(next() * (width - 2 * m));
    const y = m + Math.floor(next() * (height - 2 * m));
    return gtHint(image, x, y);
  });
}

function nearHints(hints: readonly ColorHint[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const r = AT_HINT_RADIUS;
  for (const h of hints) {
    for (let y = Math.max(0, h.y - r); y <= Math.min(height - 1, h.y + r); y++) {
      for (let x = Math.max(0, h.x - r); x <= Math.min(width - 1, h.x + r); x++) if ((x - h.x) ** 2 + (y - h.y) ** 2 <= r * r) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** Union of each hint's ground-truth region: a flood fill from its center within REGION_TOLERANCE (ΔE76). */
function hintRegions(hints: readonly ColorHint[], lab: LabPlanes): Uint8Array {
  const { width, height } = lab;
  const mask = new Uint8Array(width * height);
  for (const h of hints) {
    const c = h.y * width + h.x;
    const near = (j: number) => Math.hypot(lab.L[j] - lab.L[c], lab.a[j] - lab.a[c], lab.b[j] - lab.b[c]) <= REGION_TOLERANCE;
    const region = floodFill(width, height, c, near);
    for (let i = 0; i < mask.length; i++) mask[i] |= region[i];
  }
  return mask;
}

function maskedCiede2000(x: LabPlanes, y: LabPlanes, mask: Uint8Array): number | null {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    sum += ciede2000(x.L[i], x.a[i], x.b[i], y.L[i], y.a[i], y.b[i]);
    n++;
  }
  return n === 0 ? null : sum / n;
}

function mean(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null);
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
}

/** Table rows: header, then one row per system. */
export function steeringRows(report: SteeringReport): string[][] {
  const f = (v: number | null) => (v === null ? '—' : v.toFixed(2));
  return [
    ['system', 'ΔE00 whole', 'vs automatic', 'ΔE00 at hints (auto)', 'ΔE00 regions (auto)'],
    ...report.rows.map((r) => [
      r.system,
      f(r.whole),
      r.system === 'automatic' ? '' : `${(-100 * r.drop).toFixed(1)} %`,
      r.atHints === null ? '—' : `${f(r.atHints)} (${f(r.automatic.atHints)})`,
      r.regions === null ? '—' : `${f(r.regions)} (${f(r.automatic.regions)})`,
    ]),
  ];
}
