import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ColorizeOptionsSchema, validateOptions } from '../../src/pipeline/index.js';
import { closeColorNames, COLOR_LEXICON, COLOR_NAMES, colorProblem, optionLabel } from '../../src/prompts/index.js';

// Issue 15 item 9: hints, strokes and palettes take the prompt lexicon's names (one list, generated from
// training/color_lexicon.json), parsed to hex once at the boundary.
describe('color names', () => {
  it('are exactly the lexicon words, and parse to its hex', () => {
    expect([...COLOR_NAMES]).toEqual(Object.keys(COLOR_LEXICON));
    const settings = validateOptions({ hints: [{ x: 1, y: 2, color: 'red' }], strokes: [{ points: [[0, 0]], color: 'navy' }], palette: ['olive', '#abc'] });
    expect(settings.hints[0]!.color).toBe(COLOR_LEXICON.red);
    expect(settings.strokes[0]!.color).toBe(COLOR_LEXICON.navy);
    expect(settings.palette).toEqual([COLOR_LEXICON.olive, '#abc']);
    // Idempotent: parsed settings pass again (Redis records, worker threads).
    expect(validateOptions(settings).hints[0]!.color).toBe(COLOR_LEXICON.red);
  });

  it('an unknown name is refused with close names; a lightness word is explained', () => {
    expect(closeColorNames('redd')).toContain('red');
    expect(closeColorNames('turqoise')).toEqual(['turquoise']);
    expect(closeColorNames('Navy')).toEqual(['navy']);
    expect(closeColorNames('zzzzzz')).toEqual([]);
    expect(colorProblem('redd')).toMatch(/unknown color "redd".*did you mean "red"/);
    expect(colorProblem('dark red')).toMatch(/without "dark" \("red"\).*lightness is always kept/);
    expect(colorProblem('#12')).toMatch(/"#12" is not a color: use #rrggbb or #rgb/);
    expect(() => validateOptions({ hints: [{ x: 1, y: 2, color: 'grene' }] })).toThrow(/hint 1 color: unknown color "grene".*"green"/);
  });

  it('people count hints and strokes from 1 in messages; paths stay 0-based JSON paths', () => {
    expect(optionLabel(['hints', 3, 'color'])).toBe('hint 4 color');
    expect(optionLabel(['strokes', 0, 'points', 7])).toBe('stroke 1, point 8');
    expect(optionLabel(['palette', 2])).toBe('palette color 3');
    expect(optionLabel(['samples'])).toBe('samples');
    try {
      validateOptions({ hints: [{ x: 1, y: 1, color: '#fff' }, { x: -1, y: 1, color: '#fff' }] });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/hint 2 x:/);
      expect((error as { details: { issues: { path: string }[] } }).details.issues[0]!.path).toBe('hints.1.x');
    }
  });

  it('the options JSON Schema lists the names as an enum beside the hex pattern', () => {
    const schema = z.toJSONSchema(ColorizeOptionsSchema, { io: 'input' }) as unknown as { properties: { hints: { items: { properties: { color: { anyOf: { pattern?: string; enum?: string[] }[] } } } } } };
    const color = schema.properties.hints.items.properties.color;
    expect(color.anyOf[1]!.enum).toEqual([...COLOR_NAMES]);
    expect(color.anyOf[0]!.pattern).toBeDefined();
  });
});
