/** Interleaved 8-bit sRGB, 3 channels: what every RGB metric takes. */
export interface Rgb8Image {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** CIE Lab (D65) planes, one value per pixel. */
export interface LabPlanes {
  width: number;
  height: number;
  L: Float32Array;
  a: Float32Array;
  b: Float32Array;
}
