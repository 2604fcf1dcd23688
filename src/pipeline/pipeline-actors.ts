import { fromPromise } from 'xstate';
import { mergeLightness, restrictHues, rgbToLightness, scaleChroma } from '../color/index.js';
import { CancelledError, InputImageError, InternalError, OptionsError } from '../errors/index.js';
import { encodeImage, readImage } from '../image/index.js';
import type { ModelPack } from '../packs/index.js';
import { loadModelPack, packDefaults } from '../packs/index.js';
import type { ResolvedHint } from '../hints/index.js';
import { applyHintField, buildHintField, groundIntents, hintMapPoints, referenceHints, resolveUserHints } from '../hints/index.js';
import { buildHintMapFromPoints, encodeText, hexToAb, parsePrompt, promptWithout } from '../prompts/index.js';
import type { HostTensor, OnnxModel } from '../runtime/index.js';
import { createGenerator, randomSeed, sampleSeed } from '../random/index.js';
import { concatBatch, tileBatch } from '../runtime/index.js';
import { createScheduler, setAnchoredTimesteps, type SchedulerState } from '../schedulers/index.js';
import { packDetector } from '../detect/index.js';
import { anchorLatent, decodeAb, encodeGray, encodeSemantic, guidedUpsample, quantizeLatent, resizeAntialiased, resizeArea } from '../vqvae/index.js';
import type { ColorizeSettings } from './options-schema.js';
import type { PreparedRun } from './pipeline-machine.js';
import { checkOptionsForPack } from './check-pack-options.js';
import { decodeSize } from './decode-size.js';
import { readReference } from './read-reference.js';
import type { RunWorkspace } from './run-workspace.js';
import type { ColorIntent, RawImageInput } from './types.js';

type Run = Omit<PreparedRun, 'latent' | 'rng' | 'schedulerState'>;

function throwIfCancelled(...signals: (AbortSignal | undefined)[]): void {
  if (signals.some((s) => s?.aborted)) throw new CancelledError('The colorization was cancelled.');
}

/** Denoising model calls go through here: cancellation takes effect before each one. */
async function runModel(ws: RunWorkspace, signal: AbortSignal, model: OnnxModel, feeds: Record<string, HostTensor>) {
  throwIfCancelled(signal, ws.runtime.signal);
  return model.run(feeds);
}

/** The run's pack; a run restored from a snapshot has none yet and loads it (cached per process). */
async function ensurePack(ws: RunWorkspace, settings: ColorizeSettings): Promise<ModelPack> {
  ws.pack ??= await loadModelPack(settings.model, ws.runtime.session);
  return ws.pack;
}

async function readInput(ws: RunWorkspace, settings: ColorizeSettings): Promise<NonNullable<RunWorkspace['image']>> {
  const input = ws.input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    const image = await readImage(input, { maxPixels: settings.maxPixels });
    return {
      width: image.width,
      height: image.height,
      L: rgbToLightness(image.rgb, image.width, image.height),
      alpha: image.alpha,
      bitDepth: image.bitDepth,
      metadata: image.metadata,
    };
  }
  if (input === null || typeof input !== 'object' || !('L' in input || 'rgb' in input)) {
    throw new OptionsError(`Input: expected a file path, a Buffer, { width, height, rgb } or { width, height, L }, got ${input === null ? 'null' : typeof input}.`);
  }
  return readRawInput(input, settings.maxPixels);
}

function readRawInput(input: RawImageInput, maxPixels: number): NonNullable<RunWorkspace['image']> {
  const { width, height } = input;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new InputImageError(`Raw input needs positive integer width and height, got ${width}×${height}.`);
  }
  if (width * height > maxPixels) {
    throw new InputImageError(`Raw input has ${width * height} pixels, over the limit of ${maxPixels}.`, {
      details: { width, height, maxPixels },
    });
  }
  if ('L' in input) {
    if (!(input.L instanceof Float32Array) || input.L.length !== width * height) {
      throw new InputImageError(`Raw L plane must be a Float32Array of ${width * height} values, got ${input.L?.length}.`);
    }
    const bad = input.L.findIndex((v) => !(v >= 0 && v <= 100)); // NaN fails both comparisons
    if (bad >= 0) {
      throw new InputImageError(`Raw L plane: CIE L is 0..100, got ${input.L[bad]} at index ${bad}.`, { details: { index: bad, value: input.L[bad] } });
    }
    return { width, height, L: input.L, bitDepth: 8 };
  }
  const channels = input.channels ?? 3;
  if (!(input.rgb instanceof Uint8Array || input.rgb instanceof Uint16Array) || input.rgb.length !== width * height * channels) {
    throw new InputImageError(`Raw rgb must be a Uint8Array or Uint16Array of ${width * height * channels} values, got ${input.rgb?.length}.`);
  }
  return {
    width,
    height,
    L: rgbToLightness(input.rgb, width, height, channels),
    bitDepth: input.rgb instanceof Uint16Array ? 16 : 8,
  };
}

