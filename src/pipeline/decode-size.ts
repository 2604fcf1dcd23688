/**
 * The size the decoder runs at: the photo's own up to `decodeMaxPixels`, else scaled down to it (guided
 * upsampling carries the chroma back to full size). One rule for the decode actor and the progress plan.
 */
export function decodeSize(width: number, height: number, decodeMaxPixels: number): { scale: number; width: number; height: number } {
  const scale = Math.min(1, Math.sqrt(decodeMaxPixels / (width * height)));
  if (scale >= 1) return { scale: 1, width, height };
  return { scale, width: Math.max(4, Math.round(width * scale)), height: Math.max(4, Math.round(height * scale)) };
}
