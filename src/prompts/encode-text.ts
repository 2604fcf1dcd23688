import type { ModelPack } from '../packs/index.js';
import type { FloatTensor } from '../runtime/index.js';
import { createPromptTokenizer } from './tokenize.js';

/** Runs the pack's text encoder on a batch of prompts → [B, T, D] hidden states, plus the tokens it saw. */
export async function encodeText(pack: ModelPack, texts: readonly string[]): Promise<{ hidden: FloatTensor; tokens: string[][] }> {
  const tokenizer = createPromptTokenizer(pack.tokenizerJson, pack.manifest.text.maxLength);
  const { inputIds, attentionMask, tokens } = tokenizer.encode(texts);
  const out = await pack.models.textEncoder.run({ input_ids: inputIds, attention_mask: attentionMask });
  return { hidden: out.last_hidden_state, tokens };
}
