import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelPackError } from '../errors/index.js';
import type { Manifest } from './manifest-schema.js';
import { COMPONENT_NAMES, OPTIONAL_COMPONENT_NAMES } from './manifest-schema.js';

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Every file the manifest lists must exist with its recorded size and sha256: a pack is trusted only whole. */
export async function verifyPackFiles(dir: string, manifest: Manifest): Promise<void> {
  const expected: { file: string; sha256: string; bytes: number }[] = [
    ...COMPONENT_NAMES.map((c) => manifest.components[c]),
    ...OPTIONAL_COMPONENT_NAMES.flatMap((c) => manifest.components[c] ?? []),
    ...Object.entries(manifest.files).map(([file, v]) => ({ file, ...v })),
  ];
  await Promise.all(
    expected.map(async ({ file, sha256, bytes }) => {
      const path = join(dir, file);
      let size: number;
      try {
        size = (await stat(path)).size;
      } catch (cause) {
        throw new ModelPackError(`Model pack ${dir} lists ${file}, which is missing.`, { cause, details: { file: path } });
      }
      if (size !== bytes) {
        throw new ModelPackError(`Model pack file ${file} has ${size} bytes, the manifest says ${bytes}.`, {
          details: { file: path, bytes: size, expected: bytes },
        });
      }
      const actual = await sha256File(path);
      if (actual !== sha256) {
        throw new ModelPackError(`Model pack file ${file} has sha256 ${actual}, the manifest says ${sha256}: the file is corrupted or was replaced.`, {
          details: { file: path, sha256: actual, expected: sha256 },
        });
      }
    }),
  );
}
