import { z } from 'zod';
import { SCHEDULER_NAMES } from '../schedulers/scheduler.js';
import { TEMPERATURE_MAX } from '../schedulers/temperature.js';
import { ANCHOR_MAX } from '../schedulers/anchor-schedule.js';

/** Contract of a model pack's manifest.json (docs/model-pack.md). The Python exporter validates against its JSON Schema. */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256 (64 characters)');
const relativeFile = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'), 'a file name inside the pack (no absolute path, no "..")');

export const TensorSpecSchema = z.object({
  name: z.string().min(1),
  dtype: z.enum(['float32', 'int64']),
  /** Integers are fixed sizes; strings name dynamic axes (e.g. "batch", "height"). */
  shape: z.array(z.union([z.number().int().positive(), z.string().min(1)])).min(1),
});

export const ComponentSchema = z.object({
  file: relativeFile,
  sha256,
  bytes: z.number().int().positive(),
  parameters: z.number().int().nonnegative().optional(),
  /** Multiply-adds ×2 of one call at batch 1 and the working size, counted by the exporter (benchmarks use it). */
  flops: z.number().int().nonnegative().optional(),
  inputs: z.array(TensorSpecSchema).min(1),
  outputs: z.array(TensorSpecSchema).min(1),
});

export const COMPONENT_NAMES = ['textEncoder', 'grayEncoder', 'guider', 'prior', 'quantizer', 'decoder'] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];
/** Components a pack may leave out (older packs and the interim pack have no semantic encoder, detector or anchor). */
export const OPTIONAL_COMPONENT_NAMES = ['semanticEncoder', 'detector', 'anchor'] as const;
export type OptionalComponentName = (typeof OPTIONAL_COMPONENT_NAMES)[number];

const metricsRecord = z.record(z.string(), z.number());

export const ManifestSchema = z.object({
  formatVersion: z.literal(1),
  name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" or "-"'),
  family: z.literal('color-wizard-piggyback'),
  description: z.string(),
  workingSize: z.number().int().min(8).max(2048),
  latent: z.object({
    channels: z.number().int().positive(),
    downsample: z.number().int().positive(),
    scale: z.number().positive(),
  }),
  grayLatentChannels: z.number().int().positive(),
  text: z.object({
    maxLength: z.number().int().min(2).max(512),
    hiddenSize: z.number().int().positive(),
    tokenizer: relativeFile,
  }),
  scheduler: z.object({
    config: relativeFile,
    default: z.enum(SCHEDULER_NAMES),
    defaultSteps: z.number().int().min(1).max(1000),
    /** Noise temperature of a run that gives none (schedulers/temperature.ts); 1 when absent. */
    defaultTemperature: z.number().min(0).max(TEMPERATURE_MAX).optional(),
  }),
  guidance: z.object({ defaultScale: z.number().min(0).max(50) }),
  conditioning: z.object({ text: z.boolean(), hints: z.boolean() }),
  guider: z.object({ residuals: z.array(z.string().min(1)).min(1) }),
  decoder: z.object({
    multipleOf: z.number().int().positive(),
    tileSize: z.number().int().min(16),
    tileOverlap: z.number().int().min(0),
  }),
  /** Frozen pretrained encoder run once per image; the guider reads its output as input "semantic". */
  semantic: z
    .object({
      inputSize: z.number().int().min(16).max(2048),
      /**
       * Size of the training photos whose features the guider learned from: L is area-reduced to it, then
       * enlarged bilinearly to inputSize, so the encoder sees photos as soft as in training. Absent: L goes
       * straight to inputSize (packs before it).
       */
      sourceSize: z.number().int().min(16).max(2048).optional(),
      channels: z.number().int().positive(),
      origin: z.string().min(1),
    })
    .refine((s) => s.sourceSize === undefined || s.sourceSize <= s.inputSize, {
      message: 'semantic.sourceSize must not exceed semantic.inputSize',
      path: ['sourceSize'],
    })
    .optional(),
  /**
   * Object detector run once per image when a prompt names a colour for something: its heatmap's
   * channels are `labels` (e.g. the 80 COCO classes), cells `stride` input pixels apart.
   */
  detector: z
    .object({
      inputSize: z.number().int().min(32).max(2048),
      stride: z.number().int().positive(),
      labels: z.array(z.string().min(1)).min(1),
      origin: z.string().min(1),
    })
    .optional(),
  /**
   * The anchor: a frozen pretrained encoder and a trained head, from the gray photo ("lightness", fed like
   * the semantic encoder's: through sourceSize to inputSize) to the colour latent ("latent") a run starts
   * from, noised to a middle noise level (schedulers/anchor-schedule.ts). `default`: the anchor of a run
   * that gives none and has no text prompt (0 starts from pure noise); `temperature`: the noise temperature
   * of an anchored run that gives none (else scheduler.defaultTemperature).
   */
  anchor: z
    .object({
      default: z.number().min(0).max(ANCHOR_MAX),
      temperature: z.number().min(0).max(TEMPERATURE_MAX).optional(),
      inputSize: z.number().int().min(16).max(2048),
      sourceSize: z.number().int().min(16).max(2048).optional(),
      origin: z.string().min(1),
    })
    .refine((s) => s.sourceSize === undefined || s.sourceSize <= s.inputSize, {
      message: 'anchor.sourceSize must not exceed anchor.inputSize',
      path: ['sourceSize'],
    })
    .optional(),
  components: z.object({
    textEncoder: ComponentSchema,
    grayEncoder: ComponentSchema,
    guider: ComponentSchema,
    prior: ComponentSchema,
    quantizer: ComponentSchema,
    decoder: ComponentSchema,
    semanticEncoder: ComponentSchema.optional(),
    detector: ComponentSchema.optional(),
    anchor: ComponentSchema.optional(),
  }),
  files: z.record(relativeFile, z.object({ sha256, bytes: z.number().int().nonnegative() })),
  training: z.object({
    data: z.array(z.object({ source: z.string(), photos: z.number().int().nonnegative(), terms: z.string() })),
    recipe: z.string(),
    steps: z.number().int().nonnegative(),
    seconds: z.number().nonnegative(),
    gitSha: z.string().optional(),
    randomWeights: z.boolean(),
  }),
  metrics: z
    .object({
      evalSet: z.string(),
      model: metricsRecord,
      grayBaseline: metricsRecord,
    })
    .optional(),
  parity: relativeFile.optional(),
})
  .refine((m) => (m.semantic === undefined) === (m.components.semanticEncoder === undefined), {
    message: 'a pack has both "semantic" and components.semanticEncoder, or neither',
    path: ['semantic'],
  })
  .refine((m) => (m.detector === undefined) === (m.components.detector === undefined), {
    message: 'a pack has both "detector" and components.detector, or neither',
    path: ['detector'],
  })
  .refine((m) => (m.anchor === undefined) === (m.components.anchor === undefined), {
    message: 'a pack has both "anchor" and components.anchor, or neither',
    path: ['anchor'],
  })
  .superRefine((m, ctx) => {
    const problem = m.detector && m.components.detector ? detectorContractProblem(m.detector, m.components.detector) : undefined;
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `the detector's tensors: ${problem}`, path: ['components', 'detector'] });
    const anchor = m.anchor && m.components.anchor ? anchorContractProblem(m, m.anchor, m.components.anchor) : undefined;
    if (anchor !== undefined) ctx.addIssue({ code: 'custom', message: `the anchor's tensors: ${anchor}`, path: ['components', 'anchor'] });
  });

