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
  const available = ort.listSupportedBackends().map((b) => b.name);
  if (!available.includes(provider)) {
    throw new ModelRunError(
      `Execution provider "${provider}" is not available in this onnxruntime-node install (available: ${available.join(', ')}). ` +
        'Install the CUDA binaries with `npm install onnxruntime-node --onnxruntime-node-install=cuda12` on a machine with CUDA 12, or use "cpu".',
      { details: { provider, available } },
    );
  }
}
