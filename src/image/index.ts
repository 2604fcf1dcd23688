/** Image files in and out; the only module that imports sharp. */
export type { DecodedImage, DecodedImageMetadata, RgbImage } from './decoded-image.js';
export type { ImageLimits } from './image-limits.js';
export { DEFAULT_MAX_PIXELS } from './image-limits.js';
export { readImage } from './read-image.js';
export { probeImage } from './probe-image.js';
export { SUPPORTED_INPUT_FORMATS } from './read-image-header.js';
export type { OutputFormat } from './format-from-path.js';
export { formatFromPath, OUTPUT_FORMATS } from './format-from-path.js';
export type { EncodeOptions } from './encode-image.js';
export { encodeImage } from './encode-image.js';
export { writeImage } from './write-image.js';
export type { WriteImageOptions } from './write-image.js';
export { resizePlane } from './resize-plane.js';
export { isColorWizardOutput, OUTPUT_SOFTWARE } from './output-marker.js';
export type { ContactSheetRow } from './make-contact-sheet.js';
export { makeContactSheet } from './make-contact-sheet.js';
