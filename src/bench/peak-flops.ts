/**
 * This CPU's peak FLOP/s as JavaScript reaches it: a blocked float32 matmul C = A·B on one thread.
 * It is a floor for what ONNX Runtime's SIMD kernels reach on all cores (they can exceed it several
 * times), so shares of it overstate efficiency; a runtime MatMul probe belongs in src/runtime
 * (the only importer of onnxruntime-node) and can be passed in as `probe`.
 */

export interface PeakFlops {
  /** Best FLOP/s over the timed repeats (2·n³ per matmul). */
  flopsPerSecond: number;
  method: string;
  n: number;
  threads: number;
  repeats: number;
  seconds: number;
}

/** Something that runs an n×n·n×n float32 matmul and reports its seconds (e.g. an ONNX Runtime session). */
export type MatmulProbe = (n: number) => Promise<{ seconds: number; method: string; threads: number }>;

export interface PeakFlopsOptions {
  /** Matrix side; 384 fits the operands (3 × 576 KiB) in a typical L2 + L3. */
  n?: number;
  /** Keep timing until this much time has passed (at least 3 repeats). */
  minSeconds?: number;
  probe?: MatmulProbe;
}

export async function measurePeakFlops(options: PeakFlopsOptions = {}): Promise<PeakFlops> {
  const n = options.n ?? 384;
  const minSeconds = options.minSeconds ?? 1;
  const flops = 2 * n ** 3;
  if (options.probe !== undefined) {
    const runs: number[] = [];
    let method = '';
    let threads = 1;
    const started = performance.now();
    await options.probe(n); // warm-up: first runs pay for allocation and thread start.
    while (runs.length < 3 || (performance.now() - started) / 1000 < minSeconds) {
      const r = await options.probe(n);
      runs.push(r.seconds);
      method = r.method;
      threads = r.threads;
    }
    return { flopsPerSecond: flops / Math.min(...runs), method, n, threads, repeats: runs.length, seconds: (performance.now() - started) / 1000 };
  }
  const a = filled(n * n, 1);
  const b = filled(n * n, 2);
  const c = new Float32Array(n * n);
  matmulBlocked(a, b, c, n); // warm-up: lets V8 optimise the kernel before timing.
  const runs: number[] = [];
  const started = performance.now();
  while (runs.length < 3 || (performance.now() - started) / 1000 < minSeconds) {
    const t0 = performance.now();
    matmulBlocked(a, b, c, n);
    runs.push((performance.now() - t0) / 1000);
  }
  return {
    flopsPerSecond: flops / Math.min(...runs),
    method: 'js-float32-blocked-ikj',
    n,
    threads: 1,
    repeats: runs.length,
    seconds: (performance.now() - started) / 1000,
  };
}

const BLOCK = 64;

/**
 * C = A·B for row-major n×n matrices. i-k-j order keeps the inner loop a contiguous
 * multiply-add over rows of B and C (vectorisable, no strided loads); 64-blocks of k and j keep the
 * touched B panel (64×64×4 B = 16 KiB) in L1.
 */
export function matmulBlocked(a: Float32Array, b: Float32Array, c: Float32Array, n: number): void {
  c.fill(0);
  for (let kk = 0; kk < n; kk += BLOCK) {
    const kEnd = Math.min(kk + BLOCK, n);
    for (let jj = 0; jj < n; jj += BLOCK) {
      const jEnd = Math.min(jj + BLOCK, n);
      for (let i = 0; i < n; i++) {
        const rowA = i * n;
        const rowC = i * n;
        for (let k = kk; k < kEnd; k++) {
          const aik = a[rowA + k];
          const rowB = k * n;
          for (let j = jj; j < jEnd; j++) c[rowC + j] += aik * b[rowB + j];
        }
      }
    }
  }
}

/** Deterministic values in [-1, 1) so no denormals or infinities slow or spoil the timing. */
function filled(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let s = seed * 2654435761;
  for (let i = 0; i < length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
