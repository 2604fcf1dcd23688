import { COLOR_LEXICON, COLOR_MODIFIERS } from './color-lexicon.js';

/** Color names hints, strokes and palettes accept: the prompt lexicon's words, one list for everything. */
export const COLOR_NAMES: readonly string[] = Object.freeze(Object.keys(COLOR_LEXICON));

/** The hex of a lexicon name (lowercase, as the schema takes it), or undefined. */
export function colorNameHex(name: string): string | undefined {
  return Object.hasOwn(COLOR_LEXICON, name) ? COLOR_LEXICON[name] : undefined;
}

/** Optimal string alignment distance: typos are mostly one swap, insertion, deletion or substitution. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** Lexicon names close to `text` (typos, a different case, a lightness word in front), best first. */
export function closeColorNames(text: string, max = 3): string[] {
  const words = text.toLowerCase().trim().split(/\s+/).filter((w) => w !== '' && !COLOR_MODIFIERS.has(w));
  const word = words.join('');
  if (word === '') return [];
  if (colorNameHex(word) !== undefined) return [word];
  const budget = Math.max(1, Math.floor(word.length / 3));
  return COLOR_NAMES.map((name) => ({ name, distance: name.startsWith(word) && word.length >= 3 ? 0.5 : editDistance(word, name) }))
    .filter((c) => c.distance <= budget)
    .sort((p, q) => p.distance - q.distance || p.name.localeCompare(q.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** Why `input` is no color, in words a person can act on. */
export function colorProblem(input: unknown): string {
  if (typeof input !== 'string') return `expected a color (#rrggbb, #rgb or a name such as red), got ${input === null ? 'null' : typeof input}`;
  const text = input.trim();
  if (/^#/.test(text)) return `"${input}" is not a color: use #rrggbb or #rgb (hex digits 0-9, a-f)`;
  const close = closeColorNames(text);
  const lightness = text.split(/\s+/).some((w) => COLOR_MODIFIERS.has(w.toLowerCase()));
  if (lightness && close.length === 1 && colorNameHex(close[0]!) !== undefined) {
    return `"${input}": give the color without "${text.split(/\s+/)[0]}" ("${close[0]}"): the photo's own lightness is always kept`;
  }
  const hint = close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : `names: ${COLOR_NAMES.slice(0, 12).join(', ')}, …`;
  return `unknown color "${input}": use #rrggbb, #rgb or a color name (lowercase); ${hint}`;
}
