import * as ort from 'onnxruntime-node';
import { ModelPackError, ModelRunError } from '../errors/index.js';
import type { ExecutionProvider } from './providers.js';
import { assertProviderAvailable } from './providers.js';
import type { FloatTensor, HostTensor } from './tensor.js';
import { elementCount, toOrtTensor } from './tensor.js';

export interface TensorContract {
  name: string;
  dtype: 'float32' | 'int64';
  shape: readonly (number | string)[];
}

export interface SessionSettings {
  provider?: ExecutionProvider;
  /** Threads inside one operator; 0 lets ORT pick (all cores). */
  intraOpThreads?: number;
}

/** Wall time spent inside ORT, summed per process, so benchmarks can separate orchestration from model time. */
export const modelClock = { ms: 0 };

/**
 * One ONNX file, opened once, checked against the tensor contract its manifest declares. `open` opens it now;
 * `deferred` opens it on the first `run` (components most runs never call need not cost every process a
 * session's load time and memory).
 */
export class OnnxModel {
  private session: ort.InferenceSession | undefined;
  private opening: Promise<ort.InferenceSession> | undefined;

  private constructor(
    readonly label: string,
    private readonly path: string,
    readonly inputs: readonly TensorContract[],
    readonly outputs: readonly TensorContract[],
    private readonly settings: SessionSettings,
  ) {}

  static async open(
    label: string,
    path: string,
    contract: { inputs: readonly TensorContract[]; outputs: readonly TensorContract[] },
    settings: SessionSettings = {},
  ): Promise<OnnxModel> {
    const model = OnnxModel.deferred(label, path, contract, settings);
    await model.ensureOpen();
    return model;
  }

  /** Checks the provider now; the session is created, and matched against the contract, on first use. */
  static deferred(
    label: string,
    path: string,
    contract: { inputs: readonly TensorContract[]; outputs: readonly TensorContract[] },
    settings: SessionSettings = {},
  ): OnnxModel {
    assertProviderAvailable(settings.provider ?? 'cpu');
    return new OnnxModel(label, path, contract.inputs, contract.outputs, settings);
  }

  /** Whether the session has been created (deferred models: after their first run). */
  get isOpen(): boolean {
    return this.session !== undefined;
  }

  private ensureOpen(): Promise<ort.InferenceSession> {
    if (this.session !== undefined) return Promise.resolve(this.session);
    if (this.opening === undefined) {
      this.opening = createSession(this.label, this.path, this.inputs, this.outputs, this.settings).then(
        (session) => {
          this.session = session;
          return session;
        },
        (error: unknown) => {
          // Not sticky: a file fixed on disk opens on the next call.
          this.opening = undefined;
          throw error;
        },
      );
    }
    return this.opening;
  }

  /** Runs with inputs checked by name, dtype, rank and fixed sizes; returns float outputs by name. */
  async run(feeds: Record<string, HostTensor>): Promise<Record<string, FloatTensor>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const spec of this.inputs) {
      const tensor = feeds[spec.name];
      if (tensor === undefined) throw new ModelRunError(`${this.label}: input "${spec.name}" was not given.`);
      checkTensor(this.label, spec, tensor);
      ortFeeds[spec.name] = toOrtTensor(tensor);
    }
    const session = await this.ensureOpen();
    const started = performance.now();
    let results: ort.InferenceSession.OnnxValueMapType;
    try {
      results = await session.run(ortFeeds);
    } catch (cause) {
      throw new ModelRunError(`${this.label}: ONNX Runtime failed: ${(cause as Error).message}`, { cause });
    } finally {
      modelClock.ms += performance.now() - started;
    }
    const out: Record<string, FloatTensor> = {};
    for (const spec of this.outputs) {
      const value = results[spec.name] as ort.Tensor | undefined;
      if (value === undefined || value.type !== 'float32') {
        throw new ModelRunError(`${this.label}: output "${spec.name}" missing or not float32.`);
      }
      const data = value.data as Float32Array;
      for (let i = 0; i < data.length; i += 997) {
        // Sparse NaN probe: cheap, and a NaN anywhere in a model output poisons the whole image.
        if (Number.isNaN(data[i])) throw new ModelRunError(`${this.label}: output "${spec.name}" contains NaN.`);
      }
      out[spec.name] = { data, dims: value.dims };
    }
    return out;
  }

  async release(): Promise<void> {
    const session = this.session ?? (await this.opening?.catch(() => undefined));
    this.session = undefined;
    this.opening = undefined;
    await session?.release();
  }
}

async function createSession(
  label: string,
  path: string,
  inputs: readonly TensorContract[],
  outputs: readonly TensorContract[],
  settings: SessionSettings,
): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(path, {
      executionProviders: [settings.provider ?? 'cpu'],
      intraOpNumThreads: settings.intraOpThreads ?? 0,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
  } catch (cause) {
    throw new ModelPackError(`${label}: ONNX Runtime cannot load ${path}: ${(cause as Error).message}`, {
      cause,
      details: { component: label, file: path },
    });
  }
  const missingIn = inputs.map((t) => t.name).filter((n) => !session.inputNames.includes(n));
  const extraIn = session.inputNames.filter((n) => !inputs.some((t) => t.name === n));
  const missingOut = outputs.map((t) => t.name).filter((n) => !session.outputNames.includes(n));
  if (missingIn.length > 0 || extraIn.length > 0 || missingOut.length > 0) {
    await session.release();
    throw new ModelPackError(
      `${label}: ${path} does not match its manifest: ` +
        [
          missingIn.length ? `inputs missing from the ONNX graph: ${missingIn.join(', ')}` : '',
          extraIn.length ? `ONNX inputs not in the manifest: ${extraIn.join(', ')}` : '',
          missingOut.length ? `outputs missing from the ONNX graph: ${missingOut.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        ` (graph has inputs [${session.inputNames.join(', ')}], outputs [${session.outputNames.join(', ')}])`,
      { details: { component: label, file: path, missingIn, extraIn, missingOut } },
    );
  }
  return session;
}

function checkTensor(label: string, spec: TensorContract, tensor: HostTensor): void {
  const dtype = tensor.data instanceof BigInt64Array ? 'int64' : 'float32';
  const problem =
    dtype !== spec.dtype
      ? `dtype ${dtype}, expected ${spec.dtype}`
      : tensor.dims.length !== spec.shape.length
        ? `rank ${tensor.dims.length} (dims [${tensor.dims.join(', ')}]), expected rank ${spec.shape.length} ([${spec.shape.join(', ')}])`
        : elementCount(tensor.dims) !== tensor.data.length
          ? `${tensor.data.length} values for dims [${tensor.dims.join(', ')}]`
          : spec.shape.some((s, i) => typeof s === 'number' && s !== tensor.dims[i])
            ? `dims [${tensor.dims.join(', ')}], expected [${spec.shape.join(', ')}]`
            : undefined;
  if (problem !== undefined) {
    throw new ModelRunError(`${label}: input "${spec.name}" has ${problem}.`, {
      details: { component: label, input: spec.name, dims: tensor.dims, expected: spec.shape },
    });
  }
}
