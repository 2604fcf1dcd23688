import { OptionsError } from '../errors/index.js';
import { grayOf, joinDir, listImages, readRgb8 } from './io.js';
import { pairByStem, type Pairing } from './pairing.js';
import type { SystemScores } from './report.js';
import { resizeRgb } from './resize.js';
import { scoreImage, toLab, totalScore, type ImageScore } from './score.js';
import type { SheetRow } from './sheet.js';
import type { Rgb8Image } from './types.js';

export interface EvalFoldersOptions {
  gtDir: string;
  predDir: string;
  /** Resize predictions to their ground truth's size instead of refusing a mismatch. */
  resize?: boolean;
  /** Keep the decoded images for a contact sheet. */
  keepRows?: boolean;
  maxPixels?: number;
  onImage?: (event: { index: number; total: number; name: string }) => void;
}

export interface EvalFoldersResult {
  system: SystemScores;
  pairing: Pairing;
  rows: SheetRow[];
}

/** Scores a folder of predictions against a folder of ground truths (paired by file stem). */
export async function evalFolders(options: EvalFoldersOptions): Promise<EvalFoldersResult> {
  const [gtNames, predNames] = await Promise.all([listImages(options.gtDir, 'ground-truth'), listImages(options.predDir, 'prediction')]);
  const pairing = pairByStem(gtNames, predNames);
  if (pairing.pairs.length === 0) {
    throw new OptionsError(
      `no prediction in ${options.predDir} matches a ground truth in ${options.gtDir} by file stem (x.png ↔ x.*, or x_1…x_N)`,
      { details: { gtImages: gtNames.length, predImages: predNames.length } },
    );
  }
  const images: ImageScore[] = [];
  const rows: SheetRow[] = [];
  for (const [index, pair] of pairing.pairs.entries()) {
    options.onImage?.({ index: index + 1, total: pairing.pairs.length, name: pair.stem });
    const gt = await readRgb8(joinDir(options.gtDir, pair.gt), options.maxPixels);
    const samples: Rgb8Image[] = [];
    for (const file of pair.preds) {
      let pred = await readRgb8(joinDir(options.predDir, file), options.maxPixels);
      if (pred.width !== gt.width || pred.height !== gt.height) {
        if (options.resize !== true) {
          throw new OptionsError(
            `${file} is ${pred.width}×${pred.height} but its ground truth ${pair.gt} is ${gt.width}×${gt.height} (pass --resize to resize predictions to the ground truth)`,
            { details: { pred: file, gt: pair.gt, predSize: [pred.width, pred.height], gtSize: [gt.width, gt.height] } },
          );
        }
        pred = resizeRgb(pred, gt.width, gt.height);
      }
      samples.push(pred);
    }
    images.push(scoreImage(pair.stem, gt, samples));
    if (options.keepRows === true) {
      rows.push({ label: `${pair.gt} ← ${pair.preds.join(', ')}`, gray: grayOf(toLab(gt)), samples, gt });
    }
  }
  return { system: { name: 'pred', images, total: totalScore(images) }, pairing, rows };
}