/**
 * Everything a denoising step needs, rebuilt deterministically from the input and settings, so a run
 * restored from a persisted snapshot can continue without anything but its context.
 */
async function prepareWorkspace(
  ws: RunWorkspace,
  signal: AbortSignal,
  settings: ColorizeSettings,
  /** The seed a restored run already drew (a request without one got a random seed the first time). */
  knownSeed?: number,
): Promise<Run & { readMs: number }> {
  const pack = await ensurePack(ws, settings);
  const m = pack.manifest;
  const readStart = performance.now();
  ws.image ??= await readInput(ws, settings);
  const readMs = performance.now() - readStart;
  const { width, height, L } = ws.image;
  const S = m.workingSize;
  const n = settings.samples;
  const { hints, understood, textPrompt } = await collectHints(ws, pack, signal, settings);
  ws.hints = hints;
  const hintMap = buildHintMapFromPoints(hintMapPoints(hints), width, height, S);

  const defaults = packDefaults(m);
  const schedulerName = settings.scheduler ?? defaults.scheduler;
  const steps = settings.steps ?? defaults.steps;
  checkOptionsForPack(settings, m);
  // The anchor is the pack's unprompted guess: a run whose prompt reaches the text encoder (what grounding
  // did not place on objects) starts from noise unless it asks for an anchor, so the words have the whole
  // schedule to act (with the anchor, Kodak24 "<colour> object" prompts matched 3 % instead of 28 %).
  const anchor = settings.anchor ?? (textPrompt !== '' || settings.negativePrompt !== '' ? 0 : defaults.anchor);
  const scheduler = createScheduler(schedulerName, pack.schedulerConfig);
  const begin = setAnchoredTimesteps(scheduler, steps, anchor);
  if (begin > 0) scheduler.setBeginIndex(begin);
  const timesteps = Array.from(scheduler.timesteps, Number).slice(begin);
  ws.scheduler = scheduler;

  const guidance = settings.guidance ?? defaults.guidance;
  const temperature = settings.temperature ?? (anchor > 0 ? defaults.anchorTemperature : defaults.temperature);
  // Without a negative prompt and with no prompt, both CFG branches see the same text: skip the extra pass.
  const guided = guidance !== 1 && (textPrompt !== '' || settings.negativePrompt !== '');
  const texts = guided ? [settings.negativePrompt, textPrompt] : [textPrompt];
  ws.progress?.plan(m, {
    width,
    height,
    samples: n,
    evaluations: timesteps.length,
    guided,
    texts: texts.length,
    anchored: anchor > 0,
    decodeMaxPixels: settings.decodeMaxPixels,
    tileSize: ws.runtime.tileSize,
    format: settings.format,
    bitDepth: outputBitDepth(settings, ws.image.bitDepth),
  });
  ws.report?.('read', 1);
  throwIfCancelled(signal, ws.runtime.signal);
  const text = await encodeText(pack, texts);
  const per = text.hidden.dims.slice(1);
  const hiddenRows = texts.map((_, i) => ({ data: text.hidden.data.subarray(i * per[0] * per[1], (i + 1) * per[0] * per[1]), dims: [1, ...per] }));
  const hidden = guided ? concatBatch([tileBatch(hiddenRows[0], n), tileBatch(hiddenRows[1], n)]) : tileBatch(hiddenRows[0], n);
  const batch = guided ? 2 * n : n;

  // Resized as training resized the guider's gray input (antialiased bilinear), not by area.
  const workingL = resizeAntialiased(L, 1, height, width, S, S);
  throwIfCancelled(signal, ws.runtime.signal);
  const grayLatent = await encodeGray(pack, workingL);
  throwIfCancelled(signal, ws.runtime.signal);
  const semantic = await encodeSemantic(pack, L, width, height);
  ws.conditioning = {
    hidden,
    grayLatent: tileBatch(grayLatent, batch),
    hint: tileBatch({ data: hintMap, dims: [1, 3, S, S] }, batch),
    ...(semantic ? { semantic: tileBatch(semantic, batch) } : {}),
    guided,
  };

  const seed = settings.seed ?? knownSeed ?? randomSeed();
  const seeds = Array.from({ length: n }, (_, k) => sampleSeed(seed, k));
  ws.generators = seeds.map((s) => createGenerator(s));
  return {
    width,
    height,
    seed,
    seeds,
    steps,
    scheduler: schedulerName,
    guidance,
    temperature,
    anchor,
    model: m.name,
    timesteps,
    understood,
    readMs,
  };
}

