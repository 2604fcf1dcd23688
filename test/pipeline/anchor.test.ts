/**
 * Anchored runs end to end with the default pack (its anchor: a pretrained encoder and a trained head; its
 * unprompted runs start from it by default): the run starts from the anchor's colour latent noised to a middle
 * timestep, costs as many model calls as a plain run, resumes from snapshots, and packs without an anchor refuse
 * the option before any work.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OptionsError } from '../../src/errors/index.js';
import { colorize, createColorizeActor, runColorizeActor } from '../../src/pipeline/index.js';
import { loadModelPack } from '../../src/packs/index.js';
import { grayImage, TINY_PACK } from '../helpers/tiny-pack.js';

const model = resolve(__dirname, '../../models/cw-semantic');
const W = 96;
const H = 64;
const input = { width: W, height: H, rgb: grayImage(W, H) };

/** A copy of the default pack whose manifest makes anchored runs the default (as a pack may). */
function packWithAnchorDefault(value: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'cw-anchor-default-'));
  made.push(dir);
  cpSync(model, dir, { recursive: true, filter: (src) => !src.includes(`${sep}weights`) });
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.anchor.default = value;
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return dir;
}
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('anchored runs (default pack)', () => {
  it('the shipped default starts from the anchor; anchor 0 is the plain run, an anchor option runs at the anchor temperature, and samples still differ', async () => {
    const pack = await loadModelPack(model);
    const base = { model, seed: 3, samples: 2 };
    const byDefault = await colorize(input, base);
    expect(byDefault.anchor).toBe(pack.manifest.anchor!.default);
    const plain = await colorize(input, { ...base, anchor: 0 });
    expect(plain.samples[0].image.equals(byDefault.samples[0].image)).toBe(pack.manifest.anchor!.default === 0);
    const anchored = await colorize(input, { ...base, anchor: 0.8 });
    expect([anchored.anchor, anchored.temperature]).toEqual([0.8, pack.manifest.anchor!.temperature]);
    expect(anchored.samples[0].image.equals(plain.samples[0].image)).toBe(false);
    expect(anchored.samples[0].image.equals(byDefault.samples[0].image)).toBe(pack.manifest.anchor!.default === 0.8);
    // Samples of one anchored run still differ (noise around the anchor), and at temperature 0 they agree.
    expect(anchored.samples[0].image.equals(anchored.samples[1].image)).toBe(false);
    const cold = await colorize(input, { ...base, anchor: 0.8, temperature: 0 });
    expect(cold.samples[0].image.equals(cold.samples[1].image)).toBe(true);
  });

  it('a pack whose default is anchored: applies it when absent, and a prompt that reaches the text encoder starts from noise unless the run asks for an anchor', async () => {
    const dir = packWithAnchorDefault(0.8);
    const pack = await loadModelPack(dir);
    const unprompted = await colorize(input, { model: dir, seed: 3 });
    expect([unprompted.anchor, unprompted.temperature]).toEqual([0.8, pack.manifest.anchor!.temperature]);
    const explicit = await colorize(input, { model: dir, seed: 3, anchor: 0.8 });
    expect(explicit.samples[0].image.equals(unprompted.samples[0].image)).toBe(true);
    const prompted = await colorize(input, { model: dir, seed: 3, prompt: 'autumn trees' });
    expect([prompted.anchor, prompted.temperature]).toEqual([0, pack.manifest.scheduler.defaultTemperature]);
    const negative = await colorize(input, { model: dir, seed: 3, negativePrompt: 'sepia' });
    expect(negative.anchor).toBe(0);
    const asked = await colorize(input, { model: dir, seed: 3, prompt: 'autumn trees', anchor: 0.6 });
    expect([asked.anchor, asked.temperature]).toEqual([0.6, pack.manifest.anchor!.temperature]);
    const cooler = await colorize(input, { model: dir, seed: 3, prompt: 'autumn trees', anchor: 0.6, temperature: 0.2 });
    expect(cooler.temperature).toBe(0.2);
  });

  it('takes as many denoising steps as a plain run (progress reports each)', async () => {
    const steps: number[] = [];
    const totals = new Set<number>();
    await colorize(input, {
      model, seed: 1, steps: 3, anchor: 0.7,
      onProgress: (e) => {
        if (e.stage === 'denoising' && e.step !== undefined) steps.push(e.step);
        if (e.totalSteps !== undefined) totals.add(e.totalSteps);
      },
    });
    expect(new Set(steps)).toEqual(new Set([1, 2, 3]));
    expect([...totals]).toEqual([3]);
  });

  for (const scheduler of ['ddim', 'heun', 'dpmpp-2m'] as const) {
    it(`${scheduler}: an anchored run resumes bit-exact from a snapshot taken mid-denoising`, async () => {
      const options = { model, seed: 9, steps: 3, scheduler, anchor: 0.6 };
      const straight = await colorize(input, options);
      const first = createColorizeActor(input, options);
      const persisted = await new Promise<unknown>((done) => {
        let taken = false;
        first.actor.subscribe((s) => {
          if (!taken && s.value === 'denoising' && s.context.step === 1) {
            taken = true;
            const snap = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot()));
            first.actor.stop();
            done(snap);
          }
        });
        first.actor.start();
      });
      expect((persisted as { context: { run: { anchor: number } } }).context.run.anchor).toBe(0.6);
      const second = createColorizeActor(input, options, { snapshot: persisted });
      const resumed = await runColorizeActor(second.actor, second.workspace);
      expect(resumed.samples[0].image.equals(straight.samples[0].image)).toBe(true);
    });
  }

  it('a pack without an anchor refuses anchor > 0 with OptionsError (0 is fine)', async () => {
    const error = await colorize(input, { model: TINY_PACK, anchor: 0.5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OptionsError);
    expect((error as Error).message).toMatch(/has no anchor head/);
    const ok = await colorize(input, { model: TINY_PACK, anchor: 0, steps: 2 });
    expect(ok.anchor).toBe(0);
  });

  it('refuses an anchor out of range before any work', async () => {
    for (const bad of [-0.1, 0.95, Number.NaN]) {
      await expect(colorize(input, { model, anchor: bad })).rejects.toBeInstanceOf(OptionsError);
    }
  });
});
