import { resolve } from 'node:path';
import { colorize } from '../pipeline/index.js';
import { DEFAULT_PACK_NAME, loadModelPack, packDefaults } from '../packs/index.js';

/**
 * Per-stage times of the pipeline for a 512² and a 12 MP photo, and the orchestration overhead:
 * time that is neither inside ONNX Runtime nor pixel work (image I/O, Lab merge, guided upsampling): machine,
 * scheduler, tensor marshaling as a share of the total. Target ≤ 5%; peak RSS for 12 MP < 1.5 GB.
 */
export async function runPipelineBench(options: { model?: string; quick?: boolean }): Promise<Record<string, unknown>> {
  const model = options.model ?? (await defaultOrTestPack());
  const pack = await loadModelPack(model);
  const sizes: [string, number, number][] = [
    ['512x512', 512, 512],
    ['12MP', 4000, 3000],
  ];
  const rows: Record<string, unknown>[] = [];
  for (const [label, width, height] of sizes) {
    const rgb = syntheticGray(width, height);
    // Warm-up at the same size, so first-run costs (sessions, JIT, tables) are not billed; then the median of 3.
    await colorize({ width, height, rgb }, { model, seed: 1, steps: 2 });
    const rssBefore = process.memoryUsage().rss;
    const runs = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await colorize({ width, height, rgb }, { model, seed: 1, steps: options.quick ? 4 : packDefaults(pack.manifest).steps }));
    }
    runs.sort((p, q) => p.timings.totalMs - q.timings.totalMs);
    const result = runs[1];
    const t = result.timings;
    // Orchestration = what is neither ONNX Runtime nor pixel work (decode/encode, Lab merge, guided upsampling).
    const orchestration = t.totalMs - t.modelMs - t.readMs - t.fuseMs - t.encodeMs - t.upsampleMs;
    rows.push({
      size: label,
      steps: result.steps,
      totalS: +(t.totalMs / 1000).toFixed(3),
      prepareMs: Math.round(t.prepareMs),
      denoiseMs: Math.round(t.denoiseMs),
      decodeMs: Math.round(t.decodeMs),
      upsampleMs: Math.round(t.upsampleMs),
      fuseMs: Math.round(t.fuseMs),
      encodeMs: Math.round(t.encodeMs),
      modelMs: Math.round(t.modelMs),
      orchestrationShare: +(orchestration / t.totalMs).toFixed(4),
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      rssBeforeMB: Math.round(rssBefore / 2 ** 20),
    });
  }
  console.log(`model pack: ${pack.name}`);
  console.table(rows);
  return { model: pack.name, rows };
}

async function defaultOrTestPack(): Promise<string> {
  try {
    await loadModelPack(DEFAULT_PACK_NAME);
    return DEFAULT_PACK_NAME;
  } catch {
    return resolve('test/fixtures/tiny-pack');
  }
}

/** A smooth gray gradient with texture, so the decoder sees edges (seeded, no I/O). */
function syntheticGray(width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (128 + 80 * Math.sin(x / 37) * Math.cos(y / 53) + ((x * 7 + y * 13) % 17)) & 255;
      const i = (y * width + x) * 3;
      rgb[i] = rgb[i + 1] = rgb[i + 2] = v;
    }
  }
  return rgb;
}
