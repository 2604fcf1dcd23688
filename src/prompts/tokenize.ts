import { PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelPackError } from '../errors/index.js';
import type { IdsTensor } from '../runtime/index.js';

export interface PromptTokenizer {
  maxLength: number;
  /** Token ids and attention mask, padded to maxLength, for a batch of prompts. */
  encode(texts: readonly string[]): { inputIds: IdsTensor; attentionMask: IdsTensor; tokens: string[][] };
}

const tokenizers = new WeakMap<object, PromptTokenizer>();

/** Word-level tokenizer from a pack's tokenizer.json, via transformers.js so the HF format is honoured exactly. */
export function createPromptTokenizer(tokenizerJson: Record<string, unknown>, maxLength: number): PromptTokenizer {
  const cached = tokenizers.get(tokenizerJson);
  if (cached !== undefined && cached.maxLength === maxLength) return cached;
  let tokenizer: PreTrainedTokenizer;
  try {
    tokenizer = new PreTrainedTokenizer(tokenizerJson, {
      pad_token: '[PAD]',
      unk_token: '[UNK]',
      bos_token: '[BOS]',
      model_max_length: maxLength,
      padding_side: 'right',
    });
  } catch (cause) {
    throw new ModelPackError(`tokenizer.json cannot be loaded: ${(cause as Error).message}`, { cause });
  }
  const padId = tokenizer.pad_token_id ?? 0;
  const idToToken = new Map<number, string>();
  for (const [token, id] of tokenizer.get_vocab()) idToToken.set(id, token);
  const result: PromptTokenizer = {
    maxLength,
    encode(texts) {
      const ids = new BigInt64Array(texts.length * maxLength).fill(BigInt(padId));
      const mask = new BigInt64Array(texts.length * maxLength);
      const tokens: string[][] = [];
      texts.forEach((text, row) => {
        // Truncate ourselves so the [BOS] from the template survives and the mask is exact.
        const encoded = tokenizer.encode(text).slice(0, maxLength);
        tokens.push(encoded.map((id) => idToToken.get(id) ?? '[UNK]'));
        encoded.forEach((id, col) => {
          ids[row * maxLength + col] = BigInt(id);
          mask[row * maxLength + col] = 1n;
        });
      });
      return {
        inputIds: { data: ids, dims: [texts.length, maxLength] },
        attentionMask: { data: mask, dims: [texts.length, maxLength] },
        tokens,
      };
    },
  };
  tokenizers.set(tokenizerJson, result);
  return result;
}
