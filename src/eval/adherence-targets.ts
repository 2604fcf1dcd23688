import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { OptionsError } from '../errors/index.js';
import type { AdherenceTarget } from './adherence.js';
import { CENTER_REGION } from './color-names.js';

/**
 * Adherence targets file: `{ "<image stem>": { "object": "boat", "region": [x, y, width, height] } }`,
 * region in fractions of the (cropped) image; the centre half when absent.
 */
const fraction = z.number().min(0).max(1);
export const AdherenceTargetsSchema = z.record(
  z.string().min(1),
  z
    .object({
      object: z.string().trim().min(1).max(60),
      region: z.tuple([fraction, fraction, fraction.positive(), fraction.positive()]).optional(),
    })
    .strict()
    .refine((t) => t.region === undefined || (t.region[0] + t.region[2] <= 1 && t.region[1] + t.region[3] <= 1), {
      message: 'region must lie inside the image (x + width ≤ 1, y + height ≤ 1)',
    }),
);

export function parseAdherenceTargets(json: unknown, source = 'targets'): Map<string, AdherenceTarget> {
  const parsed = AdherenceTargetsSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new OptionsError(`invalid adherence targets in ${source}: ${issues.join('; ')}`, { details: { issues } });
  }
  return new Map(
    Object.entries(parsed.data).map(([stem, t]) => [
      stem,
      { object: t.object, region: t.region ? { x: t.region[0], y: t.region[1], width: t.region[2], height: t.region[3] } : CENTER_REGION },
    ]),
  );
}

export async function readAdherenceTargets(file: string): Promise<Map<string, AdherenceTarget>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new OptionsError(`cannot read adherence targets ${file}: ${(error as Error).message}`, { cause: error, details: { file } });
  }
  return parseAdherenceTargets(json, file);
}