/**
 * Every colour constraint of the run, in the order later ones win: objects grounded by the detector,
 * matches from the reference photo, then the user's own points and strokes. The detector is the
 * caller's `detector` option, else the pack's own (components.detector), else none.
 */
async function collectHints(
  ws: RunWorkspace,
  pack: ModelPack,
  signal: AbortSignal,
  settings: ColorizeSettings,
): Promise<{ hints: ResolvedHint[]; understood: ColorIntent[]; textPrompt: string }> {
  const { width, height, L } = ws.image!;
  const user = resolveUserHints(settings.hints, settings.strokes, width, height);
  let understood = parsePrompt(settings.prompt);
  let grounded: ResolvedHint[] = [];
  const detector = ws.runtime.detector ?? packDetector(pack);
  if (detector !== undefined && understood.some((u) => u.target !== '')) {
    throwIfCancelled(signal, ws.runtime.signal);
    const detections = await detector({ width, height, L }, anySignal(signal, ws.runtime.signal));
    const result = groundIntents(understood, detections, width, height);
    grounded = result.hints;
    understood = understood.map((u, k) => ({ ...u, ...result.grounding[k] }));
  }
  const reference = settings.reference === undefined ? [] : referenceHints(L, width, height, await readReference(settings.reference, settings.maxPixels));
  // Grounded phrases are placed on their objects; the text encoder gets the rest of the prompt, so it
  // does not also tint the whole photo with the object's colour.
  const textPrompt = promptWithout(settings.prompt, understood.filter((u) => u.grounded).map((u) => u.phrase));
  return { hints: [...grounded, ...reference, ...user], understood, textPrompt };
}

function latentDims(pack: ModelPack, n: number): number[] {
  const { channels, downsample } = pack.manifest.latent;
  const h = pack.manifest.workingSize / downsample;
  return [n, channels, h, h];
}

