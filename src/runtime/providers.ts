import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ModelRunError } from '../errors/index.js';
import { OptionsError } from '../errors/index.js';

export const EXECUTION_PROVIDERS = ['cpu', 'cuda'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

export function parseExecutionProvider(value: string): ExecutionProvider {
  if ((EXECUTION_PROVIDERS as readonly string[]).includes(value)) return value as ExecutionProvider;
  throw new OptionsError(`Unknown execution provider "${value}"; allowed: ${EXECUTION_PROVIDERS.join(', ')}.`, {
    details: { given: value, allowed: EXECUTION_PROVIDERS },
  });
}

/** The CUDA provider exists only where the user installed ORT's CUDA binaries; say so plainly otherwise. */
export function assertProviderAvailable(provider: ExecutionProvider): void {
  if (provider === 'cpu') return;
  const available = ort.listSupportedBackends()
    .filter((b) => b.bundled || providerLibraryInstalled(b.name))
    .map((b) => b.name);
  if (!available.includes(provider)) {
    throw new ModelRunError(
      `Execution provider "${provider}" is not available in this onnxruntime-node install (available: ${available.join(', ')}). ` +
        'Install the CUDA binaries with `npm install onnxruntime-node --onnxruntime-node-install=cuda12` on a machine with CUDA 12, or use "cpu".',
      { details: { provider, available } },
    );
  }
}

/**
 * ORT lists CUDA even when its provider library was never installed (`bundled: false`); the library
 * file beside the native binding is what makes it usable.
 */
function providerLibraryInstalled(name: string): boolean {
  try {
    const root = dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
    const bin = join(root, 'bin');
    for (const napi of readdirSync(bin)) {
      const dir = join(bin, napi, process.platform, process.arch);
      if (existsSync(join(dir, `libonnxruntime_providers_${name}.so`)) || existsSync(join(dir, `onnxruntime_providers_${name}.dll`))) return true;
    }
  } catch {
    // No readable install folder: treat as not installed.
  }
  return false;
}
