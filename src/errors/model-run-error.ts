import { ColorWizardError } from './color-wizard-error.js';

/** Running a model failed (ONNX Runtime error, bad output, unavailable execution provider). */
export class ModelRunError extends ColorWizardError {
  readonly code = 'MODEL_RUN' as const;
}
