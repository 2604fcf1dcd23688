import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rgbToLightness } from '../../src/color/index.js';
import { detectObjects } from '../../src/detect/index.js';
import { readImage, resizePlane } from '../../src/image/index.js';
import { loadModelPack } from '../../src/packs/index.js';
import { colorize } from '../../src/pipeline/index.js';

// The default pack's real detector on a real photo: Felice Beato's "Boats in River, Nagasaki" (public domain).
const PHOTO = resolve(__dirname, '..', '..', 'examples', 'nagasaki-boats.jpg');

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]);
  return w <= 0 || h <= 0 ? 0 : (w * h) / (a[2] * a[3] + b[2] * b[3] - w * h);
}

describe('the default pack detector on a real photo', async () => {
  const pack = await loadModelPack('cw-semantic');
  const image = await readImage(PHOTO);
  const L = rgbToLightness(image.rgb, image.width, image.height);

  it('finds the boat where the original tfjs model does, with COCO labels and photo-pixel boxes', async () => {
    const started = performance.now();
    const found = await detectObjects(pack, { width: image.width, height: image.height, L });
    const ms = performance.now() - started;
    const boats = found.filter((d) => d.label === 'boat' && d.score >= 0.3);
    expect(boats.length).toBeGreaterThan(0);
    // @tensorflow/tfjs on the same gray photo (training/vendor centernet.json, its own decoding): boat 0.40 at (410, 135)–(731, 574).
    expect(Math.max(...boats.map((b) => iou(b.box, [410, 135, 321, 439])))).toBeGreaterThan(0.7);
    for (const d of found) expect(pack.manifest.detector!.labels).toContain(d.label);
    expect(ms).toBeLessThan(5000); // one run, about 0.4 s on an idle core
  });

  it('is the default detector of a run, and an explicit detector option wins', async () => {
    const width = 512; // half size: smaller, the boats score under the grounding threshold
    const height = Math.round((width * image.height) / image.width);
    const small = { width, height, L: await resizePlane(L, image.width, image.height, width, height) };
    const options = { model: 'cw-semantic', steps: 1, seed: 0, prompt: 'red boat' };
    const own = await colorize(small, options);
    expect(own.prompt.understood[0]).toMatchObject({ phrase: 'red boat', grounded: true, label: 'boat' });
    const box = own.prompt.understood[0].box!;
    expect(box[0]).toBeGreaterThanOrEqual(0);
    expect(box[0] + box[2]).toBeLessThanOrEqual(width + 1e-6);
    const none = await colorize(small, { ...options, detector: async () => [] });
    expect(none.prompt.understood[0]).toMatchObject({ grounded: false });
  });
});
