#!/usr/bin/env node
// Writes src/prompts/color-lexicon.ts from training/color_lexicon.json, the one lexicon training and the
// prompt parser share (test/prompts/color-lexicon.test.ts fails when the two disagree). No build needed.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const lex = JSON.parse(readFileSync(new URL('training/color_lexicon.json', root), 'utf8'));
const hex = (rgb) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');
const words = [];
for (const color of lex.colors) for (const word of [color.name, ...color.aliases]) words.push([word, hex(color.rgb)]);
for (const [word, rgb] of Object.entries(lex.prompt_words ?? {})) words.push([word, hex(rgb)]);
const modifiers = [...lex.modifiers, ...(lex.prompt_modifiers ?? [])];

const text = `// Generated from training/color_lexicon.json by scripts/write-color-lexicon.mjs: edit the JSON, then rerun it.

/**
 * Color words a prompt may use, as sRGB hex of a typical instance: training's colors and their aliases,
 * then prompt-only words (scene words that imply a palette, such as "autumn", are there because users
 * write them as colors).
 */
export const COLOR_LEXICON: Readonly<Record<string, string>> = Object.freeze({
${words.map(([w, h]) => `  ${w}: '${h}',`).join('\n')}
});

/** Words that shift a color's lightness only; kept so the parser can report "dark red" as one phrase. */
export const COLOR_MODIFIERS: ReadonlySet<string> = new Set([${modifiers.map((m) => `'${m}'`).join(', ')}]);
`;
writeFileSync(new URL('src/prompts/color-lexicon.ts', root), text);
console.log(`wrote src/prompts/color-lexicon.ts (${words.length} words, ${modifiers.length} modifiers)`);
