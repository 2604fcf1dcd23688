import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { OptionsError, OutputError } from '../errors/index.js';
import type { Detector } from '../hints/index.js';
import { ColorizeOptionsSchema } from '../pipeline/options-schema.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../schedulers/index.js';
import {
  adherenceRows,
  BASIC_COLORS,
  evalFolders,
  evalRun,
  loadEvalImages,
  markdownTable,
  objectPromptRows,
  perImageRows,
  readAdherenceTargets,
  renderSheet,
  runAdherence,
  runSteering,
  steeringRows,
  STEERING_HINT_COUNTS,
  SHEET_MAX_ROWS,
  SINGLE_HINT_COLORS,
  SINGLE_HINT_MIN_SHARE,
  singleHintRows,
  textTable,
  toMarkdown,
  totalsRows,
  EVAL_SIZE,
  type AdherenceReport,
  type BasicColor,
  type ColorizeFn,
  type EvalColorizeOptions,
  type EvalRunResult,
  type SheetRow,
  type SteeringReport,
  type SystemScores,
} from '../eval/index.js';

/** Flags as commander hands them over (strings until checked here). */
export interface EvalFlags {
  gt: string;
  pred?: string;
  run?: boolean;
  adherence?: boolean;
  steering?: boolean;
  hintCounts?: string;
  reference?: boolean;
  grounding?: boolean;
  objectColors?: string;
  singleHintColors?: string;
  objects?: string;
  size?: string;
  limit?: string;
  resize?: boolean;
  json?: string;
  sheet?: string;
  markdown?: string;
  model?: string;
  steps?: string;
  samples?: string;
  seed?: string;
  scheduler?: SchedulerName;
  guidance?: string;
  temperature?: string;
  anchor?: string;
  strength?: string;
  prompt?: string;
}

