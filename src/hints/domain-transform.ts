/**
 * Edge-aware smoothing by the domain transform's recursive filter (Gastal & Oliveira 2011): 1-D
 * recursive passes along rows and columns whose feedback a^d fades where the lightness changes, so
 * values spread far inside a region and little across its edges. Linear in pixels whatever σs is.
 * Filters every channel in place with the same weights (normalized convolution needs that).
 */
export function domainTransformFilter(
  channels: Float64Array[],
  L: Float32Array,
  width: number,
  height: number,
  /** Spatial reach in pixels. */
  sigmaSpace: number,
  /** Lightness difference (L units) that counts as an edge. */
  sigmaRange: number,
  iterations = 3,
): void {
  const ratio = sigmaSpace / sigmaRange;
  // Per-step distances in the transformed domain, horizontal (between x and x+1) and vertical.
  const dh = new Float64Array(width * height);
  const dv = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (x + 1 < width) dh[i] = 1 + ratio * Math.abs(L[i + 1] - L[i]);
      if (y + 1 < height) dv[i] = 1 + ratio * Math.abs(L[i + width] - L[i]);
    }
  }
  const wh = new Float64Array(width * height);
  const wv = new Float64Array(width * height);
  for (let k = 0; k < iterations; k++) {
    // σ of iteration k, so the K iterations together have σs (the paper's eq. 14).
    const sigmaK = (sigmaSpace * Math.sqrt(3) * 2 ** (iterations - k - 1)) / Math.sqrt(4 ** iterations - 1);
    const a = Math.exp(-Math.SQRT2 / sigmaK);
    for (let i = 0; i < dh.length; i++) {
      wh[i] = a ** dh[i];
      wv[i] = a ** dv[i];
    }
    for (const c of channels) {
      for (let y = 0; y < height; y++) {
        const row = y * width;
        for (let x = 1; x < width; x++) c[row + x] += wh[row + x - 1] * (c[row + x - 1] - c[row + x]);
        for (let x = width - 2; x >= 0; x--) c[row + x] += wh[row + x] * (c[row + x + 1] - c[row + x]);
      }
      for (let y = 1; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          c[i] += wv[i - width] * (c[i - width] - c[i]);
        }
      }
      for (let y = height - 2; y >= 0; y--) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          c[i] += wv[i] * (c[i + width] - c[i]);
        }
      }
    }
  }
}
