import type { Detection } from '../hints/index.js';
import { GROUNDING_MIN_SCORE, targetLabel } from '../hints/index.js';
import type { ColorizeResult } from '../pipeline/index.js';
import { parsePrompt } from '../prompts/index.js';
import { ciede2000 } from './ciede2000.js';
import { inHueFamily, type BasicColor } from './color-names.js';
import type { LabPlanes } from './types.js';

/** One "<colour> <object>" run on a photo where the detector found the object. */
export interface ObjectPromptCase {
  image: string;
  prompt: string;
  color: BasicColor;
  /** The detection the prompt names: the photo's best one (x, y, w, h in pixels). */
  label: string;
  score: number;
  box: [number, number, number, number];
  /** What the run reported for the phrase. */
  grounded: boolean;
  /** Share of the object's pixels (the box's central half) in the colour's hue family. */
  objectShare: number;
  /** The same share over the whole box (background included). */
  boxShare: number;
  /** The automatic colorization's share on the same pixels (the prompt's starting point). */
  automaticShare: number;
  /** Mean CIEDE2000 against the automatic colorization outside every box of the label, and inside the object. */
  changeOutside: number;
  changeInside: number;
}

export interface ObjectPromptReport {
  colors: BasicColor[];
  /** Images looked at, and those where the detector found something a prompt can name. */
  images: number;
  withObject: number;
  cases: ObjectPromptCase[];
  /** Share of cases where the majority of the object's pixels are in the asked hue family (target ≥ 0.8). */
  majority: number;
  /** The same for the automatic colorization, scored against each asked colour: what prompts add to. */
  automaticMajority: number;
  perColor: Record<string, number>;
  meanObjectShare: number;
  meanBoxShare: number;
  meanChangeOutside: number;
  meanChangeInside: number;
}

/** Central half of a box in each direction: for a detector's box, mostly the object itself. */
export function objectCore([x, y, w, h]: readonly [number, number, number, number]): [number, number, number, number] {
  return [x + w / 4, y + h / 4, w / 2, h / 2];
}

/**
 * The detection a prompt is asked for: the best one the grounding would use whose label survives
 * "<colour> <label>" parsing (the fruit "orange" does not: it reads as a colour).
 */
export function promptableDetection(detections: readonly Detection[]): Detection | undefined {
  return [...detections]
    .filter((d) => d.score >= GROUNDING_MIN_SCORE && d.box[2] >= 1 && d.box[3] >= 1)
    .sort((p, q) => q.score - p.score)
    .find((d) => {
      const [intent] = parsePrompt(`red ${d.label}`);
      return intent !== undefined && targetLabel(intent.target, new Set([d.label])) === d.label;
    });
}

/** Pixel mask of boxes (x, y, w, h), pixel centres inside. */
export function boxMask(width: number, height: number, boxes: readonly (readonly [number, number, number, number])[]): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const [bx, by, bw, bh] of boxes) {
    const x0 = Math.max(0, Math.ceil(bx - 0.5));
    const y0 = Math.max(0, Math.ceil(by - 0.5));
    const x1 = Math.min(width - 1, Math.floor(bx + bw - 0.5));
    const y1 = Math.min(height - 1, Math.floor(by + bh - 0.5));
    for (let y = y0; y <= y1; y++) mask.fill(1, y * width + x0, y * width + x1 + 1);
  }
  return mask;
}

/** Share of the masked pixels in the colour's hue family. */
export function familyShare(lab: LabPlanes, mask: Uint8Array, color: BasicColor): number {
  let n = 0;
  let hit = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    if (inHueFamily(lab.L[i], lab.a[i], lab.b[i], color)) hit++;
  }
  return n === 0 ? 0 : hit / n;
}

/** Mean CIEDE2000 between x and y over the pixels where mask equals `want`. */
export function meanDelta(x: LabPlanes, y: LabPlanes, mask: Uint8Array, want: 0 | 1): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] !== want) continue;
    sum += ciede2000(x.L[i], x.a[i], x.b[i], y.L[i], y.a[i], y.b[i]);
    n++;
  }
  return n === 0 ? 0 : sum / n;
}

/** Scores one prompted run against the automatic one on the detected object and outside it. */
export function scoreObjectPrompt(
  image: string,
  color: BasicColor,
  target: Detection,
  detections: readonly Detection[],
  out: { lab: LabPlanes; result: ColorizeResult },
  automatic: LabPlanes,
): ObjectPromptCase {
  const { width, height } = automatic;
  const core = boxMask(width, height, [objectCore(target.box)]);
  const box = boxMask(width, height, [target.box]);
  // Every box of the label is meant to change (grounding colours them all); the rest is not.
  const labelled = boxMask(width, height, detections.filter((d) => d.label === target.label && d.score >= GROUNDING_MIN_SCORE).map((d) => d.box));
  const phrase = out.result.prompt.understood[0];
  return {
    image,
    prompt: out.result.prompt.text,
    color,
    label: target.label,
    score: target.score,
    box: [...target.box],
    grounded: phrase?.grounded === true,
    objectShare: familyShare(out.lab, core, color),
    boxShare: familyShare(out.lab, box, color),
    automaticShare: familyShare(automatic, core, color),
    changeOutside: meanDelta(out.lab, automatic, labelled, 0),
    changeInside: meanDelta(out.lab, automatic, core, 1),
  };
}

export function summarizeObjectPrompts(colors: readonly BasicColor[], images: number, withObject: number, cases: ObjectPromptCase[]): ObjectPromptReport {
  const mean = (f: (c: ObjectPromptCase) => number) => (cases.length === 0 ? 0 : cases.reduce((s, c) => s + f(c), 0) / cases.length);
  const perColor: Record<string, number> = {};
  for (const color of colors) {
    const mine = cases.filter((c) => c.color === color);
    perColor[color] = mine.length === 0 ? 0 : mine.filter((c) => c.objectShare > 0.5).length / mine.length;
  }
  return {
    colors: [...colors],
    images,
    withObject,
    cases,
    majority: mean((c) => (c.objectShare > 0.5 ? 1 : 0)),
    automaticMajority: mean((c) => (c.automaticShare > 0.5 ? 1 : 0)),
    perColor,
    meanObjectShare: mean((c) => c.objectShare),
    meanBoxShare: mean((c) => c.boxShare),
    meanChangeOutside: mean((c) => c.changeOutside),
    meanChangeInside: mean((c) => c.changeInside),
  };
}

/** Table rows: header, one row per colour, then all. */
export function objectPromptRows(report: ObjectPromptReport): string[][] {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  const rows: string[][] = [['asked colour', 'majority of object in hue family', 'cases']];
  for (const color of report.colors) rows.push([color, pct(report.perColor[color] ?? 0), String(report.cases.filter((c) => c.color === color).length)]);
  rows.push(['all', pct(report.majority), String(report.cases.length)]);
  rows.push(['automatic (no prompt)', pct(report.automaticMajority), String(report.cases.length)]);
  return rows;
}
