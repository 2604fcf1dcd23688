import { describe, expect, it } from 'vitest';
import { mergeLightness, rgbToLab, rgbToLightness } from '../../src/color/index.js';
import { encodeImage, readImage } from '../../src/image/index.js';

describe('shipped example photos', () => {
  it.each([
    ['examples/nagasaki-boats.jpg', 1024, 819],
    ['examples/french-alpine-landscape.jpg', 1024, 484],
  ])('%s reads, keeps its L through a neutral merge and re-encodes', async (path, width, height) => {
    const image = await readImage(path);
    expect(image).toMatchObject({ width, height, bitDepth: 8, format: 'jpeg' });
    const lab = rgbToLab(image.rgb, width, height);
    const gray = mergeLightness(lab.L, new Float32Array(lab.L.length), new Float32Array(lab.L.length), width, height);
    const back = rgbToLightness(gray, width, height);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < back.length; i++) {
      const d = Math.abs(back[i] - lab.L[i]);
      sum += d;
      max = Math.max(max, d);
    }
    expect(sum / back.length).toBeLessThan(0.2);
    expect(max).toBeLessThan(0.5);
    const jpeg = await encodeImage({ width, height, rgb: gray }, { format: 'jpeg', keepMetadata: true, metadata: image.metadata });
    expect((await readImage(jpeg)).metadata.wasGray).toBe(true);
  });
});
