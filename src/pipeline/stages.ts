/** The stages of a run, in order, as progress events name them (the HTTP schema's enum too). */
export const PIPELINE_STAGES = ['loading', 'preparing', 'denoising', 'decoding', 'fusing', 'encoding', 'done'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
