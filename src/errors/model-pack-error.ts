import { ColorWizardError } from './color-wizard-error.js';

/** A model pack is missing, malformed, or does not match its manifest (hash, tensor names, shapes). */
export class ModelPackError extends ColorWizardError {
  readonly code = 'MODEL_PACK' as const;
}
