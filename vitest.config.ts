import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // ONNX sessions and sharp use native threads; forks isolate them and keep memory bounded on 2-core CI.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
