import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Runs lines of Python with training/ importable (cwd the repository root) and returns what it printed, or
 * undefined where there is no Python with PyTorch (CI installs Debian's python3-torch; training/smoke.sh
 * takes the same interpreter, PY or /usr/bin/python3). For the tests that check the TypeScript runtime
 * against the training code it mirrors.
 */
export function runTrainingPython(lines: readonly string[], args: readonly string[] = []): string | undefined {
  const py = process.env.PY ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const script = ['import sys; sys.path.insert(0, "training")', ...lines].join('\n');
  try {
    return execFileSync(py, ['-c', script, ...args], {
      cwd: new URL('../../', import.meta.url).pathname,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}
