import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelPackError } from '../errors/index.js';
import type { Manifest } from './manifest-schema.js';
import { ManifestSchema } from './manifest-schema.js';

/** Reads and validates manifest.json of a pack folder; every problem names the file and the field. */
export async function readManifest(dir: string): Promise<Manifest> {
  const file = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ModelPackError(`No manifest.json in model pack folder ${dir}.`, { cause, details: { file } });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ModelPackError(`${file} is not valid JSON: ${(cause as Error).message}`, { cause, details: { file } });
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ModelPackError(`${file} does not match the model-pack contract: ${issues.slice(0, 8).join('; ')}`, {
      details: { file, issues },
    });
  }
  return parsed.data;
}

/**
 * The same check, synchronously, for places that cannot wait (the CLI's --help reads the default pack's
 * defaults as the program is built); undefined when the manifest is missing or does not validate.
 */
export function readManifestSync(dir: string): Manifest | undefined {
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
