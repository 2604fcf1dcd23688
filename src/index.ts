/** Color Wizard's public API: colorize photos, load model packs, the color math, and the typed errors. */
export { colorize, colorizeWithSettings, createColorizeActor, runColorizeActor, pipelineMachine, ColorizeOptionsSchema, validateOptions, adjustStrength } from './pipeline/index.js';
export type {
  ColorizeInput,
  ColorizeOptions,
  ColorizeOptionsInput,
  ColorizeResult,
  ColorizedSample,
  ColorHint,
  ColorStroke,
  ColorIntent,
  ProgressEvent,
  RawImageInput,
  StageTimings,
  ColorizeActor,
  ColorizeSnapshot,
} from './pipeline/index.js';
export { loadModelPack, unloadModelPacks, listModelPacks, ManifestSchema, manifestJsonSchema, DEFAULT_PACK_NAME } from './packs/index.js';
export type { Manifest, ModelPack, ModelPackInfo } from './packs/index.js';
export { createScheduler, SCHEDULER_NAMES, parseSchedulerConfig } from './schedulers/index.js';
export type { Scheduler, SchedulerName, SchedulerState } from './schedulers/index.js';
export { createGenerator, sampleSeed } from './random/index.js';
export type { RandomGenerator } from './random/index.js';
export { rgbToLab, rgbToLightness, mergeLightness } from './color/index.js';
export type { LabPlanes } from './color/index.js';
export { readImage, encodeImage, writeImage } from './image/index.js';
export type { DecodedImage } from './image/index.js';
export { parsePrompt } from './prompts/index.js';
export { DetectionSchema, GROUNDING_MIN_SCORE, buildHintField, applyHintField } from './hints/index.js';
export type { Detection, Detector, HintField } from './hints/index.js';
export { scaleChroma, restrictHues } from './color/index.js';
export * from './errors/index.js';
export { createServer } from './server/index.js';
