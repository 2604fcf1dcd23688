export { parsePrompt, parseHexColor, hexToAb } from './parse-prompt.js';
export { createPromptTokenizer } from './tokenize.js';
export type { PromptTokenizer } from './tokenize.js';
export { buildHintMap, buildHintMapFromPoints, checkHintBounds, AB_SCALE } from './hint-map.js';
export { COLOR_LEXICON, COLOR_MODIFIERS } from './color-lexicon.js';
export { encodeText } from './encode-text.js';
export type { HintMapPoint } from './hint-map.js';
