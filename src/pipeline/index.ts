export { colorize, createColorizeActor, runColorizeActor, errorFromPipeline } from './colorize.js';
export type { ColorizeActor, ColorizeSnapshot } from './colorize.js';
export { pipelineMachine } from './pipeline-machine.js';
export type { PipelineContext, PipelineError, PipelineMachine } from './pipeline-machine.js';
export { ColorizeOptionsSchema, ColorHintSchema, OUTPUT_FORMATS } from './options-schema.js';
export type { ColorHint, ColorizeOptionsInput, ColorizeSettings } from './options-schema.js';
export { validateOptions } from './validate-options.js';
export { RuntimeOptionsSchema, validateRuntimeOptions, MAX_TILE_SIZE } from './runtime-options-schema.js';
export type * from './types.js';
