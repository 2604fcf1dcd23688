/**
 * The pixels 4-connected to `start` through pixels that `accept` (start itself is always in), as a mask.
 * Iterative, so large regions do not overflow the stack.
 */
export function floodFill(width: number, height: number, start: number, accept: (i: number) => boolean): Uint8Array {
  const out = new Uint8Array(width * height);
  const stack = [start];
  out[start] = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    const x = i % width;
    for (const j of [x > 0 ? i - 1 : -1, x + 1 < width ? i + 1 : -1, i - width, i + width]) {
      if (j < 0 || j >= width * height || out[j] || !accept(j)) continue;
      out[j] = 1;
      stack.push(j);
    }
  }
  return out;
}
