import { OptionsError } from '../errors/index.js';
import type { LabPlanes } from './types.js';

/**
 * CIEDE2000 colour difference (CIE 142-2001), following the implementation notes of
 * Sharma, Wu & Dalal (2005), whose variable names the steps below keep.
 */

const DEG = Math.PI / 180;
const POW25_7 = 25 ** 7;

export interface Ciede2000Weights {
  kL?: number;
  kC?: number;
  kH?: number;
}

export function ciede2000(
  L1: number,
  a1: number,
  b1: number,
  L2: number,
  a2: number,
  b2: number,
  weights: Ciede2000Weights = {},
): number {
  const kL = weights.kL ?? 1;
  const kC = weights.kC ?? 1;
  const kH = weights.kH ?? 1;

  // 1. C'_i, h'_i: a* is stretched by (1 + G) so near-neutral colours get hue differences right.
  const C1 = Math.hypot(a1, b1);
  const C2 = Math.hypot(a2, b2);
  const Cbar7 = ((C1 + C2) / 2) ** 7;
  const G = 0.5 * (1 - Math.sqrt(Cbar7 / (Cbar7 + POW25_7)));
  const a1p = (1 + G) * a1;
  const a2p = (1 + G) * a2;
  const C1p = Math.hypot(a1p, b1);
  const C2p = Math.hypot(a2p, b2);
  const h1p = hueDegrees(a1p, b1);
  const h2p = hueDegrees(a2p, b2);

  // 2. ΔL', ΔC', ΔH'.
  const dLp = L2 - L1;
  const dCp = C2p - C1p;
  const chromaProduct = C1p * C2p;
  let dhp = 0;
  if (chromaProduct !== 0) {
    dhp = h2p - h1p;
    if (dhp > 180) dhp -= 360;
    else if (dhp < -180) dhp += 360;
  }
  const dHp = 2 * Math.sqrt(chromaProduct) * Math.sin((dhp / 2) * DEG);

  // 3. Means and weighting functions.
  const Lbarp = (L1 + L2) / 2;
  const Cbarp = (C1p + C2p) / 2;
  let hbarp = h1p + h2p;
  if (chromaProduct !== 0) {
    if (Math.abs(h1p - h2p) <= 180) hbarp /= 2;
    else if (hbarp < 360) hbarp = (hbarp + 360) / 2;
    else hbarp = (hbarp - 360) / 2;
  }
  const T =
    1 -
    0.17 * Math.cos((hbarp - 30) * DEG) +
    0.24 * Math.cos(2 * hbarp * DEG) +
    0.32 * Math.cos((3 * hbarp + 6) * DEG) -
    0.2 * Math.cos((4 * hbarp - 63) * DEG);
  const dTheta = 30 * Math.exp(-(((hbarp - 275) / 25) ** 2));
  const Cbarp7 = Cbarp ** 7;
  const RC = 2 * Math.sqrt(Cbarp7 / (Cbarp7 + POW25_7));
  const Lm50sq = (Lbarp - 50) ** 2;
  const SL = 1 + (0.015 * Lm50sq) / Math.sqrt(20 + Lm50sq);
  const SC = 1 + 0.045 * Cbarp;
  const SH = 1 + 0.015 * Cbarp * T;
  const RT = -Math.sin(2 * dTheta * DEG) * RC;

  const tL = dLp / (kL * SL);
  const tC = dCp / (kC * SC);
  const tH = dHp / (kH * SH);
  return Math.sqrt(tL * tL + tC * tC + tH * tH + RT * tC * tH);
}

/** Hue angle in [0, 360); 0 for a neutral colour, as the paper specifies. */
function hueDegrees(a: number, b: number): number {
  if (a === 0 && b === 0) return 0;
  const h = Math.atan2(b, a) / DEG;
  return h < 0 ? h + 360 : h;
}

/** Mean CIEDE2000 over the pixels of two Lab images of the same size. */
export function meanCiede2000(x: LabPlanes, y: LabPlanes): number {
  const n = checkSameLab(x, y);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += ciede2000(x.L[i], x.a[i], x.b[i], y.L[i], y.a[i], y.b[i]);
  }
  return sum / n;
}

export function checkSameLab(x: LabPlanes, y: LabPlanes): number {
  if (x.width !== y.width || x.height !== y.height) {
    throw new OptionsError(`images differ in size: ${x.width}×${x.height} vs ${y.width}×${y.height}`);
  }
  const n = x.width * x.height;
  if (n === 0) throw new OptionsError('empty image');
  for (const plane of [x.L, x.a, x.b, y.L, y.a, y.b]) {
    if (plane.length !== n) throw new OptionsError(`a Lab plane has ${plane.length} values, expected ${n}`);
  }
  return n;
}
