/**
 * Strength: chroma scaled at constant L and hue. Scaling a and b by one factor keeps the hue angle;
 * the fuse step's gamut mapping (mergeLightness) then pulls any colour that left sRGB back in at
 * constant L and hue, so nothing is clipped per channel.
 */
export function scaleChroma(ab: { a: Float32Array; b: Float32Array }, strength: number): { a: Float32Array; b: Float32Array } {
  if (strength === 1) return ab;
  const a = new Float32Array(ab.a.length);
  const b = new Float32Array(ab.b.length);
  for (let i = 0; i < a.length; i++) {
    a[i] = ab.a[i] * strength;
    b[i] = ab.b[i] * strength;
  }
  return { a, b };
}
