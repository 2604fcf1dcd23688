import { describe, expect, it } from 'vitest';
import { runMatmulProbe } from '../../src/runtime/index.js';

describe('runMatmulProbe', () => {
  it('builds a valid one-node ONNX MatMul in memory and times it', async () => {
    const r = await runMatmulProbe(64);
    expect(r.seconds).toBeGreaterThan(0);
    expect(r.method).toMatch(/onnxruntime MatMul/);
    expect(r.threads).toBeGreaterThanOrEqual(1);
  });
});
