import { rgbToLab } from '../color/index.js';
import { OptionsError } from '../errors/index.js';
import { HEX_COLOR } from './color-hint.js';
import { COLOR_LEXICON, COLOR_MODIFIERS } from './color-lexicon.js';

/** What the prompt parser understood: a color word bound to the words it describes. */
export interface ColorIntent {
  color: string;
  /** Lab chroma target of the color word (a, b). */
  ab: [number, number];
  target: string;
  phrase: string;
  /** Whether an object detector found the target, so its colour was placed on the object's region. */
  grounded: boolean;
  /** The detected object (label, box x, y, w, h in input pixels, score), when grounded. */
  label?: string;
  box?: [number, number, number, number];
  score?: number;
}

const STOP_WORDS = new Set(['a', 'an', 'the', 'of', 'with', 'in', 'on', 'under', 'above', 'and', 'photo', 'picture', 'image']);

/** Parses a hex color ("#c20" or "#cc2200") to 8-bit sRGB. */
export function parseHexColor(text: string): [number, number, number] {
  const m = HEX_COLOR.exec(text.trim());
  if (m === null) throw new OptionsError(`"${text}" is not a color: expected #rrggbb or #rgb.`, { details: { given: text } });
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
}

/** CIE Lab a, b of an sRGB hex color. */
export function hexToAb(text: string): [number, number] {
  const lab = rgbToLab(Uint8Array.from(parseHexColor(text)), 1, 1);
  return [lab.a[0], lab.b[0]];
}

/**
 * Finds "<color> <thing>" phrases ("red car", "dark green door", "autumn trees") so the CLI can say what it
 * understood. The text encoder sees the whole prompt; this parse is for display and for prompt checks.
 */
export function parsePrompt(prompt: string): ColorIntent[] {
  const intents: ColorIntent[] = [];
  for (const clause of prompt.toLowerCase().split(/[,;.!?]|\band\b|\bwith\b/)) {
    const words = clause.match(/[a-z]+/g) ?? [];
    for (let i = 0; i < words.length; i++) {
      const hex = COLOR_LEXICON[words[i]];
      if (hex === undefined) continue;
      // The thing a color word describes is the next run of non-color, non-stop words.
      let j = i + 1;
      while (j < words.length && (COLOR_LEXICON[words[j]] !== undefined || COLOR_MODIFIERS.has(words[j]))) j++;
      const target: string[] = [];
      while (j < words.length && !STOP_WORDS.has(words[j]) && COLOR_LEXICON[words[j]] === undefined) target.push(words[j++]);
      const start = i > 0 && COLOR_MODIFIERS.has(words[i - 1]) ? i - 1 : i;
      intents.push({
        color: words[i],
        ab: hexToAb(hex),
        target: target.join(' '),
        phrase: words.slice(start, i + 1 + (j - i - 1)).join(' '),
        grounded: false,
      });
    }
  }
  return intents;
}

/**
 * The prompt with the given phrases (as parsePrompt reports them) taken out: what is left for the text
 * encoder once grounded phrases are placed on their objects. Leftover separators are tidied.
 */
export function promptWithout(prompt: string, phrases: readonly string[]): string {
  let text = prompt;
  for (const phrase of phrases) {
    const words = phrase.match(/[a-z]+/g);
    if (words === null) continue;
    // The phrase's article goes with it ("a red car").
    text = text.replace(new RegExp(`(?<![a-z])(?:(?:a|an|the)[^a-z]+)?${words.join('[^a-z]+')}(?![a-z])`, 'i'), ' ');
  }
  if (text === prompt) return prompt;
  return text
    .replace(/\s+/g, ' ')
    .replace(/\b(?:and|with)\s*(?=[,;.!?]|$)/gi, '') // a conjunction left with nothing after it
    .replace(/(^|[,;.!?])\s*(?:and|with)\b/gi, '$1') // or nothing before it
    .replace(/\s+([,;.!?])/g, '$1')
    .replace(/([,;.!?])(?:\s*[,;])+/g, '$1')
    .replace(/^[\s,;.!?]+|[\s,;]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
