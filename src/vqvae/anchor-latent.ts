import { ModelPackError } from '../errors/index.js';
import type { ModelPack } from '../packs/index.js';
import type { FloatTensor } from '../runtime/index.js';
import { normalizeLightness } from './encode-gray.js';
import { semanticInput } from './encode-semantic.js';

/**
 * The pack's anchor: full-resolution L → the colour latent [1, latent channels, h, w] in the diffusion's
 * (scaled) space, where an anchored run starts. Its encoder sees L as the semantic encoder does (through
 * sourceSize to inputSize). Undefined for packs without one.
 */
export async function anchorLatent(pack: ModelPack, L: Float32Array, width: number, height: number): Promise<FloatTensor | undefined> {
  const model = pack.models.anchor;
  const spec = pack.manifest.anchor;
  if (model === undefined) return undefined;
  // The manifest schema requires both or neither; this guards hand-built packs in tests.
  if (spec === undefined) throw new ModelPackError(`Pack ${pack.name} has an anchor component but no "anchor" section.`);
  const S = spec.inputSize;
  const small = semanticInput(L, width, height, S, spec.sourceSize);
  const out = await model.run({ lightness: { data: normalizeLightness(small), dims: [1, 1, S, S] } });
  return out.latent;
}