export interface EvalDeps {
  /** colorize() of the pipeline; loaded lazily so `eval --pred` never loads ONNX Runtime. */
  colorize?: ColorizeFn;
  /** The detector for --steering's object prompts; by default the pack's own (none with an injected colorize). */
  detector?: Detector;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** Everything eval found; written as --json. */
export interface EvalReport {
  mode: 'pred' | 'run' | 'adherence' | 'steering';
  gt: string;
  pred?: string;
  size?: number;
  colorize?: EvalColorizeOptions;
  /** false with --no-grounding: prompts went through the text encoder alone. */
  grounding?: boolean;
  settings?: EvalRunResult['settings'];
  seconds?: EvalRunResult['seconds'];
  systems: SystemScores[];
  missing?: string[];
  unmatched?: string[];
  adherence?: AdherenceReport;
  steering?: SteeringReport;
}

export function registerEvalCommand(program: Command): void {
  program
    .command('eval')
    .description(
      'Score colorizations against ground truth: PSNR, SSIM, colorfulness, CIEDE2000, lightness error, diversity. ' +
        'Either a folder of predictions (--pred), or a run that colorizes the ground truths\' lightness itself (--run) beside a gray baseline.',
    )
    .requiredOption('--gt <dir>', 'ground-truth color images')
    .option('--pred <dir>', 'predictions paired by file stem: x.png ↔ x.*, or x_1.*…x_N.* as N samples of x')
    .option('--resize', 'with --pred: resize predictions to their ground truth\'s size instead of failing')
    .option('--run', 'colorize the Lab L of each ground truth and score it, beside the gray baseline (ab = 0)')
    .option('--size <px>', `with --run: centre-crop to a square and resize to px×px; 0 keeps the images as they are (default ${EVAL_SIZE})`)
    .option('--limit <n>', 'with --run: only the first n images (natural file-name order)')
    .option('--model <pack>', 'model pack folder or name')
    .option('--steps <n>', 'denoising steps')
    .option('--samples <n>', 'samples per image (diversity and best-of-N need 2 or more)')
    .option('--seed <n>', 'seed of sample 1 (default 0, so runs repeat)')
    .addOption(new Option('--scheduler <name>', 'scheduler').choices([...SCHEDULER_NAMES]))
    .option('--guidance <scale>', 'classifier-free guidance scale')
    .option('--temperature <t>', "noise temperature: 0 the most likely colors, 1 the model's full spread (default: the pack's)")
    .option('--anchor <a>', "how much samples lean on the pack's semantic colour guess, 0 = pure noise (default: the pack's)")
    .option('--strength <s>', 'chroma strength 0..2 at constant L and hue (default: the pack\'s)')
    .option('--prompt <text>', 'prompt for every image')
    .option('--adherence', 'prompt adherence: colorize with "<color> <object>" for 8 colors and check the dominant color of the object\'s region')
    .option('--steering', 'user control: hints sampled from the ground truth (--hint-counts) and reference transfer with the ground truth as reference, each against automatic colorization (CIEDE2000 at the hints, in their regions, whole image)')
    .option('--hint-counts <list>', `with --steering: hint counts per image, comma-separated, or "none" (default ${STEERING_HINT_COUNTS.join(',')})`)
    .option('--no-reference', 'with --steering: skip the reference transfer')
    .option('--no-grounding', 'colorize without the detector\'s grounding, so "<colour> <object>" prompts go through the text encoder alone (the text path; --steering still finds the objects it scores)')
    .option(
      '--object-colors <list>',
      `with --steering: colours asked as "<colour> <object>" on the object the pack's detector finds in each photo, comma-separated, or "none" (default ${BASIC_COLORS.join(',')})`,
    )
    .option(
      '--single-hint-colors <list>',
      `with --steering: on each photo whose ground truth has a region of the colour (≥ ${100 * SINGLE_HINT_MIN_SHARE} % of it), one hint of its own colour at its most solid spot; scores the share of the region that takes the colour's hue family. Comma-separated, or "none" (default ${SINGLE_HINT_COLORS.join(',')})`,
    )
    .option('--objects <file>', 'with --adherence: JSON {"<stem>": {"object": "boat", "region": [x, y, w, h]}} (fractions); default "object" in the centre half')
    .option('--json <file>', 'write the full report as JSON')
    .option('--markdown <file>', 'write the tables as Markdown')
    .option('--sheet <file.png>', `write a contact sheet: gray | samples | ground truth per row (first ${SHEET_MAX_ROWS} images)`)
    .action(async (flags: EvalFlags) => {
      await runEvalCommand(flags);
    });
}

/** The command without commander: checks flags, runs the chosen mode, prints and writes the report. */
export async function runEvalCommand(flags: EvalFlags, deps: EvalDeps = {}): Promise<EvalReport> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const colorizing = flags.run === true || flags.adherence === true || flags.steering === true;
  if (flags.pred !== undefined && colorizing) {
    throw new OptionsError('--pred scores existing predictions; --run, --adherence and --steering make their own: give one or the other');
  }
  if (flags.hintCounts !== undefined && flags.steering !== true) throw new OptionsError('--hint-counts needs --steering');
  if (flags.objectColors !== undefined && flags.steering !== true) throw new OptionsError('--object-colors needs --steering');
  if (flags.singleHintColors !== undefined && flags.steering !== true) throw new OptionsError('--single-hint-colors needs --steering');
  // Parsed before any photo is loaded or colorized: a typo costs nothing.
  const objectColors = flags.objectColors === undefined ? undefined : parseColorList('object-colors', flags.objectColors);
  const singleHintColors = flags.singleHintColors === undefined ? undefined : parseColorList('single-hint-colors', flags.singleHintColors);
  if (flags.reference === false && flags.steering !== true) throw new OptionsError('--no-reference needs --steering');
  if (flags.grounding === false && !colorizing) throw new OptionsError('--no-grounding applies to --run, --adherence and --steering');
  if (flags.pred === undefined && !colorizing) {
    throw new OptionsError('give --pred <dir> to score predictions, or --run to colorize the ground truths (see --help)');
  }
  if (flags.pred !== undefined) {
    for (const name of ['size', 'limit', 'model', 'steps', 'samples', 'seed', 'scheduler', 'guidance', 'temperature', 'anchor', 'strength', 'prompt', 'objects'] as const) {
      if (flags[name] !== undefined) throw new OptionsError(`--${name} applies to --run and --adherence, not to --pred`);
    }
  } else if (flags.resize === true) {
    throw new OptionsError('--resize applies to --pred; with --run, --size sets the size');
  }
  if (flags.objects !== undefined && flags.adherence !== true) throw new OptionsError('--objects needs --adherence');
  if (flags.sheet !== undefined && path.extname(flags.sheet).toLowerCase() !== '.png') {
    throw new OptionsError(`--sheet writes a PNG: give a file name ending in .png, got ${flags.sheet}`);
  }

