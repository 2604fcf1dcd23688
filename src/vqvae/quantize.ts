import type { ModelPack } from '../packs/index.js';
import type { FloatTensor } from '../runtime/index.js';

/** Diffusion latents live at z·scale; the codebook at z. Returns the nearest code vectors [B, C, h, w]. */
export async function quantizeLatent(pack: ModelPack, sample: FloatTensor): Promise<FloatTensor> {
  const scale = pack.manifest.latent.scale;
  const z = new Float32Array(sample.data.length);
  for (let i = 0; i < z.length; i++) z[i] = sample.data[i] / scale;
  return (await pack.models.quantizer.run({ latent: { data: z, dims: sample.dims } })).quantized;
}
