import { mergeLightness } from '../../src/color/index.js';
import type { ColorizeFn } from '../../src/eval/eval-run.js';
import { encodeImage } from '../../src/image/index.js';
import type { ColorizeInput, ColorizeOptions, ColorizeResult } from '../../src/pipeline/index.js';

/**
 * Stands in for the pipeline: paints each sample from the input's L with the (a, b) that
 * `chroma(prompt, sampleIndex)` returns, so tests know exactly what comes back. Records its calls.
 */
export function fakeColorize(chroma: (prompt: string, sample: number) => [number, number]): ColorizeFn & { calls: { input: ColorizeInput; options: ColorizeOptions }[] } {
  const calls: { input: ColorizeInput; options: ColorizeOptions }[] = [];
  const fn = async (input: ColorizeInput, options: ColorizeOptions): Promise<ColorizeResult> => {
    calls.push({ input, options });
    if (typeof input !== 'object' || !('L' in input)) throw new Error('eval passes a lightness plane');
    const { width, height, L } = input;
    const n = width * height;
    const count = options.samples ?? 1;
    const samples = [];
    for (let k = 1; k <= count; k++) {
      const [a, b] = chroma(options.prompt ?? '', k);
      const rgb = mergeLightness(L, new Float32Array(n).fill(a), new Float32Array(n).fill(b), width, height);
      const image = await encodeImage({ width, height, rgb }, { format: 'png' });
      samples.push({ index: k, seed: (options.seed ?? 0) + k - 1, image, format: 'png' as const, width, height });
    }
    const zero = { readMs: 0, loadMs: 0, prepareMs: 0, denoiseMs: 10, decodeMs: 0, upsampleMs: 0, fuseMs: 0, encodeMs: 0, totalMs: 10, modelMs: 0 };
    return {
      width,
      height,
      samples,
      seed: options.seed ?? 0,
      steps: options.steps ?? 20,
      scheduler: options.scheduler ?? 'ddim',
      guidance: options.guidance ?? 1,
      temperature: options.temperature ?? 1,
      anchor: options.anchor ?? 0,
      model: options.model ?? 'fake-pack',
      prompt: { text: options.prompt ?? '', negative: '', understood: [] },
      timings: zero,
    };
  };
  return Object.assign(fn, { calls });
}
