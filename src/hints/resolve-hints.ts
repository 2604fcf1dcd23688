import { OptionsError } from '../errors/index.js';
import type { ColorHint, ColorStroke } from '../prompts/color-hint.js';
import { optionLabel } from '../prompts/color-hint.js';
import { hexToAb } from '../prompts/parse-prompt.js';
import type { ResolvedHint } from './hint-shapes.js';

/** Default hint radius: about 1.5 % of the short side, never under 3 px, so a click covers a few pixels. */
export function defaultHintRadius(width: number, height: number): number {
  return Math.max(3, 0.015 * Math.min(width, height));
}

/**
 * The user's points and strokes as hard hints, checked against the image (coordinates are in input
 * pixels after EXIF orientation). Errors name the hint or stroke, so a client can fix it.
 */
export function resolveUserHints(hints: readonly ColorHint[], strokes: readonly ColorStroke[], width: number, height: number): ResolvedHint[] {
  checkInside(hints, strokes, width, height);
  const radius = defaultHintRadius(width, height);
  const out: ResolvedHint[] = [];
  for (const h of hints) {
    const [a, b] = hexToAb(h.color);
    out.push({ shape: { kind: 'disk', x: h.x, y: h.y, r: h.radius ?? radius }, a, b, hard: true });
  }
  for (const s of strokes) {
    const [a, b] = hexToAb(s.color);
    out.push({ shape: { kind: 'stroke', points: s.points, halfWidth: (s.width ?? 2 * radius) / 2 }, a, b, hard: true });
  }
  return out;
}

/** Throws an OptionsError listing every hint or stroke point outside a width×height image. */
export function checkInside(hints: readonly ColorHint[], strokes: readonly ColorStroke[], width: number, height: number): void {
  const issues: { path: string; label: string; message: string }[] = [];
  for (const [k, h] of hints.entries()) {
    if (h.x >= width || h.y >= height) issues.push({ path: `hints.${k}`, label: optionLabel(['hints', k]), message: `(${h.x}, ${h.y}) lies outside the ${width}×${height} image` });
  }
  for (const [k, s] of strokes.entries()) {
    const p = s.points.findIndex(([x, y]) => x >= width || y >= height);
    if (p >= 0) {
      issues.push({ path: `strokes.${k}.points.${p}`, label: optionLabel(['strokes', k, 'points', p]), message: `(${s.points[p][0]}, ${s.points[p][1]}) lies outside the ${width}×${height} image` });
    }
  }
  if (issues.length > 0) {
    throw new OptionsError(`Invalid colorize options: ${issues.map((i) => `${i.label}: ${i.message}`).join('; ')}`, {
      details: { issues: issues.map(({ path, message }) => ({ path, message })), width, height },
    });
  }
}

/**
 * Hints as points for the guider's hint map (it was trained on points): a stroke becomes points
 * every half width along it, capped so a long scribble does not flood the map. Object boxes stay out:
 * a point at a box's centre made the model tint the whole photo (eval --steering: ΔE00 7 against
 * automatic outside the object, 0 without it); the edge-aware propagation alone places their colour.
 */
export function hintMapPoints(hints: readonly ResolvedHint[], maxPoints = 512): { x: number; y: number; r: number; a: number; b: number }[] {
  const points: { x: number; y: number; r: number; a: number; b: number }[] = [];
  for (const h of hints) {
    const s = h.shape;
    if (s.kind === 'disk') points.push({ x: s.x, y: s.y, r: s.r, a: h.a, b: h.b });
    else if (s.kind === 'box') continue;
    else {
      const step = Math.max(1, s.halfWidth);
      points.push({ x: s.points[0][0], y: s.points[0][1], r: s.halfWidth, a: h.a, b: h.b });
      for (let k = 0; k + 1 < s.points.length; k++) {
        const [x0, y0] = s.points[k];
        const [x1, y1] = s.points[k + 1];
        const count = Math.ceil(Math.hypot(x1 - x0, y1 - y0) / step);
        for (let j = 1; j <= count; j++) points.push({ x: x0 + ((x1 - x0) * j) / count, y: y0 + ((y1 - y0) * j) / count, r: s.halfWidth, a: h.a, b: h.b });
      }
    }
  }
  if (points.length <= maxPoints) return points;
  const keep = points.length / maxPoints;
  return Array.from({ length: maxPoints }, (_, k) => points[Math.floor(k * keep)]);
}
