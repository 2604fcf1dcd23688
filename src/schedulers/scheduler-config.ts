/**
 * diffusers' `scheduler_config.json`, read with zod: snake_case on disk (camelCase also accepted),
 * camelCase and frozen inside. Unknown keys are ignored as diffusers ignores them when a config is
 * shared between scheduler classes; known keys with values we do not implement fail with the allowed list.
 */
import { z } from 'zod';
import { SchedulerConfigError } from '../errors/index.js';
import { SCHEDULER_NAMES, type SchedulerName } from './scheduler.js';

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
export const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large', 'fixed_large_log'] as const;
export const INTERPOLATION_TYPES = ['linear'] as const;
export const FINAL_SIGMAS_TYPES = ['zero', 'sigma_min'] as const;
export const ALGORITHM_TYPES = ['dpmsolver++'] as const;
/** DPM-Solver uses midpoint/heun, UniPC bh1/bh2; each maps the other's values as diffusers does. */
export const SOLVER_TYPES = ['midpoint', 'heun', 'bh1', 'bh2', 'logrho'] as const;

export type BetaSchedule = (typeof BETA_SCHEDULES)[number];
export type PredictionType = (typeof PREDICTION_TYPES)[number];
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];
export type VarianceType = (typeof VARIANCE_TYPES)[number];
export type SolverType = (typeof SOLVER_TYPES)[number];

/** A fully resolved scheduler config (every field set; defaults follow the target scheduler class). */
export interface SchedulerConfig {
  /** diffusers `_class_name` when the file had one (informational). */
  readonly className: string | null;
  readonly numTrainTimesteps: number;
  readonly betaStart: number;
  readonly betaEnd: number;
  readonly betaSchedule: BetaSchedule;
  readonly trainedBetas: readonly number[] | null;
  readonly predictionType: PredictionType;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  /** DDIM/LCM: alpha_cumprod after the last step is 1 (clean) instead of alphas_cumprod[0]. */
  readonly setAlphaToOne: boolean;
  readonly clipSample: boolean;
  readonly clipSampleRange: number;
  /** Lin et al. 2023: rescale betas so the last timestep has zero SNR. */
  readonly rescaleBetasZeroSnr: boolean;
  readonly useKarrasSigmas: boolean;
  readonly sigmaMin: number | null;
  readonly sigmaMax: number | null;
  readonly varianceType: VarianceType;
  /** DDIM stochasticity (0 = deterministic DDIM, 1 = DDPM-like); a step argument in diffusers. */
  readonly eta: number;
  readonly interpolationType: (typeof INTERPOLATION_TYPES)[number];
  readonly finalSigmasType: (typeof FINAL_SIGMAS_TYPES)[number];
  readonly solverOrder: number;
  readonly algorithmType: (typeof ALGORITHM_TYPES)[number];
  readonly solverType: SolverType;
  readonly lowerOrderFinal: boolean;
  readonly eulerAtFinal: boolean;
  readonly lambdaMinClipped: number;
  readonly predictX0: boolean;
  readonly disableCorrector: readonly number[];
  readonly originalInferenceSteps: number;
  readonly timestepScaling: number;
}

export type SchedulerConfigInput = Partial<Omit<SchedulerConfig, 'trainedBetas' | 'disableCorrector'>> & {
  trainedBetas?: readonly number[] | null;
  disableCorrector?: readonly number[];
};

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => `got ${JSON.stringify(issue.input)}; allowed: ${values.join(', ')}`,
  });
}

/** Settings diffusers has that we do not implement: accepted only at their neutral value. */
function onlyValue<T extends boolean | string>(value: T) {
  return z.literal(value, { error: (issue) => `got ${JSON.stringify(issue.input)}; allowed: ${JSON.stringify(value)} (not supported otherwise)` });
}

const positive = z.number().finite().positive();
const unit = z.number().gt(0).lt(1);

