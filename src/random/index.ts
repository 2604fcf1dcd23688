export { createGenerator, sampleSeed, randomSeed } from './random.js';
export type { RandomGenerator } from './random.js';
