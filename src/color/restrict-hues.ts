/**
 * Palette: every pixel's hue is moved to the nearest hue among the palette's (angles in the a-b plane),
 * keeping its chroma, so L and saturation stay and only the hue family changes. Near-neutral palette
 * entries (chroma below NEUTRAL_CHROMA) have no hue: a pixel nearest to "no hue" loses its chroma.
 */
export const NEUTRAL_CHROMA = 4;

export function restrictHues(ab: { a: Float32Array; b: Float32Array }, paletteAb: readonly (readonly [number, number])[]): { a: Float32Array; b: Float32Array } {
  const hues = paletteAb.filter(([a, b]) => Math.hypot(a, b) >= NEUTRAL_CHROMA).map(([a, b]) => Math.atan2(b, a));
  const allowNeutral = hues.length < paletteAb.length;
  const n = ab.a.length;
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  if (hues.length === 0) return { a, b }; // an all-neutral palette: gray
  for (let i = 0; i < n; i++) {
    const c = Math.hypot(ab.a[i], ab.b[i]);
    if (c === 0) continue;
    const h = Math.atan2(ab.b[i], ab.a[i]);
    let best = hues[0];
    let bestD = Infinity;
    for (const p of hues) {
      const d = Math.abs(Math.atan2(Math.sin(h - p), Math.cos(h - p)));
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    // A neutral entry wins over hues more than 90° away: such a pixel is "none of these colours".
    if (allowNeutral && bestD > Math.PI / 2) continue;
    a[i] = c * Math.cos(best);
    b[i] = c * Math.sin(best);
  }
  return { a, b };
}
