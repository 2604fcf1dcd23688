/**
 * Scheduler step() cost for a 4×64×64 latent at batch 4 (65,536 values), as a multiple of one
 * reference elementwise pass `y[i] = a*x[i] + b*z[i]` over the same tensor measured in the same run
 * (target ≤ 5×). Noise generation is reported on its own because ancestral samplers pay it every step.
 */
import { createGenerator } from '../random/index.js';
import { createScheduler, SCHEDULER_NAMES, type Scheduler } from '../schedulers/index.js';

const SIZE = 4 * 4 * 64 * 64;
const BATCH = 4;

/** Best-of-rounds mean time in microseconds of `fn` (minimum filters out noise from other processes). */
function time(fn: () => void, inner: number, rounds = 15): number {
  for (let i = 0; i < inner; i++) fn(); // warm-up so the JIT has optimized the loop
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < inner; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1000 / inner);
  }
  return best;
}

/**
 * step() time: for each step index the fastest of `runs` whole runs, averaged over the steps (so
 * multistep warm-up and both Heun stages count, and preemption by other processes is filtered out).
 */
function timeSteps(scheduler: Scheduler, steps: number, model: Float32Array, latent: Float32Array, runs = 15): number {
  const generators = Array.from({ length: BATCH }, (_, k) => createGenerator(1234 + k));
  let best: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    scheduler.setTimesteps(steps);
    let x = latent;
    const times: number[] = [];
    for (const t of scheduler.timesteps) {
      const start = process.hrtime.bigint();
      x = scheduler.step({ modelOutput: model, timestep: t, sample: x, generator: generators }).prevSample;
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    if (r < 2) continue; // warm-up runs
    best = best.length === 0 ? times : best.map((b, i) => Math.min(b, times[i]));
  }
  return best.reduce((a, b) => a + b, 0) / best.length;
}

/** The reference elementwise pass y = a·x + b·z. */
function referencePass(x: Float32Array, z: Float32Array, y: Float32Array, a: number, b: number): void {
  const n = y.length;
  for (let i = 0; i < n; i++) y[i] = a * x[i] + b * z[i];
}

export async function runSchedulerBench(): Promise<Record<string, unknown>> {
  const x = createGenerator(1).fillNormal(new Float32Array(SIZE));
  const z = createGenerator(2).fillNormal(new Float32Array(SIZE));
  const y = new Float32Array(SIZE);
  // The reference is written like the scheduler kernels (arrays and scalars as arguments). V8 compiles a
  // loop over closure-constant arrays ~2.5× faster; that variant is reported too, for transparency.
  const referenceUs = time(() => referencePass(x, z, y, 0.9, 0.1), 20, 40);
  const closureUs = time(() => {
    for (let i = 0; i < SIZE; i++) y[i] = 0.9 * x[i] + 0.1 * z[i];
  }, 20, 40);
  const g = createGenerator(3);
  const noiseUs = time(() => g.fillNormal(y), 20);

  const model = z.map((v) => 0.1 * v);
  const rows: Array<{ scheduler: string; stepUs: number; ratio: number }> = [];
  for (const name of SCHEDULER_NAMES) {
    // Stable Diffusion's settings (latent models do not clip x̂0).
    const scheduler = createScheduler(name, { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, clip_sample: false });
    const stepUs = timeSteps(scheduler, name === 'lcm' ? 8 : 20, model, x);
    rows.push({ scheduler: name, stepUs: Math.round(stepUs), ratio: +(stepUs / referenceUs).toFixed(2) });
  }

  console.log(
    `scheduler step() on ${SIZE} values (4×64×64 latent, batch ${BATCH}); reference pass ${referenceUs.toFixed(1)} µs ` +
      `(closure-constant variant ${closureUs.toFixed(1)} µs)`,
  );
  console.log(`  ${'randn fill'.padEnd(16)} ${noiseUs.toFixed(0).padStart(6)} µs  ${(noiseUs / referenceUs).toFixed(2)}×`);
  for (const r of rows) console.log(`  ${r.scheduler.padEnd(16)} ${String(r.stepUs).padStart(6)} µs  ${r.ratio.toFixed(2)}×`);
  const worst = Math.max(...rows.map((r) => r.ratio));
  console.log(`  worst ${worst.toFixed(2)}× (target ≤ 5×)`);
  return {
    values: SIZE,
    batch: BATCH,
    referencePassUs: +referenceUs.toFixed(1),
    closureConstantPassUs: +closureUs.toFixed(1),
    randnFillUs: Math.round(noiseUs),
    randnFillRatio: +(noiseUs / referenceUs).toFixed(2),
    steps: rows,
    worstRatio: worst,
    withinTarget: worst <= 5,
  };
}
