import { ModelPackError } from '../errors/index.js';
import type { ModelPack } from '../packs/index.js';
import type { FloatTensor } from '../runtime/index.js';
import { normalizeLightness } from './encode-gray.js';
import { resizeAntialiased } from './resize-antialiased.js';

/**
 * Frozen semantic encoder (a pretrained detector's features of the gray photo): full-resolution L →
 * features at the latent grid [1, C, h, w], or undefined for packs without one. Run once per image.
 */
export async function encodeSemantic(pack: ModelPack, L: Float32Array, width: number, height: number): Promise<FloatTensor | undefined> {
  return runOnLightness(pack, 'semanticEncoder', 'semantic', L, width, height);
}

/**
 * The pack's anchor: full-resolution L → the colour latent [1, latent channels, h, w] in the diffusion's
 * (scaled) space, where an anchored run starts; undefined for packs without one. Its encoder sees L as the
 * semantic encoder does (through sourceSize to inputSize).
 */
export async function anchorLatent(pack: ModelPack, L: Float32Array, width: number, height: number): Promise<FloatTensor | undefined> {
  return runOnLightness(pack, 'anchor', 'latent', L, width, height);
}

/** A component that reads the photo's L at its section's inputSize (through sourceSize): its `output`. */
async function runOnLightness(
  pack: ModelPack,
  component: 'semanticEncoder' | 'anchor',
  output: string,
  L: Float32Array,
  width: number,
  height: number,
): Promise<FloatTensor | undefined> {
  const model = pack.models[component];
  const spec = component === 'anchor' ? pack.manifest.anchor : pack.manifest.semantic;
  if (model === undefined) return undefined;
  // The manifest schema requires both or neither; this guards hand-built packs in tests.
  if (spec === undefined) throw new ModelPackError(`Pack ${pack.name} has components.${component} but not its manifest section.`);
  const S = spec.inputSize;
  const small = semanticInput(L, width, height, S, spec.sourceSize);
  const out = await model.run({ lightness: { data: normalizeLightness(small), dims: [1, 1, S, S] } });
  return out[output];
}

/**
 * L as the encoder saw it in training (training/semantic.py semantic_input, resize-antialiased.ts): shrunk to
 * sourceSize by antialiased bicubic — the sharpness of the 128-px training photos (mean |Laplacian| / mean
 * |gradient| 1.18 on val photos; eval-dev 256-px crops give 1.17–1.22 through bicubic, 1.05–1.11 through
 * bilinear, 1.27–1.32 through 2×2 area) — or grown by bilinear, then bilinear to the input size; straight to
 * the input size without a sourceSize.
 */
export function semanticInput(L: Float32Array, width: number, height: number, inputSize: number, sourceSize?: number): Float32Array {
  if (sourceSize === undefined || sourceSize >= inputSize) return resizeAntialiased(L, 1, height, width, inputSize, inputSize);
  const kernel = width > sourceSize || height > sourceSize ? 'bicubic' : 'bilinear';
  const src = resizeAntialiased(L, 1, height, width, sourceSize, sourceSize, kernel);
  return resizeAntialiased(src, 1, sourceSize, sourceSize, inputSize, inputSize);
}
