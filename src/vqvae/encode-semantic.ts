import { ModelPackError } from '../errors/index.js';
import type { ModelPack } from '../packs/index.js';
import type { FloatTensor } from '../runtime/index.js';
import { resizeArea, resizeBilinear } from './bilinear.js';
import { normalizeLightness } from './encode-gray.js';

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
 * L as the encoder saw it in training: through sourceSize (area-averaged when either side shrinks, so a
 * long panorama does not alias; bilinear when both grow, like PyTorch's resize), then bilinear to the input
 * size; straight to it without a sourceSize.
 */
export function semanticInput(L: Float32Array, width: number, height: number, inputSize: number, sourceSize?: number): Float32Array {
  if (sourceSize === undefined || sourceSize >= inputSize) return resizeArea(L, height, width, inputSize, inputSize);
  const src =
    width >= sourceSize || height >= sourceSize
      ? resizeArea(L, height, width, sourceSize, sourceSize)
      : resizeBilinear(L, 1, height, width, sourceSize, sourceSize);
  return resizeBilinear(src, 1, sourceSize, sourceSize, inputSize, inputSize);
}
