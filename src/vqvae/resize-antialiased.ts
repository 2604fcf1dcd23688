/** The kernels of PyTorch's antialiased resize (from PIL's resampling): support 1 and 2 input pixels at scale 1. */
export type ResizeKernel = 'bilinear' | 'bicubic';

/**
 * Resize of [C, h, w] planes exactly as training resizes the networks' inputs: PyTorch's
 * F.interpolate(mode=kernel, align_corners=False, antialias=True) (training/data.py `resize`). On an axis
 * that shrinks by s the kernel is stretched by s (bilinear: a triangle over ±s input pixels; bicubic, PIL's
 * a = −0.5: ±2s); on an axis that grows, bilinear is plain bilinear with half-pixel centers. The encoders
 * are sensitive to how blurred their input is: a 2×2 box average instead moved the anchor's latent by up to
 * 1.15 (its range ±1.8).
 */
export function resizeAntialiased(
  src: Float32Array,
  channels: number,
  h: number,
  w: number,
  outH: number,
  outW: number,
  kernel: ResizeKernel = 'bilinear',
): Float32Array {
  if (h === outH && w === outW) return src.slice();
  const across = axisWeights(w, outW, kernel);
  const down = axisWeights(h, outH, kernel);
  // Rows first (each output column of each input row), then columns.
  const mid = new Float32Array(channels * h * outW);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const row = c * h * w + y * w;
      const o = c * h * outW + y * outW;
      for (let x = 0; x < outW; x++) mid[o + x] = weighted(src, row, 1, across, x);
    }
  }
  const out = new Float32Array(channels * outH * outW);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outH; y++) {
      const o = c * outH * outW + y * outW;
      for (let x = 0; x < outW; x++) out[o + x] = weighted(mid, c * h * outW + x, outW, down, y);
    }
  }
  return out;
}

interface AxisWeights {
  /** First input index of each output pixel's window. */
  start: Int32Array;
  /** Window length of each output pixel. */
  size: Int32Array;
  /** Normalized weights, `stride` per output pixel. */
  weights: Float64Array;
  stride: number;
}

function weighted(src: Float32Array, base: number, step: number, axis: AxisWeights, i: number): number {
  let sum = 0;
  const off = i * axis.stride;
  for (let k = 0; k < axis.size[i]; k++) sum += src[base + (axis.start[i] + k) * step] * axis.weights[off + k];
  return sum;
}

const FILTERS: Record<ResizeKernel, { radius: number; at: (t: number) => number }> = {
  bilinear: { radius: 1, at: (t) => (t < 1 ? 1 - t : 0) },
  bicubic: { radius: 2, at: (t) => (t < 1 ? (1.5 * t - 2.5) * t * t + 1 : t < 2 ? ((-0.5 * t + 2.5) * t - 4) * t + 2 : 0) },
};

/** PyTorch's antialiased weights along one axis (support = the kernel's radius × scale when shrinking). */
function axisWeights(inSize: number, outSize: number, kernel: ResizeKernel): AxisWeights {
  const { radius, at } = FILTERS[kernel];
  const scale = inSize / outSize;
  const support = radius * (scale >= 1 ? scale : 1);
  const invScale = scale >= 1 ? 1 / scale : 1;
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const size = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - lo;
    let total = 0;
    for (let k = 0; k < n; k++) {
      const wgt = at(Math.abs((k + lo - center + 0.5) * invScale));
      weights[i * stride + k] = wgt;
      total += wgt;
    }
    for (let k = 0; k < n; k++) weights[i * stride + k] = total > 0 ? weights[i * stride + k] / total : 0;
    start[i] = lo;
    size[i] = n;
  }
  return { start, size, weights, stride };
}