/** Known keys (camelCase). `.partial()` because defaults depend on the scheduler being built. */
const knownShape = {
  className: z.string().nullable(),
  numTrainTimesteps: z.number().int().min(2).max(100_000),
  betaStart: unit,
  betaEnd: unit,
  betaSchedule: oneOf(BETA_SCHEDULES),
  trainedBetas: z.array(z.number().gt(0).lte(1)).min(2).nullable(),
  predictionType: oneOf(PREDICTION_TYPES),
  timestepSpacing: oneOf(TIMESTEP_SPACINGS),
  stepsOffset: z.number().int().min(0),
  setAlphaToOne: z.boolean(),
  clipSample: z.boolean(),
  clipSampleRange: positive,
  rescaleBetasZeroSnr: z.boolean(),
  useKarrasSigmas: z.boolean().nullable(),
  sigmaMin: positive.nullable(),
  sigmaMax: positive.nullable(),
  varianceType: oneOf(VARIANCE_TYPES).nullable(),
  eta: z.number().min(0).max(1),
  interpolationType: oneOf(INTERPOLATION_TYPES),
  finalSigmasType: oneOf(FINAL_SIGMAS_TYPES),
  solverOrder: z.number().int().min(1).max(3),
  algorithmType: oneOf(ALGORITHM_TYPES),
  solverType: oneOf(SOLVER_TYPES),
  lowerOrderFinal: z.boolean(),
  eulerAtFinal: z.boolean(),
  // -Infinity (no clipping) is its default, so infinities must pass.
  lambdaMinClipped: z.custom<number>((v) => typeof v === 'number' && !Number.isNaN(v), { error: 'expected a number' }).nullable(),
  predictX0: z.boolean(),
  disableCorrector: z.array(z.number().int().min(0)),
  originalInferenceSteps: z.number().int().min(1),
  timestepScaling: positive,
  // diffusers options we do not implement: fine at their default, an error otherwise.
  thresholding: onlyValue(false),
  timestepType: onlyValue('discrete'),
  useExponentialSigmas: onlyValue(false),
  useBetaSigmas: onlyValue(false),
  useLuLambdas: onlyValue(false),
  useFlowSigmas: onlyValue(false),
  useDynamicShifting: onlyValue(false),
};

const inputSchema = z.object(knownShape).partial();

const BASE_DEFAULTS: SchedulerConfig = {
  className: null,
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: 'linear',
  trainedBetas: null,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
  stepsOffset: 0,
  setAlphaToOne: true,
  clipSample: false,
  clipSampleRange: 1,
  rescaleBetasZeroSnr: false,
  useKarrasSigmas: false,
  sigmaMin: null,
  sigmaMax: null,
  varianceType: 'fixed_small',
  eta: 0,
  interpolationType: 'linear',
  finalSigmasType: 'zero',
  solverOrder: 2,
  algorithmType: 'dpmsolver++',
  solverType: 'midpoint',
  lowerOrderFinal: true,
  eulerAtFinal: false,
  lambdaMinClipped: -Infinity,
  predictX0: true,
  disableCorrector: [],
  originalInferenceSteps: 50,
  timestepScaling: 10,
};

/** Each diffusers class's own defaults, so a sparse file means what it means to diffusers. */
const CLASS_DEFAULTS: Record<SchedulerName, Partial<SchedulerConfig>> = {
  ddpm: { clipSample: true },
  ddim: { clipSample: true },
  euler: { timestepSpacing: 'linspace' },
  'euler-ancestral': { timestepSpacing: 'linspace' },
  heun: { timestepSpacing: 'linspace', betaStart: 0.00085, betaEnd: 0.012 },
  'dpmpp-2m': { timestepSpacing: 'linspace', solverType: 'midpoint' },
  'dpmpp-2m-karras': { timestepSpacing: 'linspace', solverType: 'midpoint' },
  unipc: { timestepSpacing: 'linspace', solverType: 'bh2' },
  lcm: { betaStart: 0.00085, betaEnd: 0.012, betaSchedule: 'scaled_linear' },
};

/** diffusers `_class_name` → our scheduler, used to pick defaults when parsing without a target. */
export const DIFFUSERS_CLASS_NAMES: Readonly<Record<string, SchedulerName>> = {
  DDPMScheduler: 'ddpm',
  DDIMScheduler: 'ddim',
  EulerDiscreteScheduler: 'euler',
  EulerAncestralDiscreteScheduler: 'euler-ancestral',
  HeunDiscreteScheduler: 'heun',
  DPMSolverMultistepScheduler: 'dpmpp-2m',
  UniPCMultistepScheduler: 'unipc',
  LCMScheduler: 'lcm',
};

