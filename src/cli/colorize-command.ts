import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { CancelledError, EXIT_CODES, exitCodeFor, InputImageError, isColorWizardError, OutputError } from '../errors/index.js';
import { writeFileAtomic } from '../files/index.js';
import { DEFAULT_PACK_NAME, loadModelPack, MODELS_DIR, packDefaults, readManifestSync, type PackDefaults } from '../packs/index.js';
import type { ColorizeResult, ColorizeSettings } from '../pipeline/index.js';
import { checkOptionsForPack, colorizeWithSettings, validateOptions } from '../pipeline/index.js';
import { parseExecutionProvider, validateSessionSettings, type SessionSettings } from '../runtime/index.js';
import { SCHEDULER_NAMES } from '../schedulers/index.js';
import { collectInputs } from './collect-inputs.js';
import { inFlags, numberFlag, RANGES, rangeText, type FlagTexts } from './flag-values.js';
import { parseHintFlag } from './parse-hint.js';
import { planOutputs } from './plan-outputs.js';
import { parsePaletteFlag, parseStrokeFlag } from './parse-stroke.js';
import { createProgressBar, formatDuration } from './progress-bar.js';

interface ColorizeFlags {
  output: string;
  prompt?: string;
  negativePrompt?: string;
  samples?: string;
  seed?: string;
  steps?: string;
  scheduler?: string;
  guidance?: string;
  temperature?: string;
  anchor?: string;
  hint?: string[];
  stroke?: string[];
  reference?: string;
  palette?: string;
  strength?: string;
  format: string;
  quality?: string;
  bitDepth?: string;
  metadata: boolean;
  model?: string;
  maxPixels?: string;
  decodeMaxPixels?: string;
  provider?: string;
  threads?: string;
  overwrite?: boolean;
  recursive?: boolean;
  verbose?: boolean;
  json?: boolean;
}

const EXT: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif' };
const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The bundled pack's own defaults, for --help (read from its manifest, so they never drift). */
function defaultPackDefaults(): (PackDefaults & { name: string }) | undefined {
  const manifest = readManifestSync(join(MODELS_DIR, DEFAULT_PACK_NAME));
  return manifest && { name: manifest.name, ...packDefaults(manifest) };
}