export function createPipelineActors(ws: RunWorkspace) {
  return {
    loadPack: fromPromise<{ ms: number }, { settings: ColorizeSettings }>(async ({ input, signal }) => {
      const started = performance.now();
      throwIfCancelled(signal, ws.runtime.signal);
      await ensurePack(ws, input.settings);
      return { ms: performance.now() - started };
    }),

    prepare: fromPromise<PreparedRun & { readMs: number; prepareMs: number }, { settings: ColorizeSettings }>(async ({ input, signal }) => {
      const started = performance.now();
      const run = await prepareWorkspace(ws, signal, input.settings);
      const pack = await ensurePack(ws, input.settings);
      const dims = latentDims(pack, input.settings.samples);
      const per = dims[1] * dims[2] * dims[3];
      // Only a fresh run needs the anchor's guess: a restored one carries its latent in the snapshot.
      const image = ws.image!;
      const anchor = run.anchor > 0 ? await anchorLatent(pack, image.L, image.width, image.height) : undefined;
      throwIfCancelled(signal, ws.runtime.signal);
      const noise = new Float32Array(dims[0] * per);
      ws.generators!.forEach((g, k) => g.fillNormal(noise, k * per, per));
      // Temperature scales the draws, not the generator: a run at 0.5 starts from the same noise pattern as at 1.
      const sigma = anchor === undefined ? ws.scheduler!.initNoiseSigma * run.temperature : run.temperature;
      for (let i = 0; i < noise.length; i++) noise[i] *= sigma;
      // Anchored: every sample starts from the anchor latent noised to the run's first timestep.
      const latent = anchor === undefined ? noise : ws.scheduler!.addNoise(tileBatch(anchor, dims[0]).data, noise, run.timesteps[0]);
      return { ...run, latent: Array.from(latent), rng: ws.generators!.map((g) => g.state()), schedulerState: ws.scheduler!.getState(), prepareMs: performance.now() - started - run.readMs };
    }),

    denoiseStep: fromPromise<
      { latent: number[]; rng: number[][]; schedulerState: SchedulerState; ms: number },
      { step: number; latent: number[]; rng: number[][]; schedulerState: SchedulerState; run: Run; settings: ColorizeSettings }
    >(
      async ({ input, signal }) => {
        const started = performance.now();
        if (ws.conditioning === undefined) {
          // Restored from a snapshot: noise and scheduler continue where the stored latent left them.
          await prepareWorkspace(ws, signal, input.settings, input.run.seed);
          ws.generators = input.run.seeds.map((s, k) => createGenerator(s, input.rng[k]));
          ws.scheduler!.setState(input.schedulerState);
        }
        const pack = await ensurePack(ws, input.settings);
        const scheduler = ws.scheduler!;
        const cond = ws.conditioning!;
        const n = input.settings.samples;
        const dims = latentDims(pack, n);
        const t = input.run.timesteps[input.step];
        const sample = Float32Array.from(input.latent);
        const scaled = scheduler.scaleModelInput(sample, t);
        const batch = cond.guided ? 2 * n : n;
        const x = cond.guided ? concatBatch([{ data: scaled, dims }, { data: scaled, dims }]).data : scaled;
        const xDims = [batch, ...dims.slice(1)];
        const timestep = { data: new Float32Array(batch).fill(t), dims: [batch] };
        const residuals = await runModel(ws, signal, pack.models.guider, {
          sample: { data: x, dims: xDims },
          timestep,
          encoder_hidden_states: cond.hidden,
          gray_latent: cond.grayLatent,
          hint: cond.hint,
          ...(cond.semantic ? { semantic: cond.semantic } : {}),
        });
        const out = await runModel(ws, signal, pack.models.prior, {
          sample: { data: x, dims: xDims },
          timestep,
          encoder_hidden_states: cond.hidden,
          ...residuals,
        });
        let modelOutput = out.model_output.data;
        if (cond.guided) {
          // Classifier-free guidance: uncond + g·(cond − uncond), batch laid out [uncond × N, cond × N].
          const half = sample.length;
          const g = input.run.guidance;
          const guidedOut = new Float32Array(half);
          for (let i = 0; i < half; i++) {
            const u = modelOutput[i];
            guidedOut[i] = u + g * (modelOutput[half + i] - u);
          }
          modelOutput = guidedOut;
        }
        throwIfCancelled(signal, ws.runtime.signal);
        const { prevSample } = scheduler.step({ modelOutput, timestep: t, sample, generator: ws.generators, noiseScale: input.run.temperature });
        return { latent: Array.from(prevSample), rng: ws.generators!.map((g) => g.state()), schedulerState: scheduler.getState(), ms: performance.now() - started };
      },
    ),

    decode: fromPromise<{ ms: number; upsampleMs: number }, { latent: number[]; run: Run; settings: ColorizeSettings }>(async ({ input, signal }) => {
      const started = performance.now();
      if (ws.image === undefined) await prepareWorkspace(ws, signal, input.settings, input.run.seed);
      const pack = await ensurePack(ws, input.settings);
      const image = ws.image!;
      const n = input.settings.samples;
      const dims = latentDims(pack, n);
      throwIfCancelled(signal, ws.runtime.signal);
      const quantized = await quantizeLatent(pack, { data: Float32Array.from(input.latent), dims });
      const per = dims[1] * dims[2] * dims[3];
      // Very large photos: decode at decodeMaxPixels, then carry chroma to full size along the original L.
      const { scale, width: dw, height: dh } = decodeSize(image.width, image.height, input.settings.decodeMaxPixels);
      const resampleStarted = performance.now();
      const decodeL = scale < 1 ? resizeArea(image.L, image.height, image.width, dh, dw) : image.L;
      ws.ab = [];
      let upsampleMs = performance.now() - resampleStarted;
      for (let k = 0; k < n; k++) {
        const sample = { sample: k + 1, totalSamples: n };
        ws.report?.('decode', k / n, sample);
        const ab = await decodeAb(pack, quantized.data.subarray(k * per, (k + 1) * per), decodeL, dw, dh, {
          signal: anySignal(signal, ws.runtime.signal),
          tileSize: ws.runtime.tileSize,
          onTile: (done, total) => ws.report?.('decode', (k + done / total) / n, sample),
        });
        const upStarted = performance.now();
        ws.ab.push(scale < 1 ? guidedUpsample(ab, decodeL, dw, dh, image.L, image.width, image.height) : ab);
        upsampleMs += performance.now() - upStarted;
        if (scale < 1) ws.report?.('upsample', (k + 1) / n, sample);
      }
      return { ms: performance.now() - started, upsampleMs };
    }),

    fuse: fromPromise<{ ms: number }, { settings: ColorizeSettings }>(async ({ input }) => {
      const started = performance.now();
      if (ws.image === undefined || ws.ab === undefined) throw notResumable('fusing');
      const image = ws.image;
      const s = input.settings;
      const bitDepth = outputBitDepth(s, image.bitDepth);
      if (ws.hints === undefined) throw notResumable('fusing');
      // Model chroma → palette hues → hints on top (the user's colours win) → strength → exact-L merge.
      if (ws.hints.length > 0) ws.hintField ??= buildHintField(image.L, image.width, image.height, ws.hints);
      const palette = s.palette?.map(hexToAb);
      ws.rgb = ws.ab.map((predicted, k, all) => {
        ws.report?.('fuse', k / all.length, { sample: k + 1, totalSamples: all.length });
        let ab = palette === undefined ? predicted : restrictHues(predicted, palette);
        if (ws.hintField !== undefined) ab = applyHintField(ab, ws.hintField);
        ab = scaleChroma(ab, s.strength);
        return mergeLightness(image.L, ab.a, ab.b, image.width, image.height, { bitDepth });
      });
      return { ms: performance.now() - started };
    }),

    encode: fromPromise<{ ms: number; outputs: { index: number; seed: number; format: ColorizeSettings['format']; width: number; height: number }[] }, { settings: ColorizeSettings; run: Run }>(
      async ({ input, signal }) => {
        const started = performance.now();
        if (ws.image === undefined || ws.rgb === undefined) throw notResumable('encoding');
        const image = ws.image;
        const s = input.settings;
        ws.samples = [];
        for (const [k, rgb] of ws.rgb.entries()) {
          throwIfCancelled(signal, ws.runtime.signal);
          ws.report?.('encode', k / ws.rgb.length, { sample: k + 1, totalSamples: ws.rgb.length });
          const buffer = await encodeImage(
            { width: image.width, height: image.height, rgb, alpha: image.alpha },
            {
              format: s.format,
              quality: s.quality,
              bitDepth: outputBitDepth(s, image.bitDepth),
              keepMetadata: s.keepMetadata,
              metadata: image.metadata,
            },
          );
          ws.samples.push({ index: k + 1, seed: input.run.seeds[k], image: buffer, format: s.format, width: image.width, height: image.height });
        }
        return { ms: performance.now() - started, outputs: ws.samples.map(({ image: _buffer, ...meta }) => meta) };
      },
    ),
  };
}

/** 16-bit only where asked, or where a 16-bit input goes to PNG (the only 16-bit output format). */
function outputBitDepth(settings: ColorizeSettings, inputDepth: 8 | 16): 8 | 16 {
  if (settings.format !== 'png') return 8;
  return settings.bitDepth ?? inputDepth;
}

/** Pixels after decoding are not kept in snapshots: a run persisted that late must be started again. */
function notResumable(stage: string): InternalError {
  return new InternalError(
    `This run was restored in its ${stage} stage, whose pixel buffers are not in snapshots; persist and restore runs up to the decoding stage.`,
  );
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}
