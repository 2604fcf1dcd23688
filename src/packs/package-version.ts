import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

let cached: string | undefined;

/** Version from the installed package's package.json, at PACKAGE_ROOT beside models/. */
export function packageVersion(): string {
  if (cached === undefined) {
    cached = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  }
  return cached;
}
