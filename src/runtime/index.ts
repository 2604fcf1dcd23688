export { OnnxModel, modelClock } from './onnx-model.js';
export { checkOnnxHeader } from './check-onnx-header.js';
export type { TensorContract, SessionSettings } from './onnx-model.js';
export { EXECUTION_PROVIDERS, parseExecutionProvider, assertProviderAvailable } from './providers.js';
export type { ExecutionProvider } from './providers.js';
export { elementCount, sliceBatch, concatBatch, tileBatch } from './tensor.js';
export type { FloatTensor, IdsTensor, HostTensor } from './tensor.js';
export { runMatmulProbe, matmulModelBytes } from './matmul-probe.js';
export { SessionSettingsSchema, validateSessionSettings, MAX_INTRA_OP_THREADS } from './session-settings-schema.js';
