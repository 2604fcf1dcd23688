import { describe, expect, it } from 'vitest';
import { rgbToLab, rgbToLightness } from '../../src/color/index.js';
import { OptionsError } from '../../src/errors/index.js';
import { encodeImage, readImage } from '../../src/image/index.js';
import type { Detector } from '../../src/hints/index.js';
import { colorize } from '../../src/pipeline/index.js';
import { hexToAb } from '../../src/prompts/index.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';

const model = TINY_PACK;
const W = 64;
const H = 48;
/** Two regions, dark left and light right, meeting at x = 32. */
function twoRegionRgb(): Uint8Array {
  const rgb = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) rgb.fill((i % W) < W / 2 ? 70 : 190, 3 * i, 3 * i + 3);
  return rgb;
}
const input = { width: W, height: H, rgb: twoRegionRgb() };
const base = { model, seed: 3, steps: 2 };

async function lab(png: Buffer) {
  const img = await readImage(png);
  return rgbToLab(img.rgb, img.width, img.height);
}

const chroma = (l: { a: Float32Array; b: Float32Array }, i: number) => Math.hypot(l.a[i], l.b[i]);

describe('strength', () => {
  it('0 gives gray with the exact L of the input', async () => {
    const out = await lab((await colorize(input, { ...base, strength: 0 })).samples[0].image);
    const lIn = rgbToLightness(input.rgb, W, H);
    for (let i = 0; i < W * H; i++) {
      expect(chroma(out, i)).toBeLessThan(0.6); // 8-bit gray: a, b vanish up to rounding
      expect(Math.abs(out.L[i] - lIn[i])).toBeLessThan(0.5);
    }
  });

  it('2 doubles the chroma at constant hue, within gamut', async () => {
    const hint = { x: 10, y: 10, color: '#6e5a4a', radius: 6 }; // a low-chroma colour: doubled it stays in gamut
    const one = await lab((await colorize(input, { ...base, hints: [hint] })).samples[0].image);
    const two = await lab((await colorize(input, { ...base, hints: [hint], strength: 2 })).samples[0].image);
    const i = 10 * W + 10;
    expect(chroma(two, i) / chroma(one, i)).toBeGreaterThan(1.85);
    expect(chroma(two, i) / chroma(one, i)).toBeLessThan(2.15);
    expect(Math.atan2(two.b[i], two.a[i])).toBeCloseTo(Math.atan2(one.b[i], one.a[i]), 1);
  });
});

describe('hints and strokes through colorize', () => {
  it('a hint lands on its region and stops at the edge', async () => {
    const color = '#3a5f9a';
    const out = await lab((await colorize(input, { ...base, hints: [{ x: 8, y: 24, color }] })).samples[0].image);
    const [ha, hb] = hexToAb(color);
    const at = 24 * W + 8;
    expect(Math.hypot(out.a[at] - ha, out.b[at] - hb)).toBeLessThan(3);
    const far = 44 * W + 28; // same region, far from the hint
    expect(out.b[far]).toBeLessThan(0.5 * hb);
  });

  it('strokes are drawn along their polyline', async () => {
    const color = '#9a4a3a';
    const out = await lab((await colorize(input, { ...base, strokes: [{ points: [[4, 4], [4, 40]], color, width: 3 }] })).samples[0].image);
    const [ha] = hexToAb(color);
    expect(Math.abs(out.a[30 * W + 4] - ha)).toBeLessThan(3);
  });

  it('hints or strokes outside the image fail with an OPTIONS error naming them', async () => {
    await expect(colorize(input, { ...base, strokes: [{ points: [[1, 1], [200, 2]], color: '#fff' }] })).rejects.toThrow(/stroke 1, point 2: \(200, 2\) lies outside/);
    await expect(colorize(input, { ...base, hints: [{ x: 64, y: 0, color: '#fff' }] })).rejects.toThrow(/hint 1: \(64, 0\) lies outside/);
    await expect(colorize(input, { ...base, strokes: [{ points: [], color: '#fff' }] })).rejects.toThrow(/stroke 1 points: at least one/);
  });
});