  const keepRows = flags.sheet !== undefined;
  let report: EvalReport;
  let rows: SheetRow[] = [];

  if (flags.pred !== undefined) {
    const result = await evalFolders({
      gtDir: flags.gt,
      predDir: flags.pred,
      resize: flags.resize === true,
      keepRows,
      onImage: (e) => err(`[${e.index}/${e.total}] ${e.name}\n`),
    });
    rows = result.rows;
    report = { mode: 'pred', gt: flags.gt, pred: flags.pred, systems: [result.system], missing: result.pairing.missing, unmatched: result.pairing.unmatched };
    if (result.pairing.missing.length > 0) err(`no prediction for ${result.pairing.missing.length} ground truth(s): ${preview(result.pairing.missing)}\n`);
    if (result.pairing.unmatched.length > 0) err(`${result.pairing.unmatched.length} prediction(s) match no ground truth: ${preview(result.pairing.unmatched)}\n`);
  } else {
    const size = flags.size === undefined ? EVAL_SIZE : parseIntFlag('size', flags.size, 0, 8192);
    const limit = flags.limit === undefined ? undefined : parseIntFlag('limit', flags.limit, 1, 1_000_000);
    const colorizeOptions = colorizeOptionsOf(flags);
    const targets = flags.objects === undefined ? undefined : await readAdherenceTargets(flags.objects);
    const colorize = deps.colorize ?? (await import('../pipeline/index.js')).colorize;
    const images = await loadEvalImages(flags.gt, { size, limit });
    // A targets file picks the images adherence looks at; the metric run still covers all of them.
    const adherenceImages = targets === undefined ? images : images.filter((i) => targets.has(i.name));
    if (flags.adherence === true && adherenceImages.length === 0) {
      throw new OptionsError(`none of the images in ${flags.gt} is named in ${flags.objects}`);
    }
    report = { mode: flags.run === true ? 'run' : flags.adherence === true ? 'adherence' : 'steering', gt: flags.gt, size, colorize: colorizeOptions, grounding: flags.grounding !== false, systems: [] };
    if (flags.run === true) {
      const result = await evalRun({
        images,
        colorize,
        colorizeOptions,
        keepRows,
        onImage: (e) => err(`[${e.index}/${e.total}] ${e.name}: ${e.seconds.toFixed(2)} s\n`),
      });
      rows = result.rows;
      report = { ...report, systems: result.systems, settings: result.settings, seconds: result.seconds };
    }
    if (flags.adherence === true) {
      report.adherence = await runAdherence({
        images: adherenceImages,
        colorize,
        colorizeOptions,
        targets,
        onRun: (e) => err(`[adherence ${e.index}/${e.total}] ${e.image}: "${e.prompt}"\n`),
      });
    }
    if (flags.steering === true) {
      const detector = objectColors?.length === 0 ? undefined : (deps.detector ?? (deps.colorize === undefined ? await packDetectorOf(colorizeOptions.model) : undefined));
      if (detector === undefined && objectColors !== undefined && objectColors.length > 0) {
        throw new OptionsError('--object-colors needs a pack with an object detector (components.detector); this one has none');
      }
      if (detector === undefined && objectColors === undefined) err('object prompts skipped: the pack has no object detector\n');
      report.steering = await runSteering({
        images,
        colorize,
        colorizeOptions,
        hintCounts: flags.hintCounts === undefined ? undefined : flags.hintCounts.trim() === 'none' ? [] : flags.hintCounts.split(',').map((k) => parseIntFlag('hint-counts', k, 1, 256)),
        reference: flags.reference !== false,
        detector,
        objectColors,
        singleHintColors,
        onImage: (e) => err(`[steering ${e.index}/${e.total}] ${e.name}\n`),
      });
    }
  }

