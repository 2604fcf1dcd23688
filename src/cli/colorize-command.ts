import { mkdir, realpath, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { CancelledError, EXIT_CODES, exitCodeFor, InputImageError, isColorWizardError, OutputError } from '../errors/index.js';
import { writeFileAtomic } from '../files/index.js';
import { loadModelPack } from '../packs/index.js';
import type { ColorizeResult, ColorizeSettings, ColorHint, ColorStroke } from '../pipeline/index.js';
import { colorizeWithSettings, validateOptions } from '../pipeline/index.js';
import { parseExecutionProvider, validateSessionSettings, type SessionSettings } from '../runtime/index.js';
import { SCHEDULER_NAMES } from '../schedulers/index.js';
import { collectInputs } from './collect-inputs.js';
import { parseHintFlag } from './parse-hint.js';
import { planOutputs } from './plan-outputs.js';
import { parsePaletteFlag, parseStrokeFlag } from './parse-stroke.js';
import { createProgressBar } from './progress-bar.js';

interface ColorizeFlags {
  output: string;
  prompt?: string;
  negativePrompt?: string;
  samples?: string;
  seed?: string;
  steps?: string;
  scheduler?: string;
  guidance?: string;
  hint: ColorHint[];
  stroke: ColorStroke[];
  reference?: string;
  palette?: string;
  strength?: string;
  format?: string;
  quality?: string;
  bitDepth?: string;
  metadata: boolean;
  model?: string;
  maxPixels?: string;
  decodeMaxPixels?: string;
  provider?: string;
  threads?: string;
  overwrite?: boolean;
  json?: boolean;
}

const EXT: Record<string, string> = { png: 'png', jpeg: 'jpg', webp: 'webp', avif: 'avif' };
/** A flag's number; "" or "12abc" become NaN so the schema refuses them instead of reading 0. */
const num = (v: string | undefined) => (v === undefined ? undefined : /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : Number.NaN);

export function registerColorizeCommand(program: Command): void {
  program
    .command('colorize')
    .description('Colorize photos (files or folders). One sample writes DIR/<stem>.<ext>; N samples write DIR/<stem>_1 … _N.')
    .argument('<inputs...>', 'image files or folders of images')
    .requiredOption('-o, --output <dir>', 'output folder (created if missing)')
    .option('-p, --prompt <text>', 'what the colors should be, e.g. "red car, autumn trees"')
    .option('-n, --negative-prompt <text>', 'what to steer away from')
    .option('-s, --samples <n>', 'number of different versions, 1–16', undefined)
    .option('--seed <n>', 'seed of sample 1 (sample k uses seed+k-1); random when absent')
    .option('--steps <k>', 'denoising steps (default: the model pack’s)')
    .addOption(new Option('--scheduler <name>', 'sampler').choices([...SCHEDULER_NAMES]))
    .option('-g, --guidance <g>', 'classifier-free guidance scale (1 = off)')
    .option('--hint <x,y,#rrggbb[,radius]>', 'pin a color at a pixel (repeatable)', (v: string, all: ColorHint[]) => [...all, parseHintFlag(v)], [])
    .option('--stroke <"x1,y1 x2,y2 … #rrggbb [width]">', 'paint a color along a polyline, width in pixels (repeatable)', (v: string, all: ColorStroke[]) => [...all, parseStrokeFlag(v)], [])
    .option('--reference <photo>', 'transfer the colors of this photo (matched by lightness and texture)')
    .option('--palette <#rgb,…>', 'restrict the result to the hues of these colors, e.g. "#aa3322,#335577"')
    .option('--strength <s>', 'chroma scale 0–2 at constant L and hue: 0 gray, 1 as predicted (default), 2 double')
    .addOption(new Option('-f, --format <fmt>', 'output format').choices(['png', 'jpg', 'jpeg', 'webp', 'avif']))
    .option('--quality <q>', 'JPEG/WebP/AVIF quality 1–100')
    .addOption(new Option('--bit-depth <bits>', 'PNG bit depth (default: the input’s)').choices(['8', '16']))
    .option('--no-metadata', 'do not copy EXIF/ICC from the input')
    .option('-m, --model <path|name>', 'model pack folder or name under models/ (default: the bundled pack)')
    .option('--max-pixels <n>', 'refuse inputs larger than this many pixels', undefined)
    .option('--decode-max-pixels <n>', 'run the decoder at most at this size; larger photos get guided upsampling (default 1048576)')
    .addOption(new Option('--provider <name>', 'ONNX Runtime execution provider').choices(['cpu', 'cuda']).default('cpu'))
    .option('--threads <n>', 'ONNX Runtime threads per operator, 0–64 (0 = all cores)')
    .option('--overwrite', 'replace existing output files (inputs are never overwritten)')
    .option('--json', 'print one JSON object per input on stdout')
    .action(async (inputs: string[], flags: ColorizeFlags) => {
      process.exitCode = await runColorize(inputs, flags);
    });
}

async function runColorize(inputs: string[], flags: ColorizeFlags): Promise<number> {
  const format = flags.format === 'jpg' ? 'jpeg' : flags.format;
  const options = Object.fromEntries(
    Object.entries({
      prompt: flags.prompt,
      negativePrompt: flags.negativePrompt,
      samples: num(flags.samples),
      seed: num(flags.seed),
      steps: num(flags.steps),
      scheduler: flags.scheduler,
      guidance: num(flags.guidance),
      hints: flags.hint,
      strokes: flags.stroke,
      reference: flags.reference,
      palette: flags.palette === undefined ? undefined : parsePaletteFlag(flags.palette),
      strength: num(flags.strength),
      format,
      quality: num(flags.quality),
      bitDepth: num(flags.bitDepth),
      keepMetadata: flags.metadata,
      model: flags.model,
      maxPixels: num(flags.maxPixels),
      decodeMaxPixels: num(flags.decodeMaxPixels),
    }).filter(([, v]) => v !== undefined),
  );
  // Validate once up front: a bad flag fails the whole command before any file is touched.
  const settings = validateOptions(options);
  const session = validateSessionSettings({ provider: parseExecutionProvider(flags.provider ?? 'cpu'), intraOpThreads: num(flags.threads) });
  // Ctrl-C from here on cancels cleanly: the current image stops before its next model call, nothing half-written stays.
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_CODES.CANCELLED); // second Ctrl-C: leave now
    process.stderr.write('\ncancelling… (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    return await colorizeFiles(inputs, flags, options, settings, session, controller);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

async function colorizeFiles(
  inputs: string[],
  flags: ColorizeFlags,
  options: Record<string, unknown>,
  settings: ColorizeSettings,
  session: SessionSettings,
  controller: AbortController,
): Promise<number> {
  const pack = await loadModelPack(settings.model, session);
  if (pack.manifest.training.randomWeights) {
    process.stderr.write(`warning: model pack "${pack.name}" has random weights (a test pack): its output is not a colorization.\n`);
  }
  const { files, ownOutputs } = await collectInputs(inputs);
  if (ownOutputs.length > 0) {
    process.stderr.write(`color-wizard: skipped ${ownOutputs.length} image(s) written by Color Wizard (name them as files to colorize them again).\n`);
  }
  if (files.length === 0) {
    process.stderr.write('color-wizard: no image files found in the given folders.\n');
    return EXIT_CODES.INPUT_IMAGE;
  }
  try {
    await mkdir(flags.output, { recursive: true });
  } catch (cause) {
    throw new OutputError(`Cannot create output folder ${flags.output}: ${(cause as Error).message}`, { cause });
  }

  const plan = planOutputs(files.map((f) => f.path), flags.output, settings.samples, EXT[settings.format]!);
  const inputPaths = new Set(await Promise.all(files.map((f) => canonical(f.path))));

  let failed = 0;
  let lastCode: number = EXIT_CODES.OK;
  for (const [i, file] of files.entries()) {
    if (controller.signal.aborted) break;
    const bar = createProgressBar(process.stderr, basename(file.path));
    try {
      if (file.problem !== undefined) throw new InputImageError(file.problem);
      // Checked before the run, so a refused output costs no colorization; the write re-checks atomically.
      await checkTargets(plan[i]!, inputPaths, flags.overwrite === true);
      const result = await colorizeWithSettings(file.path, settings, { signal: controller.signal, session, onProgress: bar.update });
      bar.done();
      const outputs = await writeSamples(result, plan[i]!, flags.overwrite === true);
      report(flags, file.path, result, outputs);
    } catch (error) {
      bar.done();
      if (error instanceof CancelledError) {
        lastCode = EXIT_CODES.CANCELLED;
        failed++;
        reportError(flags, file.path, error);
        break;
      }
      failed++;
      lastCode = exitCodeFor(error);
      reportError(flags, file.path, error);
    }
  }
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
  for (const [k, sample] of result.samples.entries()) await writeFileAtomic(targets[k]!, sample.image, { overwrite });
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

function reportError(flags: ColorizeFlags, input: string, error: unknown): void {
  const body = isColorWizardError(error) ? error.toJSON() : { name: 'Error', code: 'UNKNOWN', message: String(error), details: {} };
  if (flags.json) process.stdout.write(JSON.stringify({ input, ok: false, error: body }) + '\n');
  process.stderr.write(`color-wizard: ${input}: ${body.code}: ${body.message}\n`);
}
