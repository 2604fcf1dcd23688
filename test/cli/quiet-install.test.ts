import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Issue 13 item 10: `npx color-wizard` and `npm install` print no npm warnings. ONNX Runtime's
// postinstall (it downloads CUDA binaries on linux/x64) is denied by package.json `allowScripts` rather
// than by an `.npmrc` key npm does not know (that warned on every npm call).
const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('quiet install and npx', () => {
  it('.npmrc holds only configs npm knows', () => {
    const keys = readFileSync(new URL('.npmrc', root), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split('=')[0]!.trim());
    expect(keys.every((k) => ['fund', 'audit'].includes(k)), keys.join(', ')).toBe(true);
  });

  it('every dependency with an install script has an allowScripts decision; ONNX Runtime\'s download is denied', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([, e]) => e.hasInstallScript)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => pkg.allowScripts?.[name] === undefined)).toEqual([]);
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
  });

  it('npx color-wizard --version prints the version and nothing else', async () => {
    const { stdout, stderr } = await run('npx', ['--no', '--', 'color-wizard', '--version'], {
      cwd: root,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(stderr).not.toMatch(/npm warn/i);
  }, 60_000);
});
