import { z } from 'zod';
import { InternalError } from '../errors/index.js';
import type { ColorIntent } from '../prompts/parse-prompt.js';
import type { ResolvedHint } from './hint-shapes.js';

/** One object a detector found: a COCO label, its box in input pixels (x, y, w, h) and a score 0..1. */
export const DetectionSchema = z.object({
  label: z.string().min(1),
  box: z.tuple([z.number().finite(), z.number().finite(), z.number().finite().nonnegative(), z.number().finite().nonnegative()]),
  score: z.number().min(0).max(1),
});
export type Detection = z.infer<typeof DetectionSchema>;

/**
 * An object detector: the photo's lightness at full resolution in, detections in input pixels out.
 * The pipeline calls it only when the prompt names a colour for something.
 */
export type Detector = (image: { width: number; height: number; L: Float32Array }, signal?: AbortSignal) => Promise<readonly Detection[]>;

/** Detections under this score do not ground a phrase. */
export const GROUNDING_MIN_SCORE = 0.3;

/** Words people write for COCO classes (the detector's labels are the class names themselves). */
const SYNONYMS: Readonly<Record<string, string>> = {
  man: 'person', woman: 'person', men: 'person', women: 'person', people: 'person', boy: 'person', girl: 'person',
  child: 'person', children: 'person', kid: 'person', kids: 'person', persons: 'person',
  bike: 'bicycle', motorbike: 'motorcycle', plane: 'airplane', aeroplane: 'airplane', ship: 'boat',
  sofa: 'couch', table: 'dining table', television: 'tv', phone: 'cell phone', plant: 'potted plant',
  puppy: 'dog', kitten: 'cat', lorry: 'truck', flower: 'potted plant', flowers: 'potted plant',
  ball: 'sports ball', football: 'sports ball', umbrellas: 'umbrella', sailboat: 'boat', canoe: 'boat',
};

/** The COCO label a phrase's target names, e.g. "old cars" → "car", "woman" → "person". */
export function targetLabel(target: string, labels: ReadonlySet<string>): string | undefined {
  const words = target.toLowerCase().match(/[a-z]+/g) ?? [];
  // Two-word labels first ("traffic light", "teddy bear"), then single words from the last (the noun).
  for (let i = 0; i + 1 < words.length; i++) {
    for (const pair of [`${words[i]} ${singular(words[i + 1])}`, `${singular(words[i])} ${singular(words[i + 1])}`]) if (labels.has(pair)) return pair;
  }
  for (const word of [...words].reverse()) {
    for (const w of [word, singular(word)]) {
      const label = SYNONYMS[w] ?? w;
      if (labels.has(label)) return label;
    }
  }
  return undefined;
}

function singular(word: string): string {
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (/(ses|xes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Per phrase of the prompt: what grounding made of it. */
export interface Grounding {
  grounded: boolean;
  /** The detector's label and box (x, y, w, h, input pixels) of the best detection, when grounded. */
  label?: string;
  box?: [number, number, number, number];
  score?: number;
}

/**
 * "<colour> <object>" phrases whose object the detector found become soft hints over each detection's
 * box: seeded from the box's centre, spread by the edge-aware propagation and kept inside the box.
 * Phrases the detector cannot ground keep going through the text encoder only.
 */
export function groundIntents(
  intents: readonly ColorIntent[],
  raw: readonly unknown[],
  width: number,
  height: number,
): { hints: ResolvedHint[]; grounding: Grounding[] } {
  const parsed = z.array(DetectionSchema).safeParse(raw);
  if (!parsed.success) throw new InternalError(`The object detector returned malformed detections: ${z.prettifyError(parsed.error)}`);
  const detections = parsed.data.filter((d) => d.score >= GROUNDING_MIN_SCORE).map((d) => ({ ...d, box: clipBox(d.box, width, height) })).filter((d) => d.box[2] > 0 && d.box[3] > 0);
  const labels = new Set(detections.map((d) => d.label.toLowerCase()));
  const hints: ResolvedHint[] = [];
  const grounding = intents.map((intent): Grounding => {
    const label = intent.target === '' ? undefined : targetLabel(intent.target, labels);
    if (label === undefined) return { grounded: false };
    const found = detections.filter((d) => d.label.toLowerCase() === label).sort((p, q) => q.score - p.score);
    for (const d of found) {
      const [x, y, w, h] = d.box;
      hints.push({ shape: { kind: 'box', x, y, w, h }, a: intent.ab[0], b: intent.ab[1], hard: false, clip: d.box });
    }
    return { grounded: true, label, box: found[0].box, score: found[0].score };
  });
  return { hints, grounding };
}

function clipBox([x, y, w, h]: readonly [number, number, number, number], width: number, height: number): [number, number, number, number] {
  const x0 = Math.max(0, Math.min(width, x));
  const y0 = Math.max(0, Math.min(height, y));
  const x1 = Math.max(0, Math.min(width, x + w));
  const y1 = Math.max(0, Math.min(height, y + h));
  return [x0, y0, x1 - x0, y1 - y0];
}
