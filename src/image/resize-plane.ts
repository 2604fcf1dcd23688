import { OptionsError } from '../errors/index.js';
import { sharp } from './sharp-instance.js';

/**
 * Resizes one float channel (e.g. L to the model's working size) with libvips' lanczos3, which
 * box-shrinks first when downscaling, so it also anti-aliases. sharp mishandles Float32 raw input
 * (it comes back as zeros), so the plane travels as 16-bit samples spanning its own min..max range
 * (resolution (max−min)/65535: 0.0015 for L) — which also clamps lanczos ringing to the input range.
 */
export async function resizePlane(plane: Float32Array, width: number, height: number, newWidth: number, newHeight: number): Promise<Float32Array> {
  for (const [name, value] of [['width', width], ['height', height], ['newWidth', newWidth], ['newHeight', newHeight]] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new OptionsError(`resizePlane ${name}: expected a positive integer, got ${String(value)}`, { details: { [name]: value } });
    }
  }
  if (plane.length !== width * height) {
    throw new OptionsError(`resizePlane plane: expected ${width * height} values (${width}×${height}), got ${plane.length}`, {
      details: { expected: width * height, given: plane.length },
    });
  }
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < plane.length; i++) {
    const v = plane[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new OptionsError('resizePlane plane: expected finite values, got NaN or Infinity', { details: { min, max } });
  }
  if (newWidth === width && newHeight === height) return Float32Array.from(plane);
  if (max === min) return new Float32Array(newWidth * newHeight).fill(min);
  const toCode = 65535 / (max - min);
  const codes = new Uint16Array(plane.length);
  for (let i = 0; i < plane.length; i++) codes[i] = Math.round((plane[i] - min) * toCode);
  const { data } = await sharp(codes, { raw: { width, height, channels: 1 } })
    .resize(newWidth, newHeight, { fit: 'fill', kernel: 'lanczos3' })
    .toColourspace('grey16')
    .raw({ depth: 'ushort' })
    .toBuffer({ resolveWithObject: true });
  const resized = new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2);
  const out = new Float32Array(newWidth * newHeight);
  const fromCode = (max - min) / 65535;
  for (let i = 0; i < out.length; i++) out[i] = min + resized[i] * fromCode;
  return out;
}
