import { BASIC_COLORS, CENTER_REGION, dominantColor, type BasicColor, type Region } from './color-names.js';
import type { ColorizeFn, EvalColorizeOptions, EvalImage } from './eval-run.js';
import { EVAL_SEED, decodeSamples } from './eval-run.js';
import { toLab } from './score.js';

/** What to ask for on one image: the object word of the prompt and the region that shows it. */
export interface AdherenceTarget {
  object: string;
  region: Region;
}

export const DEFAULT_OBJECT = 'object';

export interface AdherenceRun {
  /** Requested colour; null for the no-prompt run. */
  requested: BasicColor | null;
  prompt: string;
  /** Dominant colour of the region in the output (null: mostly gray). */
  dominant: BasicColor | null;
  /** Share of the region's pixels with the dominant colour. */
  share: number;
  match: boolean;
}

export interface AdherenceImage {
  name: string;
  object: string;
  region: Region;
  noPrompt: AdherenceRun;
  runs: AdherenceRun[];
}

export interface AdherenceReport {
  colors: readonly BasicColor[];
  images: AdherenceImage[];
  /** Share of prompted runs whose region's dominant colour is the requested one. */
  share: number;
  /**
   * The same share for the no-prompt outputs, scored against every requested colour: what the
   * prompted share would be if prompts changed nothing (1/8 when the region already has one of the 8).
   */
  noPromptShare: number;
  perColor: Record<BasicColor, number>;
}

export interface AdherenceOptions {
  images: readonly EvalImage[];
  colorize: ColorizeFn;
  colorizeOptions?: EvalColorizeOptions;
  /** Per image name; absent names use DEFAULT_OBJECT and the centre region. */
  targets?: ReadonlyMap<string, AdherenceTarget>;
  colors?: readonly BasicColor[];
  onRun?: (event: { image: string; prompt: string; index: number; total: number }) => void;
}

/**
 * Prompt adherence: colorizes each image without a prompt and with "<color> <object>" for each
 * basic colour (one sample, fixed seed, so only the prompt differs), and checks the dominant
 * colour of the object's region.
 */
export async function runAdherence(options: AdherenceOptions): Promise<AdherenceReport> {
  const colors = options.colors ?? BASIC_COLORS;
  const base = { seed: EVAL_SEED, ...options.colorizeOptions, samples: 1, format: 'png' as const, keepMetadata: false };
  const total = options.images.length * (colors.length + 1);
  let index = 0;
  const images: AdherenceImage[] = [];
  for (const image of options.images) {
    const target = options.targets?.get(image.name) ?? { object: DEFAULT_OBJECT, region: CENTER_REGION };
    const one = async (requested: BasicColor | null): Promise<AdherenceRun> => {
      const prompt = requested === null ? '' : `${requested} ${target.object}`;
      options.onRun?.({ image: image.name, prompt, index: ++index, total });
      const result = await options.colorize({ width: image.gt.width, height: image.gt.height, L: image.lab.L }, { ...base, prompt });
      const [sample] = await decodeSamples(result);
      const d = dominantColor(toLab(sample), target.region);
      return { requested, prompt, dominant: d.color, share: d.share, match: requested !== null && d.color === requested };
    };
    const noPrompt = await one(null);
    const runs: AdherenceRun[] = [];
    for (const c of colors) runs.push(await one(c));
    images.push({ name: image.name, object: target.object, region: target.region, noPrompt, runs });
  }
  return summarizeAdherence(colors, images);
}

export function summarizeAdherence(colors: readonly BasicColor[], images: AdherenceImage[]): AdherenceReport {
  const perColor = Object.fromEntries(BASIC_COLORS.map((c) => [c, 0])) as Record<BasicColor, number>;
  let matches = 0;
  let noPromptMatches = 0;
  for (const image of images) {
    for (const run of image.runs) {
      if (run.match) {
        matches++;
        perColor[run.requested as BasicColor]++;
      }
    }
    for (const c of colors) if (image.noPrompt.dominant === c) noPromptMatches++;
  }
  const runs = images.length * colors.length;
  for (const c of BASIC_COLORS) perColor[c] = images.length === 0 ? 0 : perColor[c] / images.length;
  return {
    colors,
    images,
    share: runs === 0 ? 0 : matches / runs,
    noPromptShare: runs === 0 ? 0 : noPromptMatches / runs,
    perColor,
  };
}

/** Rows for a text or markdown table: one per colour, then the totals. */
export function adherenceRows(report: AdherenceReport): string[][] {
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  return [
    ['requested colour', 'matched'],
    ...report.colors.map((c) => [c, pct(report.perColor[c])]),
    ['all prompted runs', pct(report.share)],
    ['no prompt (chance baseline)', pct(report.noPromptShare)],
  ];
}
