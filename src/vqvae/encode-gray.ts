import type { ModelPack } from '../packs/index.js';
import type { FloatTensor } from '../runtime/index.js';

/** L (0..100) → model input l = L/50 − 1, the normalization fixed by docs/model-pack.md. */
export function normalizeLightness(L: Float32Array, out = new Float32Array(L.length)): Float32Array {
  for (let i = 0; i < L.length; i++) out[i] = L[i] / 50 - 1;
  return out;
}

/** Gray encoder: L at the working size S×S → gray latent [1, Cg, h, w]. */
export async function encodeGray(pack: ModelPack, workingL: Float32Array): Promise<FloatTensor> {
  const S = pack.manifest.workingSize;
  const out = await pack.models.grayEncoder.run({ lightness: { data: normalizeLightness(workingL), dims: [1, 1, S, S] } });
  return out.gray_latent;
}
