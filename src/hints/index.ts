/** Colour constraints that must land where they were put: points, strokes, objects, a reference's matches. */
export type { HintShape, ResolvedHint } from './hint-shapes.js';
export { shapeDistance, forEachPixelIn } from './hint-shapes.js';
export { buildHintField, applyHintField, HINT_FIELD_DEFAULTS } from './hint-field.js';
export type { HintField, HintFieldOptions } from './hint-field.js';
export { resolveUserHints, checkInside, defaultHintRadius, hintMapPoints } from './resolve-hints.js';
export { referenceHints } from './reference-hints.js';
export type { ReferenceLab, ReferenceHintOptions } from './reference-hints.js';
export { groundIntents, targetLabel, DetectionSchema, GROUNDING_MIN_SCORE } from './grounding.js';
export type { Detection, Detector, Grounding } from './grounding.js';
export { geodesicDistance } from './geodesic-distance.js';
export { domainTransformFilter } from './domain-transform.js';
