import * as ort from 'onnxruntime-node';

/**
 * The CPU's practical peak FLOP/s as ONNX Runtime reaches it: a one-node MatMul model (built here as
 * ONNX protobuf bytes, no file) run on all intra-op threads. Benchmarks report model FLOP/s as a
 * share of this, measured in the same run.
 */

// Minimal protobuf writer: varints and length-delimited fields are all an ONNX graph of one node needs.
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, value: number) => [...tag(field, 0), ...varint(value)];
const bytes = (field: number, payload: number[]) => [...tag(field, 2), ...varint(payload.length), ...payload];
const str = (field: number, text: string) => bytes(field, [...Buffer.from(text, 'utf8')]);

/** ValueInfoProto of a float tensor with symbolic dims. */
function floatInput(name: string, dims: [string, string]): number[] {
  const shape = dims.flatMap((d) => bytes(1, str(2, d))); // TensorShapeProto.dim { dim_param }
  const tensorType = [...int(1, 1), ...bytes(2, shape)]; // elem_type FLOAT = 1
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

export function matmulModelBytes(): Uint8Array {
  const node = [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'C'), ...str(3, 'matmul'), ...str(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'peak_flops_probe'),
    ...bytes(11, floatInput('A', ['m', 'k'])),
    ...bytes(11, floatInput('B', ['k', 'n'])),
    ...bytes(12, floatInput('C', ['m', 'n'])),
  ];
  const opset = [...str(1, ''), ...int(2, 17)];
  return Uint8Array.from([...int(1, 8), ...str(2, 'color-wizard'), ...bytes(7, graph), ...bytes(8, opset)]);
}

let session: Promise<ort.InferenceSession> | undefined;

/** Runs one n×n · n×n float32 MatMul in ONNX Runtime; returns its wall time. */
export async function runMatmulProbe(n: number): Promise<{ seconds: number; method: string; threads: number }> {
  session ??= ort.InferenceSession.create(matmulModelBytes(), { intraOpNumThreads: 0, graphOptimizationLevel: 'all' });
  const s = await session;
  const a = new ort.Tensor('float32', new Float32Array(n * n).fill(1), [n, n]);
  const b = new ort.Tensor('float32', new Float32Array(n * n).fill(0.5), [n, n]);
  const t0 = performance.now();
  const out = await s.run({ A: a, B: b });
  const seconds = (performance.now() - t0) / 1000;
  const c = out.C as ort.Tensor;
  if ((c.data as Float32Array)[0] !== n * 0.5) throw new Error('MatMul probe computed a wrong product.');
  const { availableParallelism } = await import('node:os');
  return { seconds, method: 'onnxruntime MatMul (float32, all cores)', threads: availableParallelism() };
}