  out(renderText(report));
  await writeOutputs(report, rows, flags, out);
  return report;
}

/** The pack's own detector, loaded only for --steering (the pack cache shares it with the colorize runs). */
async function packDetectorOf(model: string | undefined): Promise<Detector | undefined> {
  const { loadModelPack } = await import('../packs/index.js');
  const { packDetector } = await import('../detect/index.js');
  return packDetector(await loadModelPack(model));
}

function parseColorList(option: string, text: string): BasicColor[] {
  if (text.trim() === 'none') return [];
  const names = text.split(',').map((c) => c.trim().toLowerCase());
  const bad = names.filter((c) => !(BASIC_COLORS as readonly string[]).includes(c));
  if (bad.length > 0 || names.length === 0) {
    throw new OptionsError(`--${option} takes basic colours (${BASIC_COLORS.join(', ')}) or "none", got "${text}"`, { details: { option, value: text } });
  }
  return [...new Set(names)] as BasicColor[];
}

function colorizeOptionsOf(flags: EvalFlags): EvalColorizeOptions {
  const o: EvalColorizeOptions = {};
  if (flags.model !== undefined) o.model = flags.model;
  if (flags.steps !== undefined) o.steps = parseIntFlag('steps', flags.steps, ...optionRange('steps'));
  if (flags.samples !== undefined) o.samples = parseIntFlag('samples', flags.samples, ...optionRange('samples'));
  if (flags.seed !== undefined) o.seed = parseIntFlag('seed', flags.seed, ...optionRange('seed'));
  if (flags.scheduler !== undefined) o.scheduler = flags.scheduler;
  if (flags.guidance !== undefined) o.guidance = parseNumberFlag('guidance', flags.guidance, ...optionRange('guidance'));
  if (flags.temperature !== undefined) o.temperature = parseNumberFlag('temperature', flags.temperature, ...optionRange('temperature'));
  if (flags.anchor !== undefined) o.anchor = parseNumberFlag('anchor', flags.anchor, ...optionRange('anchor'));
  if (flags.strength !== undefined) o.strength = parseNumberFlag('strength', flags.strength, ...optionRange('strength'));
  if (flags.prompt !== undefined) o.prompt = flags.prompt;
  if (flags.grounding === false) o.detector = async () => [];
  return o;
}

/** [min, max] of a numeric colorize option, read from the one options schema (no limits written twice). */
export function optionRange(name: 'steps' | 'samples' | 'seed' | 'guidance' | 'temperature' | 'anchor' | 'strength'): [number, number] {
  const number = ColorizeOptionsSchema.shape[name].unwrap();
  return [number.minValue ?? -Infinity, number.maxValue ?? Infinity];
}

export function parseIntFlag(name: string, value: string, min: number, max: number): number {
  const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new OptionsError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`, { details: { option: name, value, min, max } });
  }
  return n;
}

function parseNumberFlag(name: string, value: string, min: number, max: number): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new OptionsError(`--${name} must be a number from ${min} to ${max}, got "${value}"`, { details: { option: name, value, min, max } });
  }
  return n;
}

function preview(names: readonly string[]): string {
  return names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, …`;
}

/** Terminal report: per-image table of the scored system, totals side by side, adherence. */
export function renderText(report: EvalReport): string {
  const parts: string[] = [];
  if (report.settings) {
    const s = report.settings;
    parts.push(`model ${s.model} · ${s.steps} steps · ${s.scheduler} · guidance ${s.guidance} · temperature ${s.temperature} · anchor ${s.anchor} · seed ${s.seed} · size ${report.size === 0 ? 'as is' : `${report.size}²`}`);
  }
  if (report.seconds) {
    parts.push(`${report.seconds.perImage.toFixed(2)} s per image (denoising ${report.seconds.denoisePerImage.toFixed(2)} s)`);
  }
  if (report.systems.length > 0) {
    parts.push('', textTable(perImageRows(report.systems[0])), '', textTable(totalsRows(report.systems)));
  }
  if (report.adherence) {
    parts.push('', `Prompt adherence (${report.adherence.images.length} images × ${report.adherence.colors.length} colours)`, textTable(adherenceRows(report.adherence)));
  }
  if (report.steering) {
    if (report.steering.rows.length > 1) {
      parts.push('', `User control (${report.steering.images} images; CIEDE2000, lower is better; automatic in parentheses)`, textTable(steeringRows(report.steering)));
    }
    if (report.steering.objects) parts.push('', objectPromptSummary(report.steering.objects), textTable(objectPromptRows(report.steering.objects)));
    if (report.steering.singleHint) parts.push('', singleHintSummary(report.steering.singleHint), textTable(singleHintRows(report.steering.singleHint)));
  }
  return parts.join('\n').replace(/^\n/, '') + '\n';
}

