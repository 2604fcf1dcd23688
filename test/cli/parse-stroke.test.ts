import { describe, expect, it } from 'vitest';
import { parsePaletteFlag, parseStrokeFlag } from '../../src/cli/parse-stroke.js';
import { OptionsError } from '../../src/errors/index.js';

describe('--stroke and --palette flags', () => {
  it('parses points, color and width', () => {
    expect(parseStrokeFlag('10,20 40,60 #2f7a2f 6')).toEqual({ points: [[10, 20], [40, 60]], color: '#2f7a2f', width: 6 });
    expect(parseStrokeFlag(' 5,5  #abc ')).toEqual({ points: [[5, 5]], color: '#abc' });
  });

  it('rejects malformed strokes with the expected form in the message', () => {
    for (const bad of ['#abc', '10,20', '10,20 #abc 4 5', '10;20 #abc']) {
      expect(() => parseStrokeFlag(bad)).toThrow(OptionsError);
    }
    expect(() => parseStrokeFlag('1,2')).toThrow(/x1,y1 x2,y2/);
  });

  it('splits a palette', () => {
    expect(parsePaletteFlag('#aa3322, #335577,')).toEqual(['#aa3322', '#335577']);
  });
});
