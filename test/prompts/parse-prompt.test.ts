import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import { buildHintMap, hexToAb, parseHexColor, parsePrompt, promptWithout } from '../../src/prompts/index.js';

describe('parsePrompt', () => {
  it('binds color words to the things they describe', () => {
    const intents = parsePrompt('Red car, autumn trees and a dark green door under a blue sky');
    expect(intents.map((i) => [i.color, i.target])).toEqual([
      ['red', 'car'],
      ['autumn', 'trees'],
      ['green', 'door'],
      ['blue', 'sky'],
    ]);
    expect(intents[2].phrase).toBe('dark green door');
  });

  it('gives Lab chroma that points the right way (red: +a, blue: −b, yellow: +b)', () => {
    const [red] = parsePrompt('red car');
    const [blue] = parsePrompt('blue dress');
    const [yellow] = parsePrompt('yellow taxi');
    expect(red.ab[0]).toBeGreaterThan(40);
    expect(blue.ab[1]).toBeLessThan(-30);
    expect(yellow.ab[1]).toBeGreaterThan(50);
  });

  it('understands nothing in a prompt without color words, and copes with empty text', () => {
    expect(parsePrompt('a photo of a street')).toEqual([]);
    expect(parsePrompt('')).toEqual([]);
  });
});

describe('colors and hints', () => {
  it('parses #rgb and #rrggbb, and refuses other text', () => {
    expect(parseHexColor('#c20')).toEqual([0xcc, 0x22, 0x00]);
    expect(parseHexColor('00ff80')).toEqual([0, 255, 128]);
    expect(() => parseHexColor('red')).toThrow(OptionsError);
    expect(hexToAb('#808080').map((v) => Math.abs(v) < 1e-3)).toEqual([true, true]);
  });

  it('paints a hint disc with ab/110 and mask 1, scaled to the working size', () => {
    const S = 32;
    const map = buildHintMap([{ x: 50, y: 25, color: '#ff0000', radius: 10 }], 100, 50, S);
    const plane = S * S;
    const [a, b] = hexToAb('#ff0000');
    // (50, 25) in a 100×50 image is the working-grid center.
    const i = 16 * S + 16;
    expect(map[2 * plane + i]).toBe(1);
    expect(map[i]).toBeCloseTo(a / 110, 6);
    expect(map[plane + i]).toBeCloseTo(b / 110, 6);
    expect(map[2 * plane]).toBe(0); // far corner untouched
    let painted = 0;
    for (let k = 0; k < plane; k++) painted += map[2 * plane + k];
    // radius 10 px → 3.2 working px across x, 6.4 across y (the image is squeezed to a square)
    expect(painted).toBeGreaterThan(30);
    expect(painted).toBeLessThan(120);
  });

  it('paints at least one cell for a tiny radius, and refuses hints outside the image', () => {
    const map = buildHintMap([{ x: 0, y: 0, color: '#00f', radius: 0.1 }], 1000, 1000, 16);
    expect(map[2 * 256]).toBe(1);
    expect(() => buildHintMap([{ x: 1000, y: 5, color: '#00f' }], 1000, 1000, 16)).toThrow(/outside the 1000×1000 image/);
  });
});

describe('promptWithout (grounded phrases leave the text prompt)', () => {
  it.each([
    ['red car', ['red car'], ''],
    ['Red car, autumn trees', ['red car'], 'autumn trees'],
    ['a red car and a blue sky', ['red car'], 'a blue sky'],
    ['blue sky and a red car', ['red car'], 'blue sky'],
    ['a photo with a dark green door, at dawn!', ['dark green door'], 'a photo, at dawn!'],
    ['A RED CAR; green grass', ['red car'], 'green grass'],
    ['red carpet', ['red car'], 'red carpet'],
  ])('%j without %j is %j', (prompt, phrases, expected) => {
    expect(promptWithout(prompt, phrases)).toBe(expected);
  });

  it('leaves the prompt as it is when nothing is taken out', () => {
    expect(promptWithout('  Green trees!  ', [])).toBe('  Green trees!  ');
  });
});