export function renderMarkdown(report: EvalReport): string {
  const title = `Evaluation on ${path.basename(path.resolve(report.gt))}`;
  let md = report.systems.length > 0 ? toMarkdown(report.systems, title) : `## ${title}\n`;
  if (report.adherence) {
    md += `\n### Prompt adherence\n\n${markdownTable(adherenceRows(report.adherence), 1)}\n`;
  }
  if (report.steering) {
    if (report.steering.rows.length > 1) md += `\n### User control (CIEDE2000; automatic in parentheses)\n\n${markdownTable(steeringRows(report.steering), 1)}\n`;
    const objects = report.steering.objects;
    if (objects) md += `\n### Object prompts\n\n${objectPromptSummary(objects)}\n\n${markdownTable(objectPromptRows(objects), 1)}\n`;
    const single = report.steering.singleHint;
    if (single) md += `\n### One hint on a region\n\n${singleHintSummary(single)}\n\n${markdownTable(singleHintRows(single), 1)}\n`;
  }
  return md;
}

function objectPromptSummary(o: NonNullable<SteeringReport['objects']>): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  return (
    `Object prompts ("<colour> <object>" on the detector's best object; ${o.withObject} of ${o.images} images have one, ${o.cases.length} runs): ` +
    `majority of the object (box centre) in the asked hue family in ${pct(o.majority)} of runs (automatic: ${pct(o.automaticMajority)}); ` +
    `mean share of the object in the family ${pct(o.meanObjectShare)} (whole box ${pct(o.meanBoxShare)}); ` +
    `ΔE00 against automatic outside the object's boxes ${o.meanChangeOutside.toFixed(2)}, inside the object ${o.meanChangeInside.toFixed(2)}`
  );
}

function singleHintSummary(o: NonNullable<SteeringReport['singleHint']>): string {
  const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
  return (
    `One hint on a region (the ground truth's own colour at the most solid spot of each region of ${o.colors.join(', ')} covering ≥ ${100 * SINGLE_HINT_MIN_SHARE} % of the photo; ${o.cases.length} cases in ${o.images} images): ` +
    `the majority of the region in the hint's hue family in ${pct(o.majority)} of cases (automatic: ${pct(o.automaticMajority)}); ` +
    `mean share ${pct(o.meanShare)} (automatic ${pct(o.meanAutomaticShare)}); ΔE00 against automatic where the ground truth is not of the colour ${o.meanChangeElsewhere.toFixed(2)}`
  );
}

async function writeOutputs(report: EvalReport, rows: SheetRow[], flags: EvalFlags, out: (t: string) => void): Promise<void> {
  const write = async (file: string, data: string | Buffer) => {
    try {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      await writeFile(file, data);
    } catch (error) {
      throw new OutputError(`cannot write ${file}: ${(error as Error).message}`, { cause: error, details: { file } });
    }
    out(`wrote ${file}\n`);
  };
  if (flags.json !== undefined) await write(flags.json, JSON.stringify(report, null, 2) + '\n');
  if (flags.markdown !== undefined) await write(flags.markdown, renderMarkdown(report));
  if (flags.sheet !== undefined) {
    if (rows.length === 0) throw new OptionsError('--sheet needs scored images (with --adherence or --steering alone there are none)');
    await write(flags.sheet, await renderSheet(rows));
  }
}
