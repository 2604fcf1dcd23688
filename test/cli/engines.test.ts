import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// Issue 13 item 10: `engines` must be true for what package-lock.json installs. semver is npm's own
// range logic (in the tree through the toolchain); loaded untyped so the test needs no @types.
const semver = createRequire(import.meta.url)('semver') as { subset(a: string, b: string): boolean; satisfies(v: string, r: string): boolean };
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string }; overrides?: Record<string, string> };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string }; optional?: boolean; dev?: boolean }>;
};

describe('package engines', () => {
  it('every installed package supports every Node version package.json engines allows', () => {
    const broken: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node;
      // Optional platform binaries (wasm fallbacks, win32-ia32) are skipped where they do not fit.
      if (path === '' || range === undefined || entry.optional) continue;
      if (!semver.subset(pkg.engines.node, range)) broken.push(`${path}@${entry.version} needs node ${range}`);
    }
    expect(broken).toEqual([]);
    expect(lock.packages['']!.engines?.node).toBe(pkg.engines.node);
  });

  it('the lock honours package.json overrides (cookie pinned to a release that runs on Node 20)', () => {
    for (const [name, range] of Object.entries(pkg.overrides ?? {})) {
      expect(semver.satisfies(lock.packages[`node_modules/${name}`]!.version!, range), name).toBe(true);
    }
    expect(semver.satisfies(process.versions.node, pkg.engines.node), `this Node ${process.versions.node}`).toBe(true);
  });
});
