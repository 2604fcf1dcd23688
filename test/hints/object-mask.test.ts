import { describe, expect, it } from 'vitest';
import { applyHintField, buildHintField, groundIntents } from '../../src/hints/index.js';
import { objectMask } from '../../src/hints/object-mask.js';
import { parsePrompt } from '../../src/prompts/index.js';

/** Light background (L 80, faint texture) with a dark disc (L 30) of radius r at (cx, cy). */
function discScene(w: number, h: number, cx: number, cy: number, r: number): Float32Array {
  const L = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) L[y * w + x] = (x - cx) ** 2 + (y - cy) ** 2 <= r * r ? 30 : 80 + ((x * 7 + y * 13) % 3);
  return L;
}

const chroma = (f: { a: Float32Array; b: Float32Array }, i: number) => Math.hypot(f.a[i], f.b[i]);

describe('object masks: a detector box refined on L', () => {
  const w = 120;
  const h = 90;
  const L = discScene(w, h, 60, 45, 20);
  // The detector's box is loose: 12 px of background around the disc on every side.
  const box: [number, number, number, number] = [28, 13, 64, 64];

  it('is the object inside the box and not the background the box also holds', () => {
    const m = objectMask(L, w, h, [28, 13, 91, 76]);
    const at = (x: number, y: number) => m.data[(y - m.y0) * m.w + (x - m.x0)];
    expect(at(60, 45)).toBeGreaterThan(0.9); // disc centre
    expect(at(60, 30)).toBeGreaterThan(0.9); // inside the disc, near its rim
    expect(at(31, 16)).toBeLessThan(0.1); // box corner: background
    expect(at(36, 45)).toBeLessThan(0.2); // background between the disc and the box's side
    expect(at(10, 10)).toBe(0); // outside the box
  });

  it('falls off from the box centre for an object the same lightness as its surroundings; keeps a box without surroundings', () => {
    const flat = new Float32Array(w * h).fill(50);
    const m = objectMask(flat, w, h, [28, 13, 91, 76]);
    const at = (x: number, y: number) => m.data[(y - m.y0) * m.w + (x - m.x0)];
    // No evidence either way: the centre half is the object, the rim fades (detector boxes centre their object).
    expect(at(60, 45)).toBe(1);
    expect(at(46, 45)).toBe(1);
    expect(at(36, 45)).toBeGreaterThan(0.5);
    expect(at(29, 14)).toBeLessThan(at(36, 45));
    const whole = objectMask(L, w, h, [0, 0, w - 1, h - 1]);
    expect(whole.data.every((v) => v === 1)).toBe(true);
  });

  it('grounds "red ball" on the disc, not on the rest of its box (end to end through the hint field)', () => {
    const intents = parsePrompt('red ball');
    const { hints, grounding } = groundIntents(intents, [{ label: 'sports ball', box, score: 0.8 }], w, h);
    expect(grounding[0]).toMatchObject({ grounded: true, box });
    const out = applyHintField({ a: new Float32Array(w * h), b: new Float32Array(w * h) }, buildHintField(L, w, h, hints));
    const [ra, rb] = intents[0].ab;
    const centre = 45 * w + 60;
    expect(Math.hypot(out.a[centre] - ra, out.b[centre] - rb)).toBeLessThan(0.2 * Math.hypot(ra, rb));
    for (const [x, y] of [[31, 16], [88, 74], [34, 45], [60, 16]]) expect(chroma(out, y * w + x), `${x},${y}`).toBeLessThan(0.25 * Math.hypot(ra, rb));
    for (const [x, y] of [[5, 5], [110, 45]]) expect(chroma(out, y * w + x)).toBeLessThan(0.5);
  });
});
