import { OptionsError } from '../errors/index.js';
import type { LabPlanes } from './types.js';

/** The eight basic colour words prompt adherence asks for. */
export const BASIC_COLORS = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown'] as const;
export type BasicColor = (typeof BASIC_COLORS)[number];

/**
 * Colour naming in CIE LCh(ab): a pixel is named by the first rule whose hue interval (degrees,
 * [from, to), wrapping through 0), lightness and chroma ranges it falls in.
 * Hue alone cannot separate red/pink/brown (pink is light red, brown is dark orange), so those
 * rules come first and also test L; the rest split the hue circle. Checked against CSS swatches,
 * e.g. red #ff0000 h 40°, orange #ffa500 h 73°, yellow #ffff00 h 103°, green #008000 h 136°,
 * sky blue #87ceeb h 237°, blue #0000ff h 306°, purple #800080 h 328°, pink #ffc0cb h 9° L 84,
 * deep pink #ff1493 h 356° L 56, saddle brown #8b4513 h 57° L 38, tan #d2b48c h 78° L 75 C 25.
 */
export interface ColorRule {
  name: BasicColor;
  hue: readonly [number, number];
  L?: readonly [number, number];
  C?: readonly [number, number];
}

export const COLOR_RULES: readonly ColorRule[] = [
  { name: 'brown', hue: [40, 90], L: [0, 50] },
  // Muted dark reds (chroma < 40) read as brown too; saturated dark reds (crimson, firebrick) stay red.
  { name: 'brown', hue: [20, 40], L: [0, 50], C: [0, 40] },
  // Muted light oranges (tan, khaki-brown) are light browns rather than orange.
  { name: 'brown', hue: [45, 90], L: [0, 80], C: [0, 30] },
  { name: 'pink', hue: [330, 45], L: [65, 101] },
  { name: 'pink', hue: [335, 360], L: [45, 101] },
  { name: 'red', hue: [350, 45] },
  { name: 'orange', hue: [45, 85] },
  { name: 'yellow', hue: [85, 115] },
  { name: 'green', hue: [115, 200] },
  { name: 'blue', hue: [200, 310] },
  { name: 'purple', hue: [310, 350] },
];

/**
 * A basic colour's hues alone, [from, to) in degrees, for prompts on a photo whose lightness is fixed:
 * pink is red's and magenta's hues, brown is dark orange's and muted red's (the same intervals as COLOR_RULES).
 */
export const HUE_FAMILIES: Readonly<Record<BasicColor, readonly [number, number]>> = {
  red: [350, 45],
  orange: [45, 85],
  yellow: [85, 115],
  green: [115, 200],
  blue: [200, 310],
  purple: [310, 350],
  pink: [330, 45],
  brown: [20, 90],
};

/** Below this chroma a pixel counts as gray: its hue is noise. */
export const MIN_CHROMA = 12;
/** Below this lightness a pixel counts as black, whatever its a, b. */
export const MIN_LIGHTNESS = 8;
/** A region is "gray" unless at least this share of its pixels is chromatic. */
export const MIN_CHROMATIC_SHARE = 0.1;

function inHue(h: number, [from, to]: readonly [number, number]): boolean {
  return from <= to ? h >= from && h < to : h >= from || h < to;
}

function inRange(v: number, range: readonly [number, number] | undefined): boolean {
  return range === undefined || (v >= range[0] && v < range[1]);
}

/** Basic colour name of one Lab colour, or null for gray/black. */
export function nameColor(L: number, a: number, b: number): BasicColor | null {
  const C = Math.hypot(a, b);
  if (C < MIN_CHROMA || L < MIN_LIGHTNESS) return null;
  let h = (Math.atan2(b, a) * 180) / Math.PI;
  if (h < 0) h += 360;
  for (const rule of COLOR_RULES) {
    if (inHue(h, rule.hue) && inRange(L, rule.L) && inRange(C, rule.C)) return rule.name;
  }
  return null;
}

/** Whether a Lab colour is chromatic (not gray or black) with a hue in the colour's family. */
export function inHueFamily(L: number, a: number, b: number, color: BasicColor): boolean {
  if (Math.hypot(a, b) < MIN_CHROMA || L < MIN_LIGHTNESS) return false;
  let h = (Math.atan2(b, a) * 180) / Math.PI;
  if (h < 0) h += 360;
  return inHue(h, HUE_FAMILIES[color]);
}

/** Region as fractions of width and height: left, top, width, height in 0..1. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The middle half of the image in each direction. */
export const CENTER_REGION: Region = { x: 0.25, y: 0.25, width: 0.5, height: 0.5 };

export interface DominantColor {
  /** Most frequent basic colour among chromatic pixels, or null when the region is mostly gray. */
  color: BasicColor | null;
  /** Share of the region's pixels named `color`. */
  share: number;
  /** Share of the region's pixels that have any colour name. */
  chromaticShare: number;
  counts: Record<BasicColor, number>;
}

/** Dominant basic colour of a region: a vote of the pixels' colour names. */
export function dominantColor(lab: LabPlanes, region: Region = CENTER_REGION): DominantColor {
  const box = regionBox(lab.width, lab.height, region);
  const counts = Object.fromEntries(BASIC_COLORS.map((c) => [c, 0])) as Record<BasicColor, number>;
  let chromatic = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = y * lab.width + x;
      const name = nameColor(lab.L[i], lab.a[i], lab.b[i]);
      if (name !== null) {
        counts[name]++;
        chromatic++;
      }
    }
  }
  const total = (box.x1 - box.x0) * (box.y1 - box.y0);
  let best: BasicColor | null = null;
  for (const c of BASIC_COLORS) if (counts[c] > 0 && (best === null || counts[c] > counts[best])) best = c;
  const chromaticShare = chromatic / total;
  const color = chromaticShare >= MIN_CHROMATIC_SHARE ? best : null;
  return { color, share: color === null ? 0 : counts[color] / total, chromaticShare, counts };
}

/** Pixel bounds of a fractional region; at least one pixel. */
export function regionBox(width: number, height: number, r: Region): { x0: number; y0: number; x1: number; y1: number } {
  const ok = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;
  if (![r.x, r.y, r.width, r.height].every(ok) || r.width <= 0 || r.height <= 0 || r.x + r.width > 1 + 1e-9 || r.y + r.height > 1 + 1e-9) {
    throw new OptionsError(`region must lie inside the image as fractions 0..1, got ${JSON.stringify(r)}`, { details: { region: r } });
  }
  const x0 = Math.min(width - 1, Math.floor(r.x * width));
  const y0 = Math.min(height - 1, Math.floor(r.y * height));
  const x1 = Math.max(x0 + 1, Math.min(width, Math.round((r.x + r.width) * width)));
  const y1 = Math.max(y0 + 1, Math.min(height, Math.round((r.y + r.height) * height)));
  return { x0, y0, x1, y1 };
}
