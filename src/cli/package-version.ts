import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** Version from package.json (two folders above dist/cli or src/cli). */
export function packageVersion(): string {
  if (cached === undefined) {
    const path = fileURLToPath(new URL('../../package.json', import.meta.url));
    cached = (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  }
  return cached;
}
