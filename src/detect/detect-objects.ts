import { ModelPackError } from '../errors/index.js';
import type { Detection, Detector } from '../hints/index.js';
import type { ModelPack } from '../packs/index.js';
import { normalizeLightness, resizeArea } from '../vqvae/index.js';
import type { DecodeOptions } from './decode-detections.js';
import { decodeDetections } from './decode-detections.js';

/**
 * Runs the pack's detector once on the photo's lightness (area-resized to its square input, as the
 * semantic encoder is fed) and returns the objects with boxes (x, y, w, h) in the photo's pixels.
 */
export async function detectObjects(
  pack: ModelPack,
  image: { width: number; height: number; L: Float32Array },
  options: Partial<DecodeOptions> = {},
): Promise<Detection[]> {
  const model = pack.models.detector;
  const spec = pack.manifest.detector;
  if (model === undefined || spec === undefined) throw new ModelPackError(`Pack ${pack.name} has no object detector (components.detector).`);
  const { width, height, L } = image;
  const S = spec.inputSize;
  const small = resizeArea(L, height, width, S, S);
  const out = await model.run({ lightness: { data: normalizeLightness(small), dims: [1, 1, S, S] } });
  // The photo is squeezed to a square for the detector; boxes stretch back by axis.
  const sx = width / S;
  const sy = height / S;
  return decodeDetections(out.heatmap, out.boxes, spec.labels, spec.stride, options).map(({ label, score, corners: [x0, y0, x1, y1] }) => ({
    label,
    score,
    box: [x0 * sx, y0 * sy, (x1 - x0) * sx, (y1 - y0) * sy],
  }));
}

/** The pack's own detector as a pipeline `Detector`, or undefined for packs without one. */
export function packDetector(pack: ModelPack): Detector | undefined {
  if (pack.models.detector === undefined) return undefined;
  return (image) => detectObjects(pack, image);
}