export function registerColorizeCommand(program: Command): void {
  const defaults = validateOptions({});
  const pack = defaultPackDefaults();
  // A pack named by --model brings its own defaults; the help can only know the bundled one's.
  const packDefault = (value: (p: NonNullable<typeof pack>) => string | number) =>
    pack === undefined ? "default: the model pack's" : `default: ${value(pack)} with ${pack.name}; another --model brings its own`;
  program
    .command('colorize')
    .usage('<inputs...> -o <dir> [options]')
    .description('Colorize photos (files or folders). One sample writes DIR/<stem>.<ext>; N samples write DIR/<stem>_1 … _N.')
    .argument('<inputs...>', 'image files or folders of images')
    .requiredOption('-o, --output <dir>', 'output folder, created if missing (required)')
    .option('-p, --prompt <text>', 'what the colors should be, e.g. "red car, autumn trees"')
    .option('-n, --negative-prompt <text>', 'what to steer away from')
    .option('-s, --samples <n>', `number of different versions, ${rangeText(RANGES.samples)} (default: ${defaults.samples})`)
    .option('--seed <n>', 'seed of sample 1 (sample k uses seed+k-1); random when absent')
    .option('--steps <k>', `denoising steps, ${rangeText(RANGES.steps)} (${packDefault((p) => p.steps)})`)
    .addOption(new Option('--scheduler <name>', `sampler (${packDefault((p) => p.scheduler)})`).choices([...SCHEDULER_NAMES]))
    .option('-g, --guidance <g>', `classifier-free guidance scale ${rangeText(RANGES.guidance)}, 1 = off (${packDefault((p) => p.guidance)})`)
    .option('--temperature <t>', `how far samples stray, ${rangeText(RANGES.temperature)}: 0 the most likely colors (samples alike), 1 the model's full spread (${packDefault((p) => (p.anchorTemperature !== p.temperature ? `${p.temperature}, ${p.anchorTemperature} for anchored runs` : p.temperature))})`)
    .option('--anchor <a>', `how much samples lean on the pack's semantic colour guess, ${rangeText(RANGES.anchor)}: 0 start from pure noise; packs with an anchor head only (${packDefault((p) => (p.anchor > 0 ? `${p.anchor}, 0 when words of the prompt reach the text encoder` : p.anchor))})`)
    .option('--hint <x,y,color[,radius]>', 'pin a color at a pixel; color is #rrggbb, #rgb or a name (red, navy, olive…); repeatable', collect)
    .option('--stroke <"x1,y1 x2,y2 … color [width]">', 'paint a color along a polyline, width in pixels; repeatable', collect)
    .option('--reference <photo>', 'transfer the colors of this photo (matched by lightness and texture)')
    .option('--palette <color,…>', 'restrict the result to the hues of these colors, e.g. "#aa3322,navy"')
    .option('--strength <s>', `chroma scale ${rangeText(RANGES.strength)} at constant L and hue: 0 gray, 1 as predicted, 2 double (default: ${defaults.strength})`)
    .addOption(new Option('-f, --format <fmt>', 'output format').choices(['png', 'jpg', 'jpeg', 'webp', 'avif']).default(defaults.format))
    .option('--quality <q>', `JPEG/WebP/AVIF quality ${rangeText(RANGES.quality)} (default: ${defaults.quality})`)
    .addOption(new Option('--bit-depth <bits>', "PNG bit depth (default: the input's)").choices(['8', '16']))
    .option('--no-metadata', 'do not copy EXIF/ICC from the input')
    .option('-m, --model <path|name>', `model pack folder or name under models/ (default: ${pack?.name ?? 'the bundled pack'})`)
    .option('--max-pixels <n>', `refuse inputs larger than this many pixels (default: ${defaults.maxPixels})`)
    .option('--decode-max-pixels <n>', `run the decoder at most at this size; larger photos get guided upsampling (default: ${defaults.decodeMaxPixels})`)
    .addOption(new Option('--provider <name>', 'ONNX Runtime execution provider').choices(['cpu', 'cuda']).default('cpu'))
    .option('--threads <n>', `ONNX Runtime threads per operator, ${rangeText(RANGES.threads)} (default: 0 = all cores)`)
    .option('-r, --recursive', 'also colorize the images in subfolders (their structure is kept under -o)')
    .option('--overwrite', 'replace existing output files (inputs are never overwritten)')
    .option('--verbose', 'list what a folder batch skipped (non-images, our own outputs) and why')
    .option('--json', 'print one JSON object per input on stdout')
    .action(async (inputs: string[], flags: ColorizeFlags) => {
      process.exitCode = await runColorize(inputs, flags);
    });
}

