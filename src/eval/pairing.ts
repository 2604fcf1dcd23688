import path from 'node:path';
import { OptionsError } from '../errors/index.js';

/** Extensions read as images (what src/image decodes). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp', '.avif', '.tif', '.tiff', '.gif']);

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

export function stemOf(name: string): string {
  return path.basename(name, path.extname(name));
}

export interface ImagePair {
  stem: string;
  /** Ground-truth file name. */
  gt: string;
  /** Prediction file names: one, or samples x_1…x_N in numeric order. */
  preds: string[];
}

export interface Pairing {
  pairs: ImagePair[];
  /** Ground-truth files with no prediction. */
  missing: string[];
  /** Prediction files that belong to no ground truth. */
  unmatched: string[];
}

/**
 * Pairs predictions with ground truths by stem: `x.png` ↔ `x.*`, or `x_1.*`…`x_N.*` as N samples of x.
 * A prediction whose stem equals a ground-truth stem belongs to that ground truth only, so a set
 * holding both `a` and `a_1` stays unambiguous. Non-image names are ignored.
 */
export function pairByStem(gtNames: readonly string[], predNames: readonly string[]): Pairing {
  const gtByStem = uniqueByStem(gtNames.filter(isImageFile), 'ground truth');
  const predByStem = uniqueByStem(predNames.filter(isImageFile), 'prediction');
  const claimed = new Set<string>();
  const samplesOf = new Map<string, { index: number; name: string }[]>();

  for (const [stem, name] of predByStem) {
    if (gtByStem.has(stem)) continue;
    const m = /^(.*)_(\d+)$/.exec(stem);
    if (m === null || !gtByStem.has(m[1])) continue;
    const list = samplesOf.get(m[1]) ?? [];
    list.push({ index: Number(m[2]), name });
    samplesOf.set(m[1], list);
  }

  const pairs: ImagePair[] = [];
  const missing: string[] = [];
  for (const [stem, gt] of [...gtByStem].sort(([a], [b]) => compareNames(a, b))) {
    const exact = predByStem.get(stem);
    const samples = (samplesOf.get(stem) ?? []).sort((a, b) => a.index - b.index);
    if (exact !== undefined && samples.length > 0) {
      throw new OptionsError(
        `prediction for "${stem}" is ambiguous: both ${exact} and numbered samples (${samples.map((s) => s.name).join(', ')}) exist`,
        { details: { stem, exact, samples: samples.map((s) => s.name) } },
      );
    }
    const preds = exact !== undefined ? [exact] : samples.map((s) => s.name);
    if (preds.length === 0) {
      missing.push(gt);
      continue;
    }
    preds.forEach((p) => claimed.add(p));
    pairs.push({ stem, gt, preds });
  }
  const unmatched = [...predByStem.values()].filter((p) => !claimed.has(p)).sort(compareNames);
  return { pairs, missing, unmatched };
}

function uniqueByStem(names: readonly string[], what: string): Map<string, string> {
  const byStem = new Map<string, string>();
  for (const name of names) {
    const stem = stemOf(name);
    const other = byStem.get(stem);
    if (other !== undefined) {
      throw new OptionsError(`two ${what} files share the stem "${stem}": ${other} and ${name}`, { details: { stem, files: [other, name] } });
    }
    byStem.set(stem, name);
  }
  return byStem;
}

/** Natural order, so 2 sorts before 10 in names like 100007 and img_2. */
export function compareNames(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
