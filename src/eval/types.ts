import type { LabPlanes } from '../color/index.js';

export type { LabPlanes };

/** Interleaved 8-bit sRGB, 3 channels: what every RGB metric takes. */
export interface Rgb8Image {
  width: number;
  height: number;
  rgb: Uint8Array;
}
