/** CIE Lab image as three planar Float32 channels (row-major, width × height each). */
export interface LabPlanes {
  width: number;
  height: number;
  /** Lightness, 0..100. */
  L: Float32Array;
  /** Green(−)..red(+) chroma axis. */
  a: Float32Array;
  /** Blue(−)..yellow(+) chroma axis. */
  b: Float32Array;
}

/** Three equal-length planes of one quantity (linear R,G,B or X,Y,Z), used by the step functions. */
export type PlaneTriple = readonly [Float32Array, Float32Array, Float32Array];

export function createLabPlanes(width: number, height: number): LabPlanes {
  const n = width * height;
  return { width, height, L: new Float32Array(n), a: new Float32Array(n), b: new Float32Array(n) };
}
