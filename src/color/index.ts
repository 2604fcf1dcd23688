/** Pure CIE Lab colour science on typed arrays (sRGB, D65, 2°). No image I/O here. */
export type { LabPlanes, PlaneTriple } from './lab-planes.js';
export { createLabPlanes } from './lab-planes.js';
export type { RgbSamples } from './srgb-planes.js';
export { rgbToLab } from './rgb-to-lab.js';
export { rgbToLightness } from './rgb-to-lightness.js';
export { mergeLightness, LIGHTNESS_NUDGE_THRESHOLD } from './merge-lightness.js';
export type { MergeLightnessOptions } from './merge-lightness.js';
export { labToRgbFloat } from './lab-to-rgb-float.js';
export { gamutMapLab } from './gamut-map-lab.js';
export { srgbToLinearPlanes, linearPlanesToSrgb } from './srgb-planes.js';
export { linearToXyz, xyzToLinear } from './linear-xyz.js';
export { xyzToLab, labToXyz } from './xyz-lab.js';
export { srgbToLinear, linearToSrgb, srgbToLinearPlane, linearToSrgbPlane } from './srgb-transfer.js';
export { labF, labFInverse } from './lab-companding.js';
export { CIE_EPSILON, CIE_KAPPA, D65_WHITE, SRGB_TO_XYZ, XYZ_TO_SRGB } from './constants.js';
export { scaleChroma } from './scale-chroma.js';
export { restrictHues, NEUTRAL_CHROMA } from './restrict-hues.js';