async function runColorize(inputs: string[], flags: ColorizeFlags): Promise<number> {
  const texts = { hints: flags.hint ?? [], strokes: flags.stroke ?? [] };
  // Validate once up front: a bad flag fails the whole command before any file is touched.
  let settings: ColorizeSettings;
  try {
    const format = flags.format === 'jpg' ? 'jpeg' : flags.format;
    const options = Object.fromEntries(
      Object.entries({
        prompt: flags.prompt,
        negativePrompt: flags.negativePrompt,
        samples: numberFlag('--samples', flags.samples, RANGES.samples),
        seed: numberFlag('--seed', flags.seed, RANGES.seed),
        steps: numberFlag('--steps', flags.steps, RANGES.steps),
        scheduler: flags.scheduler,
        guidance: numberFlag('--guidance', flags.guidance, RANGES.guidance),
        temperature: numberFlag('--temperature', flags.temperature, RANGES.temperature),
        anchor: numberFlag('--anchor', flags.anchor, RANGES.anchor),
        hints: texts.hints.map((text, k) => parseHintFlag(text, k + 1)),
        strokes: texts.strokes.map((text, k) => parseStrokeFlag(text, k + 1)),
        reference: flags.reference,
        palette: flags.palette === undefined ? undefined : parsePaletteFlag(flags.palette),
        strength: numberFlag('--strength', flags.strength, RANGES.strength),
        format,
        quality: numberFlag('--quality', flags.quality, RANGES.quality),
        bitDepth: flags.bitDepth === undefined ? undefined : Number(flags.bitDepth),
        keepMetadata: flags.metadata,
        model: flags.model,
        maxPixels: numberFlag('--max-pixels', flags.maxPixels, RANGES.maxPixels),
        decodeMaxPixels: numberFlag('--decode-max-pixels', flags.decodeMaxPixels, RANGES.decodeMaxPixels),
      }).filter(([, v]) => v !== undefined),
    );
    settings = validateOptions(options);
  } catch (error) {
    throw inFlags(error, texts);
  }
  const session = validateSessionSettings({ provider: parseExecutionProvider(flags.provider ?? 'cpu'), intraOpThreads: numberFlag('--threads', flags.threads, RANGES.threads) });
  // Ctrl-C from here on cancels cleanly: the current image stops before its next model call, nothing half-written stays.
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_CODES.CANCELLED); // second Ctrl-C: leave now
    process.stderr.write('\ncancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await colorizeFiles(inputs, flags, texts, settings, session, controller);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function colorizeFiles(
  inputs: string[],
  flags: ColorizeFlags,
  texts: FlagTexts,
  settings: ColorizeSettings,
  session: SessionSettings,
  controller: AbortController,
): Promise<number> {
  const started = performance.now();
  const pack = await loadModelPack(settings.model, session);
  checkOptionsForPack(settings, pack.manifest);
  if (pack.manifest.training.randomWeights) {
    process.stderr.write(`warning: model pack "${pack.name}" has random weights (a test pack): its output is not a colorization.\n`);
  }
  const { files, ownOutputs, skipped, folders } = await collectInputs(inputs, { recursive: flags.recursive === true, exclude: [flags.output] });
  if (ownOutputs.length > 0) {
    process.stderr.write(`color-wizard: skipped ${ownOutputs.length} image(s) written by Color Wizard (name them as files to colorize them again).\n`);
  }
  if (flags.verbose) {
    for (const path of ownOutputs) process.stderr.write(`color-wizard: skipped ${path}: written by Color Wizard\n`);
    for (const { path, reason } of skipped) process.stderr.write(`color-wizard: skipped ${path}: ${reason}\n`);
  }
  const batch = folders > 0 || files.length > 1;
  const summary = (done: number, failed: number, notStarted: number) => {
    if (!batch) return;
    const skippedCount = skipped.length + ownOutputs.length;
    const parts = [`${done} colorized`, `${failed} failed`, `${skippedCount} skipped${skippedCount > 0 && !flags.verbose ? ' (--verbose lists them)' : ''}`];
    if (notStarted > 0) parts.push(`${notStarted} not started (cancelled)`);
    process.stderr.write(`color-wizard: ${parts.join(', ')} in ${formatDuration(performance.now() - started)}\n`);
  };
  if (files.length === 0) {
    process.stderr.write('color-wizard: no image files found in the given folders.\n');
    summary(0, 0, 0);
    return EXIT_CODES.INPUT_IMAGE;
  }
  try {
    await mkdir(flags.output, { recursive: true });
  } catch (cause) {
    throw new OutputError(`Cannot create output folder ${flags.output}: ${(cause as Error).message}`, { cause });
  }

  const plan = planOutputs(files.map((f) => f.path), flags.output, settings.samples, EXT[settings.format]!, files.map((f) => f.subfolder));
  const inputPaths = new Set(await Promise.all(files.map((f) => canonical(f.path))));

  let failed = 0;
  let done = 0;
  const fileMs: number[] = [];
  let lastCode: number = EXIT_CODES.OK;
  for (const [i, file] of files.entries()) {
    if (controller.signal.aborted) break;
    const meanFileMs = fileMs.length === 0 ? undefined : fileMs.reduce((a, b) => a + b, 0) / fileMs.length;
    const bar = createProgressBar(process.stderr, { file: i + 1, files: files.length, label: basename(file.path), meanFileMs });
    try {
      if (file.problem !== undefined) throw new InputImageError(file.problem);
      // Checked before the run, so a refused output costs no colorization; the write re-checks atomically.
      await checkTargets(plan[i]!, inputPaths, flags.overwrite === true);
      const result = await colorizeWithSettings(file.path, settings, { signal: controller.signal, session, onProgress: bar.update });
      bar.done();
      const outputs = await writeSamples(result, plan[i]!, flags.overwrite === true);
      fileMs.push(result.timings.totalMs);
      done++;
      report(flags, file.path, result, outputs);
    } catch (error) {
      bar.done();
      failed++;
      if (error instanceof CancelledError) {
        lastCode = EXIT_CODES.CANCELLED;
        reportError(flags, file.path, error, texts);
        break;
      }
      lastCode = exitCodeFor(error);
      reportError(flags, file.path, error, texts);
    }
  }
  summary(done, failed, files.length - done - failed);
  // Ctrl-C between images, or before the first one started, still ends as cancelled, not as success.
  if (controller.signal.aborted || lastCode === EXIT_CODES.CANCELLED) {
    if (failed === 0) process.stderr.write('color-wizard: cancelled.\n');
    return EXIT_CODES.CANCELLED;
  }
  if (failed === 0) return EXIT_CODES.OK;
  return files.length === 1 ? lastCode : EXIT_CODES.PARTIAL;
}

