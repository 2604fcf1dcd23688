import { describe, expect, it } from 'vitest';
import { ModelRunError, OptionsError } from '../../src/errors/index.js';
import { loadModelPack } from '../../src/packs/index.js';
import { assertProviderAvailable, parseExecutionProvider } from '../../src/runtime/index.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';

describe('execution providers', () => {
  it('accepts cpu and cuda by name and lists the allowed ones otherwise', () => {
    expect(parseExecutionProvider('cpu')).toBe('cpu');
    expect(() => parseExecutionProvider('tpu')).toThrow(OptionsError);
    expect(() => parseExecutionProvider('tpu')).toThrow(/allowed: cpu, cuda/);
    expect(() => assertProviderAvailable('cpu')).not.toThrow();
  });

  it('says plainly when CUDA is not installed, instead of failing inside ONNX Runtime', async () => {
    // This machine's onnxruntime-node has no CUDA binaries (they are never downloaded at install).
    expect(() => assertProviderAvailable('cuda')).toThrow(ModelRunError);
    await expect(loadModelPack(TINY_PACK, { provider: 'cuda' })).rejects.toThrow(/not available.*onnxruntime-node-install=cuda12/);
  });
});
