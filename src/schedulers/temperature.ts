/**
 * Noise temperature: the standard deviation of a run's starting noise and of the noise stochastic schedulers
 * add, relative to what the model was trained on. 0 follows the model's most likely path (every sample of a
 * run alike); 1 samples its full spread; above 1 strays further (more varied, less faithful colors).
 * Requests and pack manifests share this range.
 */
export const TEMPERATURE_MAX = 2;

/** Used when neither the request nor the pack's manifest gives one: sampling as trained. */
export const DEFAULT_TEMPERATURE = 1;