/** Never over an input (not even with --overwrite); over an existing file only with --overwrite. */
async function checkTargets(targets: readonly string[], inputs: ReadonlySet<string>, overwrite: boolean): Promise<void> {
  for (const target of targets) {
    if (inputs.has(await canonical(target))) {
      throw new OutputError(`Cannot write ${target}: it is one of the inputs (choose another -o folder or --format)`, { details: { path: target, code: 'INPUT' } });
    }
    if (!overwrite && (await stat(target).catch(() => undefined)) !== undefined) {
      throw new OutputError(`Cannot write ${target}: already exists (pass --overwrite to replace it)`, { details: { path: target, code: 'EEXIST' } });
    }
  }
}

/** The same file under any spelling (relative, symlinked); a missing file keeps its absolute path. */
async function canonical(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

async function writeSamples(result: ColorizeResult, targets: readonly string[], overwrite: boolean): Promise<string[]> {
  // Atomic and cleaned up on error (src/files): a cancelled run or a full disk leaves no partial image.
  for (const [k, sample] of result.samples.entries()) {
    try {
      await mkdir(dirname(targets[k]!), { recursive: true }); // a --recursive batch's subfolder
    } catch (cause) {
      throw new OutputError(`Cannot create output folder ${dirname(targets[k]!)}: ${(cause as Error).message}`, { cause, details: { path: targets[k] } });
    }
    await writeFileAtomic(targets[k]!, sample.image, { overwrite });
  }
  return [...targets];
}

function report(flags: ColorizeFlags, input: string, result: ColorizeResult, outputs: string[]): void {
  if (flags.json) {
    const { samples, ...rest } = result;
    process.stdout.write(
      JSON.stringify({ input, ok: true, outputs, seeds: samples.map((s) => s.seed), ...rest }) + '\n',
    );
    return;
  }
  // A grounded phrase says where its colour went: the detected object's box (x,y w×h).
  const where = (u: ColorizeResult['prompt']['understood'][number]) =>
    u.grounded && u.box ? ` (${u.label} at ${Math.round(u.box[0])},${Math.round(u.box[1])} ${Math.round(u.box[2])}×${Math.round(u.box[3])})` : '';
  const understood = result.prompt.understood.map((u) => `${u.color}→${u.target || '(scene)'}${where(u)}`).join(', ');
  process.stdout.write(
    `${input} → ${outputs.join(', ')}  (seed ${result.seed}, ${result.steps} steps ${result.scheduler}, ` +
      `${(result.timings.totalMs / 1000).toFixed(2)} s${understood ? `, understood: ${understood}` : ''})\n`,
  );
}

function reportError(flags: ColorizeFlags, input: string, error: unknown, texts: FlagTexts): void {
  // Hints outside this image are found once it is read: named by their flag, like bad flags up front.
  const shown = inFlags(error, texts);
  const body = isColorWizardError(shown) ? shown.toJSON() : { name: 'Error', code: 'UNKNOWN', message: String(shown), details: {} };
  if (flags.json) process.stdout.write(JSON.stringify({ input, ok: false, error: body }) + '\n');
  process.stderr.write(`color-wizard: ${input}: ${body.code}: ${body.message}\n`);
}
