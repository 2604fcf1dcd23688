export { encodeGray, normalizeLightness } from './encode-gray.js';
export { anchorLatent, encodeSemantic, semanticInput } from './encode-semantic.js';
export { quantizeLatent } from './quantize.js';
export { decodeAb, decodeTiles } from './decode-ab.js';
export type { DecodeOptions, DecodeTile } from './decode-ab.js';
export { resizeBilinear, resizeArea } from './bilinear.js';
export { resizeAntialiased } from './resize-antialiased.js';
export { guidedUpsample } from './guided-upsample.js';
export type { GuidedUpsampleOptions } from './guided-upsample.js';
