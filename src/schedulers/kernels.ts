/**
 * The elementwise loops of the schedulers, as small module-level functions. Keeping hot loops out of
 * `step()` matters in V8: a loop inside `step()` gets on-stack-replaced before the code after it has
 * type feedback, and the function then deoptimizes on every call. All scalars arrive as plain numbers.
 * `range = Infinity` disables clipping; clipping loops are separate because a per-element clamp costs
 * about as much as the rest of the update.
 */

function clampAll(values: Float32Array, range: number): void {
  if (range === Infinity) return;
  const n = values.length;
  for (let i = 0; i < n; i++) values[i] = Math.min(range, Math.max(-range, values[i]));
}

/** pred = clip(cS·x + cM·m); prev = a·pred + b·x. (DDPM posterior mean, Euler, Euler ancestral.) */
export function x0ThenAffine(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array,
  cS: number, cM: number, range: number, a: number, b: number,
): void {
  const n = sample.length;
  if (range === Infinity) {
    for (let i = 0; i < n; i++) {
      const s = sample[i];
      const x0 = cS * s + cM * model[i];
      pred[i] = x0;
      prev[i] = a * x0 + b * s;
    }
    return;
  }
  for (let i = 0; i < n; i++) pred[i] = cS * sample[i] + cM * model[i];
  clampAll(pred, range);
  for (let i = 0; i < n; i++) prev[i] = a * pred[i] + b * sample[i];
}

/** prev += std · noise. */
export function addScaledNoise(prev: Float32Array, noise: Float32Array, std: number): void {
  const n = prev.length;
  for (let i = 0; i < n; i++) prev[i] += std * noise[i];
}

/** prev = a · prev + b · noise (re-noising a clean estimate). */
export function renoise(prev: Float32Array, noise: Float32Array, a: number, b: number): void {
  const n = prev.length;
  for (let i = 0; i < n; i++) prev[i] = a * prev[i] + b * noise[i];
}

/** DDIM: pred = clip(cS·x + cM·m); prev = cX0·pred + cDir·(eS·x + eM·m). */
export function ddimUpdate(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array,
  cS: number, cM: number, range: number, eS: number, eM: number, cX0: number, cDir: number,
): void {
  const n = sample.length;
  if (range === Infinity) {
    for (let i = 0; i < n; i++) {
      const s = sample[i];
      const m = model[i];
      const x0 = cS * s + cM * m;
      pred[i] = x0;
      prev[i] = cX0 * x0 + cDir * (eS * s + eM * m);
    }
    return;
  }
  for (let i = 0; i < n; i++) pred[i] = cS * sample[i] + cM * model[i];
  clampAll(pred, range);
  for (let i = 0; i < n; i++) prev[i] = cX0 * pred[i] + cDir * (eS * sample[i] + eM * model[i]);
}

/** LCM: pred = prev = cOut·clip(cS·x + cM·m) + cSkip·x. */
export function lcmDenoise(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array,
  cS: number, cM: number, range: number, cOut: number, cSkip: number,
): void {
  const n = sample.length;
  for (let i = 0; i < n; i++) pred[i] = cS * sample[i] + cM * model[i];
  clampAll(pred, range);
  for (let i = 0; i < n; i++) {
    const d = cOut * pred[i] + cSkip * sample[i];
    pred[i] = d;
    prev[i] = d;
  }
}

/** out = x · scale. */
export function scaleInto(sample: Float32Array, out: Float32Array, scale: number): void {
  const n = sample.length;
  for (let i = 0; i < n; i++) out[i] = sample[i] * scale;
}

/** Heun stage 1: slope d = (x - x̂0)/σ kept with x; prev = x + d·dt. */
export function heunPredict(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array, start: Float32Array, slope: Float32Array,
  cS: number, cM: number, range: number, invSigma: number, dt: number,
): void {
  const n = sample.length;
  for (let i = 0; i < n; i++) pred[i] = cS * sample[i] + cM * model[i];
  clampAll(pred, range);
  for (let i = 0; i < n; i++) {
    const s = sample[i];
    const d = (s - pred[i]) * invSigma;
    start[i] = s;
    slope[i] = d;
    prev[i] = s + d * dt;
  }
}

/** Heun stage 2: prev = x_start + ½ (d + d') dt with d' = (x - x̂0)/σ'. */
export function heunCorrect(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array, start: Float32Array, slope: Float32Array,
  cS: number, cM: number, range: number, invSigmaNext: number, dt: number,
): void {
  const n = sample.length;
  const half = 0.5 * dt;
  for (let i = 0; i < n; i++) pred[i] = cS * sample[i] + cM * model[i];
  clampAll(pred, range);
  for (let i = 0; i < n; i++) prev[i] = start[i] + half * (slope[i] + (sample[i] - pred[i]) * invSigmaNext);
}

/** DPM-Solver++: x̂0 into the history slot m0 and pred; prev = A·x + B0·x̂0 + B1·m1 + B2·m2. */
export function dpmUpdate(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array,
  m0: Float32Array, m1: Float32Array, m2: Float32Array,
  cS: number, cM: number, A: number, B0: number, B1: number, B2: number,
): void {
  const n = sample.length;
  for (let i = 0; i < n; i++) {
    const s = sample[i];
    const x0 = cS * s + cM * model[i];
    m0[i] = x0;
    pred[i] = x0;
    prev[i] = A * s + B0 * x0 + B1 * m1[i] + B2 * m2[i];
  }
}

/**
 * UniPC: v = converted output (into `fresh`), x̂0 into pred, corrected sample xc into `last`
 * (when `correct`), then prev = pX·xc + pNew·v + pH1·H1 + pH2·H2.
 */
export function unipcUpdate(
  sample: Float32Array, model: Float32Array, pred: Float32Array, prev: Float32Array,
  fresh: Float32Array, last: Float32Array, H1: Float32Array, H2: Float32Array, H3: Float32Array,
  vS: number, vM: number, xS: number, xM: number, correct: boolean,
  cL: number, cNew: number, cH1: number, cH2: number, cH3: number,
  pX: number, pNew: number, pH1: number, pH2: number,
): void {
  const n = sample.length;
  if (correct && cH3 === 0) {
    // Order ≤ 2 (the usual case): the third history buffer has weight 0, so it is not read at all.
    for (let i = 0; i < n; i++) {
      const x = sample[i];
      const m = model[i];
      const v = vS * x + vM * m;
      const h1 = H1[i];
      const h2 = H2[i];
      pred[i] = xS * x + xM * m;
      const xc = cL * last[i] + cNew * v + cH1 * h1 + cH2 * h2;
      last[i] = xc;
      fresh[i] = v;
      prev[i] = pX * xc + pNew * v + pH1 * h1 + pH2 * h2;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = sample[i];
    const m = model[i];
    const v = vS * x + vM * m;
    const h1 = H1[i];
    const h2 = H2[i];
    pred[i] = xS * x + xM * m;
    const xc = correct ? cL * last[i] + cNew * v + cH1 * h1 + cH2 * h2 + cH3 * H3[i] : x;
    last[i] = xc;
    fresh[i] = v;
    prev[i] = pX * xc + pNew * v + pH1 * h1 + pH2 * h2;
  }
}
