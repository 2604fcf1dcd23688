/**
 * Bilinear resize of [C, h, w] planes with half-pixel centers, identical to PyTorch's
 * F.interpolate(mode="bilinear", align_corners=False) used in training before the decoder.
 */
export function resizeBilinear(src: Float32Array, channels: number, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(channels * outH * outW);
  const x0s = new Int32Array(outW);
  const x1s = new Int32Array(outW);
  const fxs = new Float32Array(outW);
  const sx = w / outW;
  for (let x = 0; x < outW; x++) {
    const s = Math.max(0, (x + 0.5) * sx - 0.5);
    const i0 = Math.min(Math.floor(s), w - 1);
    x0s[x] = i0;
    x1s[x] = Math.min(i0 + 1, w - 1);
    fxs[x] = s - i0;
  }
  const sy = h / outH;
  for (let y = 0; y < outH; y++) {
    const s = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(Math.floor(s), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = s - y0;
    for (let c = 0; c < channels; c++) {
      const r0 = c * h * w + y0 * w;
      const r1 = c * h * w + y1 * w;
      const o = c * outH * outW + y * outW;
      for (let x = 0; x < outW; x++) {
        const fx = fxs[x];
        const top = src[r0 + x0s[x]] * (1 - fx) + src[r0 + x1s[x]] * fx;
        const bottom = src[r1 + x0s[x]] * (1 - fx) + src[r1 + x1s[x]] * fx;
        out[o + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/** Area-average downscale of one plane (for L at the working size; antialiased, unlike bilinear). */
export function resizeArea(src: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW);
  const sy = h / outH;
  const sx = w / outW;
  for (let y = 0; y < outH; y++) {
    const ya = y * sy;
    const yb = ya + sy;
    for (let x = 0; x < outW; x++) {
      const xa = x * sx;
      const xb = xa + sx;
      let sum = 0;
      let area = 0;
      for (let iy = Math.floor(ya); iy < Math.min(h, Math.ceil(yb)); iy++) {
        const wy = Math.min(yb, iy + 1) - Math.max(ya, iy);
        for (let ix = Math.floor(xa); ix < Math.min(w, Math.ceil(xb)); ix++) {
          const wgt = wy * (Math.min(xb, ix + 1) - Math.max(xa, ix));
          sum += src[iy * w + ix] * wgt;
          area += wgt;
        }
      }
      out[y * outW + x] = sum / area;
    }
  }
  return out;
}
