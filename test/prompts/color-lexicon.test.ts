import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COLOR_LEXICON, COLOR_MODIFIERS } from '../../src/prompts/color-lexicon.js';
import { runTrainingPython } from '../helpers/training-python.js';

// Issue 13 item 6: training/color_lexicon.json (read by training/colors.py, prepare.py, export.py) is the
// one lexicon; the TypeScript one is generated from it and must say the same.
const root = new URL('../../', import.meta.url);
const lex = JSON.parse(readFileSync(new URL('training/color_lexicon.json', root), 'utf8')) as {
  colors: { name: string; rgb: number[]; aliases: string[] }[];
  modifiers: string[];
  prompt_words: Record<string, number[]>;
  prompt_modifiers: string[];
};
const hex = (rgb: number[]) => '#' + rgb.map((v) => v.toString(16).padStart(2, '0')).join('');

describe('shared color lexicon', () => {
  it('every training color and alias is a prompt word with the same sRGB, and prompt-only words come from the JSON too', () => {
    const expected: Record<string, string> = {};
    for (const color of lex.colors) for (const word of [color.name, ...color.aliases]) expected[word] = hex(color.rgb);
    for (const [word, rgb] of Object.entries(lex.prompt_words)) {
      expect(expected[word], `${word} is both a training color and a prompt-only word`).toBeUndefined();
      expected[word] = hex(rgb);
    }
    expect({ ...COLOR_LEXICON }).toEqual(expected);
    expect([...COLOR_MODIFIERS].sort()).toEqual([...lex.modifiers, ...lex.prompt_modifiers].sort());
  });

  it('the generated file is what the generator writes now', () => {
    const file = new URL('src/prompts/color-lexicon.ts', root);
    const before = readFileSync(file, 'utf8');
    execFileSync(process.execPath, [new URL('scripts/write-color-lexicon.mjs', root).pathname]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('Python reads the same words (training/colors.py ColorNamer names, prepare.py vocabulary)', () => {
    const names = runTrainingPython([
      'import json, colors',
      'lex = colors.load_lexicon()',
      'print(json.dumps(sorted([c["name"] for c in lex["colors"]] + [a for c in lex["colors"] for a in c["aliases"]])))',
    ]);
    if (names === undefined) return; // no numpy/python here: the JSON comparison above still holds
    const words = JSON.parse(names) as string[];
    for (const word of words) expect(COLOR_LEXICON[word], word).toBe(hex(lex.colors.find((c) => c.name === word || c.aliases.includes(word))!.rgb));
  });
});
