/** The pack's object detector: one run per image, CenterNet peaks decoded into labelled boxes in image pixels. */
export { decodeDetections, DECODE_DEFAULTS } from './decode-detections.js';
export type { DecodedPeak, DecodeOptions } from './decode-detections.js';
export { detectObjects, packDetector } from './detect-objects.js';
