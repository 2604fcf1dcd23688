import { z } from 'zod';
import { OptionsError } from '../errors/index.js';
import { EXECUTION_PROVIDERS } from './providers.js';
import type { SessionSettings } from './onnx-model.js';

/** Above this, ORT spends its time starting and syncing threads (1000 ran past a minute). */
export const MAX_INTRA_OP_THREADS = 64;

export const SessionSettingsSchema = z
  .object({
    provider: z.enum(EXECUTION_PROVIDERS).optional(),
    /** Threads inside one operator; 0 lets ORT pick (all cores). */
    intraOpThreads: z.number().int().min(0).max(MAX_INTRA_OP_THREADS).optional(),
  })
  .strict();

/** The one check of ONNX Runtime settings, where they enter (loadModelPack): OptionsError names the field. */
export function validateSessionSettings(settings: unknown): SessionSettings {
  const parsed = SessionSettingsSchema.safeParse(settings ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: ['session', ...i.path].join('.'), message: i.message }));
  throw new OptionsError(`Invalid session settings: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { details: { issues } });
}
