/**
 * Multi-source geodesic distance on the lightness image (Criminisi et al.'s GeoS raster scans): a step
 * to a neighbour costs √(len² + (γ·max(0, |ΔL| − floor))²), so crossing an edge of the photo is far even when it is
 * near. Returns each pixel's distance to the nearest seed and that seed's label.
 */
export function geodesicDistance(
  L: Float32Array,
  width: number,
  height: number,
  /** Label ≥ 0 of the seed at each pixel, −1 where there is none. */
  seeds: Int32Array,
  gamma: number,
  /** Lightness steps up to this size (L units) are free: grain and fine texture are not edges. */
  floor = 0,
  passes = 2,
): { distance: Float32Array; label: Int32Array } {
  const n = width * height;
  const distance = new Float32Array(n).fill(Infinity);
  const label = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    if (seeds[i] >= 0) {
      distance[i] = 0;
      label[i] = seeds[i];
    }
  }
  const g2 = gamma * gamma;
  // Forward scan looks at the already-visited half of the 8-neighbourhood, backward at the other half.
  const forward: [number, number][] = [[-1, 0], [-1, -1], [0, -1], [1, -1]];
  const backward: [number, number][] = [[1, 0], [1, 1], [0, 1], [-1, 1]];
  const relax = (x: number, y: number, offsets: [number, number][]) => {
    const i = y * width + x;
    let d = distance[i];
    let l = label[i];
    const Li = L[i];
    for (const [dx, dy] of offsets) {
      const nx = x + dx;
      const ny = y + dy;
      if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
      const j = ny * width + nx;
      const dj = distance[j];
      if (dj === Infinity) continue;
      const dL = Math.max(0, Math.abs(Li - L[j]) - floor);
      const step = Math.sqrt(dx * dx + dy * dy + g2 * dL * dL);
      if (dj + step < d) {
        d = dj + step;
        l = label[j];
      }
    }
    distance[i] = d;
    label[i] = l;
  };
  for (let p = 0; p < passes; p++) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) relax(x, y, forward);
    for (let y = height - 1; y >= 0; y--) for (let x = width - 1; x >= 0; x--) relax(x, y, backward);
  }
  return { distance, label };
}