/**
 * The anchor's tensors: `lightness` [batch, 1, inputSize, inputSize] in, `latent` [batch, latent.channels, g, g]
 * out, g the latent grid (workingSize / latent.downsample). Undefined when they match.
 */
export function anchorContractProblem(
  m: { workingSize: number; latent: { channels: number; downsample: number } },
  section: { inputSize: number },
  component: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] },
): string | undefined {
  const g = m.workingSize / m.latent.downsample;
  return tensorProblem([
    ['lightness', [1, section.inputSize, section.inputSize], component.inputs],
    ['latent', [m.latent.channels, g, g], component.outputs],
  ]);
}

/** The first of `want` (name, dims after batch, where to look) that the component's specs do not match. */
function tensorProblem(want: [string, (number | string)[], readonly TensorSpec[]][]): string | undefined {
  for (const [name, dims, list] of want) {
    const spec = list.find((t) => t.name === name);
    const shape = spec?.shape.slice(1).join(', ');
    if (spec === undefined || spec.dtype !== 'float32' || spec.shape.length !== dims.length + 1 || shape !== dims.join(', ')) {
      return `${name} must be float32 [batch, ${dims.join(', ')}], the manifest says ${spec === undefined ? 'nothing' : `${spec.dtype} [${spec.shape.join(', ')}]`}`;
    }
  }
  return undefined;
}

/**
 * The detector's tensors as the runtime decodes them: `lightness` [batch, 1, S, S] in; `heatmap`
 * [batch, labels, S/stride, S/stride] and `boxes` [batch, 4, S/stride, S/stride] out. Undefined when they match.
 */
export function detectorContractProblem(
  section: { inputSize: number; stride: number; labels: readonly string[] },
  component: { inputs: readonly TensorSpec[]; outputs: readonly TensorSpec[] },
): string | undefined {
  const S = section.inputSize;
  const g = S / section.stride;
  if (!Number.isInteger(g)) return `inputSize ${S} is not a multiple of stride ${section.stride}`;
  return tensorProblem([
    ['lightness', [1, S, S], component.inputs],
    ['heatmap', [section.labels.length, g, g], component.outputs],
    ['boxes', [4, g, g], component.outputs],
  ]);
}

export type Manifest = z.infer<typeof ManifestSchema>;
export type ComponentSpec = z.infer<typeof ComponentSchema>;
export type TensorSpec = z.infer<typeof TensorSpecSchema>;

/** JSON Schema (draft 2020-12) of the manifest, for the Python exporter. */
export function manifestJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ManifestSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
