/**
 * What every kind of color constraint becomes before propagation: a shape in input pixels and a chroma.
 * Points, strokes, grounded object boxes and reference matches all take this one path.
 */
export type HintShape =
  | { kind: 'disk'; x: number; y: number; r: number }
  | { kind: 'stroke'; points: readonly (readonly [number, number])[]; halfWidth: number }
  | { kind: 'box'; x: number; y: number; w: number; h: number };

export interface ResolvedHint {
  shape: HintShape;
  /** Target chroma (CIE a, b); L stays the photo's. */
  a: number;
  b: number;
  /**
   * Hard hints (a user's points and strokes) are stamped at full resolution: inside their shape the
   * output is exactly their chroma. Soft ones (reference matches, object boxes) only seed propagation.
   */
  hard: boolean;
  /** Object boxes: propagation from this hint stays inside this rectangle (x, y, w, h), on the object's soft mask. */
  clip?: readonly [number, number, number, number];
}

/** Distance in pixels from (x, y) to the shape's outline, ≤ 0 inside. */
export function shapeDistance(shape: HintShape, x: number, y: number): number {
  if (shape.kind === 'disk') return Math.hypot(x - shape.x, y - shape.y) - shape.r;
  if (shape.kind === 'box') {
    const dx = Math.max(shape.x - x, 0, x - (shape.x + shape.w));
    const dy = Math.max(shape.y - y, 0, y - (shape.y + shape.h));
    return Math.hypot(dx, dy);
  }
  const pts = shape.points;
  let best = Infinity;
  if (pts.length === 1) best = Math.hypot(x - pts[0][0], y - pts[0][1]);
  for (let k = 0; k + 1 < pts.length; k++) best = Math.min(best, segmentDistance(x, y, pts[k], pts[k + 1]));
  return best - shape.halfWidth;
}

function segmentDistance(x: number, y: number, p: readonly [number, number], q: readonly [number, number]): number {
  const vx = q[0] - p[0];
  const vy = q[1] - p[1];
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - p[0]) * vx + (y - p[1]) * vy) / len2));
  return Math.hypot(x - p[0] - t * vx, y - p[1] - t * vy);
}

/** Bounding box [x0, y0, x1, y1] of the shape grown by `pad`, in input pixels. */
export function shapeBounds(shape: HintShape, pad: number): [number, number, number, number] {
  if (shape.kind === 'disk') return [shape.x - shape.r - pad, shape.y - shape.r - pad, shape.x + shape.r + pad, shape.y + shape.r + pad];
  if (shape.kind === 'box') return [shape.x - pad, shape.y - pad, shape.x + shape.w + pad, shape.y + shape.h + pad];
  const xs = shape.points.map((p) => p[0]);
  const ys = shape.points.map((p) => p[1]);
  const g = shape.halfWidth + pad;
  return [Math.min(...xs) - g, Math.min(...ys) - g, Math.max(...xs) + g, Math.max(...ys) + g];
}

/**
 * Calls fn(index) for every pixel of a w×h grid that samples the input image (iw×ih) and lies within
 * `minRadius` (input pixels) of the shape; a shape that covers no pixel center gets its nearest pixel.
 */
export function forEachPixelIn(shape: HintShape, iw: number, ih: number, w: number, h: number, minRadius: number, fn: (index: number) => void): void {
  const sx = iw / w;
  const sy = ih / h;
  const [x0, y0, x1, y1] = shapeBounds(shape, minRadius);
  const gx0 = Math.max(0, Math.floor((x0 + 0.5) / sx - 0.5));
  const gy0 = Math.max(0, Math.floor((y0 + 0.5) / sy - 0.5));
  const gx1 = Math.min(w - 1, Math.ceil((x1 + 0.5) / sx - 0.5));
  const gy1 = Math.min(h - 1, Math.ceil((y1 + 0.5) / sy - 0.5));
  let covered = 0;
  for (let gy = gy0; gy <= gy1; gy++) {
    const y = (gy + 0.5) * sy - 0.5;
    for (let gx = gx0; gx <= gx1; gx++) {
      const x = (gx + 0.5) * sx - 0.5;
      if (shapeDistance(shape, x, y) <= minRadius) {
        fn(gy * w + gx);
        covered++;
      }
    }
  }
  if (covered === 0) {
    const [cx, cy] = anchorOf(shape);
    const gx = Math.min(w - 1, Math.max(0, Math.round((cx + 0.5) / sx - 0.5)));
    const gy = Math.min(h - 1, Math.max(0, Math.round((cy + 0.5) / sy - 0.5)));
    fn(gy * w + gx);
  }
}

function anchorOf(shape: HintShape): [number, number] {
  if (shape.kind === 'disk') return [shape.x, shape.y];
  if (shape.kind === 'box') return [shape.x + shape.w / 2, shape.y + shape.h / 2];
  return [shape.points[0][0], shape.points[0][1]];
}
