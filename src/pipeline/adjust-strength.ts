import { mergeLightness, rgbToLab, scaleChroma } from '../color/index.js';
import { OptionsError } from '../errors/index.js';
import { encodeImage, readImage } from '../image/index.js';

/**
 * Tones a finished colorization down or up without running the model again: its chroma is scaled by
 * `factor` (0..2) at constant L and hue and gamut-mapped, in the encoded image's own format. Chroma a
 * first pass already gamut-mapped cannot come back, so 2 then 0.5 is not quite the original.
 */
export async function adjustStrength(image: string | Buffer, factor: number): Promise<Buffer> {
  if (!Number.isFinite(factor) || factor < 0 || factor > 2) {
    throw new OptionsError(`strength must be a number from 0 to 2, got ${factor}`, { details: { issues: [{ path: 'strength', message: 'from 0 to 2' }] } });
  }
  const decoded = await readImage(image);
  const { width, height } = decoded;
  const lab = rgbToLab(decoded.rgb, width, height);
  const ab = scaleChroma(lab, factor);
  const format = (['png', 'jpeg', 'webp', 'avif'] as const).find((f) => f === decoded.format) ?? 'png';
  const rgb = decoded.bitDepth === 16
    ? mergeLightness(lab.L, ab.a, ab.b, width, height, { bitDepth: 16 })
    : mergeLightness(lab.L, ab.a, ab.b, width, height);
  return encodeImage({ width, height, rgb, alpha: decoded.alpha }, { format, quality: 92 });
}