describe('palette and reference', () => {
  it('a palette restricts every hue to the palette’s', async () => {
    const palette = ['#b03020', '#2050b0'];
    const out = await lab((await colorize(input, { ...base, palette, hints: [] })).samples[0].image);
    const hues = palette.map((p) => { const [a, b] = hexToAb(p); return Math.atan2(b, a); });
    for (let i = 0; i < W * H; i++) {
      if (chroma(out, i) < 3) continue; // 8-bit rounding blurs the hue of nearly gray pixels
      const h = Math.atan2(out.b[i], out.a[i]);
      const d = Math.min(...hues.map((p) => Math.abs(Math.atan2(Math.sin(h - p), Math.cos(h - p)))));
      expect(d).toBeLessThan(0.35);
    }
  });

  it('bad palette colours are OPTIONS errors', async () => {
    await expect(colorize(input, { ...base, palette: ['#12345'] })).rejects.toBeInstanceOf(OptionsError);
    await expect(colorize(input, { ...base, palette: [] })).rejects.toBeInstanceOf(OptionsError);
  });

  it('a reference transfers its colours by lightness (data: URL)', async () => {
    // Reference: dark blue-ish left, light orange right — the same layout and lightness as the input.
    const rgb = new Uint8Array(W * H * 3);
    for (let i = 0; i < W * H; i++) rgb.set(i % W < W / 2 ? [40, 70, 120] : [230, 180, 130], 3 * i);
    const png = await encodeImage({ width: W, height: H, rgb }, { format: 'png' });
    const reference = `data:image/png;base64,${png.toString('base64')}`;
    const out = await lab((await colorize(input, { ...base, reference })).samples[0].image);
    expect(out.b[24 * W + 10]).toBeLessThan(-10); // blue side
    expect(out.b[24 * W + 50]).toBeGreaterThan(10); // orange side
  });

  it('an unreadable reference is an OPTIONS error', async () => {
    await expect(colorize(input, { ...base, reference: 'data:image/png;base64,AAAA' })).rejects.toMatchObject({ code: 'OPTIONS' });
    await expect(colorize(input, { ...base, reference: '/no/such/file.png' })).rejects.toMatchObject({ code: 'OPTIONS' });
  });
});

describe('grounding with a stub detector', () => {
  const detector: Detector = async () => [
    { label: 'car', box: [34, 8, 26, 30], score: 0.9 },
    { label: 'dog', box: [2, 2, 10, 10], score: 0.1 }, // too unsure to ground anything
  ];

  it('"<colour> <object>" colours the detected box and reports it', async () => {
    const result = await colorize(input, { ...base, prompt: 'red car, green dog, blue sky', detector });
    const [car, dog, sky] = result.prompt.understood;
    expect(car).toMatchObject({ color: 'red', target: 'car', grounded: true, label: 'car', box: [34, 8, 26, 30], score: 0.9 });
    expect(dog).toMatchObject({ grounded: false });
    expect(sky).toMatchObject({ grounded: false });
    const out = await lab(result.samples[0].image);
    const plain = await lab((await colorize(input, { ...base, prompt: 'red car, green dog, blue sky' })).samples[0].image);
    const [ra, rb] = hexToAb('#c8281e');
    const inBox = 20 * W + 47;
    // Red hue (the light region cannot hold the word's full chroma: gamut mapping keeps L and hue).
    expect(Math.abs(Math.atan2(out.b[inBox], out.a[inBox]) - Math.atan2(rb, ra))).toBeLessThan(0.3);
    expect(Math.hypot(out.a[inBox], out.b[inBox])).toBeGreaterThan(20);
    const below = 44 * W + 47; // same region, outside the box: as without grounding
    expect(Math.abs(out.a[below] - plain.a[below])).toBeLessThan(1);
  });

  it('a grounded phrase leaves the text prompt: outside its box the photo is the automatic one', async () => {
    const grounded = await lab((await colorize(input, { ...base, prompt: 'a red car', detector })).samples[0].image);
    const automatic = await lab((await colorize(input, { ...base, detector })).samples[0].image);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < 34; x++) {
        const i = y * W + x;
        expect(grounded.a[i]).toBe(automatic.a[i]);
        expect(grounded.b[i]).toBe(automatic.b[i]);
      }
    }
  });

  it('without a detector phrases are reported as not grounded', async () => {
    const result = await colorize(input, { ...base, prompt: 'red car' });
    expect(result.prompt.understood[0]).toMatchObject({ grounded: false });
  });
});
