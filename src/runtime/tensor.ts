import * as ort from 'onnxruntime-node';

/** A plain tensor the rest of the package passes around; ORT tensors stay inside src/runtime. */
export interface FloatTensor {
  data: Float32Array;
  dims: readonly number[];
}

export interface IdsTensor {
  data: BigInt64Array;
  dims: readonly number[];
}

export type HostTensor = FloatTensor | IdsTensor;

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function toOrtTensor(tensor: HostTensor): ort.Tensor {
  return tensor.data instanceof BigInt64Array
    ? new ort.Tensor('int64', tensor.data, tensor.dims)
    : new ort.Tensor('float32', tensor.data, tensor.dims);
}

/** Slice items [start, start+count) along the first axis without copying. */
export function sliceBatch(tensor: FloatTensor, start: number, count: number): FloatTensor {
  const per = elementCount(tensor.dims.slice(1));
  return { data: tensor.data.subarray(start * per, (start + count) * per), dims: [count, ...tensor.dims.slice(1)] };
}

/** Concatenate along the first axis. */
export function concatBatch(tensors: readonly FloatTensor[]): FloatTensor {
  const rest = tensors[0].dims.slice(1);
  let batch = 0;
  for (const t of tensors) batch += t.dims[0];
  const out = new Float32Array(batch * elementCount(rest));
  let offset = 0;
  for (const t of tensors) {
    out.set(t.data, offset);
    offset += t.data.length;
  }
  return { data: out, dims: [batch, ...rest] };
}

/** Repeat each batch item `times` times in place order: [a, b] × 2 → [a, b, a, b]. */
export function tileBatch(tensor: FloatTensor, times: number): FloatTensor {
  return concatBatch(Array.from({ length: times }, () => tensor));
}
