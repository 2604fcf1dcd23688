/**
 * Peak memory of one run, before it starts, from what the header says. Per pixel: decoded RGB
 * (up to 16-bit, 6 B), the L plane (4 B) and resampling scratch; per sample: a and b planes (8 B),
 * guided-upsampling scratch, merged RGB and the encoded image. Calibrated on a 9999×10000 PNG
 * (3.4 GB RSS, one sample) and kept on the safe side; the decoder's tiles and the runtime are a
 * constant beside it.
 */
const BYTES_PER_PIXEL = 14;
const BYTES_PER_SAMPLE_PIXEL = 22;
const BYTES_PER_DECODED_PIXEL = 64;
const RUNTIME_BYTES = 300 * 1024 * 1024;

export function estimateRunMemory(run: { width: number; height: number; samples: number; decodeMaxPixels: number }): number {
  const pixels = run.width * run.height;
  const decoded = Math.min(pixels, run.decodeMaxPixels);
  return RUNTIME_BYTES + pixels * BYTES_PER_PIXEL + run.samples * (pixels * BYTES_PER_SAMPLE_PIXEL + decoded * BYTES_PER_DECODED_PIXEL);
}