function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Normalizes keys to camelCase, keeps only known ones, and validates them: the explicit settings. */
function readExplicit(json: unknown): SchedulerConfigInput {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SchedulerConfigError(`scheduler config must be a JSON object, got ${json === null ? 'null' : Array.isArray(json) ? 'an array' : typeof json}`);
  }
  const normalized: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    let name: string;
    if (key === '_class_name') name = 'className';
    else if (key.startsWith('_')) continue; // diffusers bookkeeping (_diffusers_version, _name_or_path)
    else name = camelCase(key);
    if (!(name in knownShape)) continue; // another class's option (e.g. PNDM's skip_prk_steps)
    if (name in normalized && JSON.stringify(normalized[name]) !== JSON.stringify(value)) {
      throw new SchedulerConfigError(`scheduler config gives "${origin[name]}" and "${key}" with different values`);
    }
    normalized[name] = value;
    origin[name] = key;
  }
  const parsed = inputSchema.safeParse(normalized);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const field = issue.path.length > 0 ? origin[String(issue.path[0])] ?? String(issue.path[0]) : 'config';
      const rest = issue.path.slice(1).map((p) => `[${String(p)}]`).join('');
      return `${field}${rest}: ${issue.message}`;
    });
    throw new SchedulerConfigError(`invalid scheduler config: ${lines.join('; ')}`, {
      details: { issues: parsed.error.issues },
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed.data)) {
    if (value === undefined) continue;
    if (key === 'thresholding' || key.startsWith('use') && key !== 'useKarrasSigmas' || key === 'timestepType') continue;
    // diffusers writes null for "unset": fall back to the class default.
    if (value === null && key !== 'className' && key !== 'trainedBetas' && key !== 'sigmaMin' && key !== 'sigmaMax') continue;
    out[key] = value;
  }
  return out as SchedulerConfigInput;
}

function freeze(config: SchedulerConfig): SchedulerConfig {
  const frozen = {
    ...config,
    trainedBetas: config.trainedBetas === null ? null : Object.freeze([...config.trainedBetas]),
    disableCorrector: Object.freeze([...config.disableCorrector]),
  };
  return Object.freeze(frozen);
}

function checkConsistency(config: SchedulerConfig): void {
  if (config.trainedBetas !== null && config.trainedBetas.length !== config.numTrainTimesteps) {
    throw new SchedulerConfigError(
      `trained_betas has ${config.trainedBetas.length} values but num_train_timesteps is ${config.numTrainTimesteps}`,
    );
  }
  if (config.trainedBetas === null && !(config.betaStart < config.betaEnd) && config.betaSchedule !== 'squaredcos_cap_v2') {
    throw new SchedulerConfigError(`beta_start (${config.betaStart}) must be below beta_end (${config.betaEnd})`);
  }
}

/**
 * The config scheduler `name` runs with: explicit settings of `input` (diffusers snake_case JSON,
 * camelCase, or an already parsed config) over that scheduler's class defaults.
 */
export function resolveSchedulerConfig(name: SchedulerName, input: unknown = {}): SchedulerConfig {
  const explicit = readExplicit(input ?? {});
  const merged = { ...BASE_DEFAULTS, ...CLASS_DEFAULTS[name], ...explicit } as SchedulerConfig;
  if (name === 'dpmpp-2m-karras') (merged as { useKarrasSigmas: boolean }).useKarrasSigmas = true;
  checkConsistency(merged);
  return freeze(merged);
}

/**
 * Reads a diffusers `scheduler_config.json` object. Defaults for absent keys follow `name` when given,
 * else the class in `_class_name` when we know it, else diffusers' DDPM defaults.
 */
export function parseSchedulerConfig(json: unknown, name?: SchedulerName): SchedulerConfig {
  if (name !== undefined && !(SCHEDULER_NAMES as readonly string[]).includes(name)) {
    throw new SchedulerConfigError(`unknown scheduler "${String(name)}"; allowed: ${SCHEDULER_NAMES.join(', ')}`);
  }
  const explicit = readExplicit(json);
  const fromClass = explicit.className ? DIFFUSERS_CLASS_NAMES[explicit.className] : undefined;
  return resolveSchedulerConfig(name ?? fromClass ?? 'ddpm', json);
}
