import { appendFileSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelPackError } from '../../src/errors/index.js';
import { listModelPacks, loadModelPack, ManifestSchema, manifestJsonSchema, resolvePackDir } from '../../src/packs/index.js';
import { copyTinyPack, TINY_PACK } from '../helpers/tiny-pack.js';

const made: string[] = [];
const broken = (edit?: (m: Record<string, any>) => void) => {
  const dir = copyTinyPack(edit);
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function expectPackError(dir: string, pattern: RegExp): Promise<ModelPackError> {
  const error = await loadModelPack(dir).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ModelPackError);
  expect((error as ModelPackError).code).toBe('MODEL_PACK');
  expect((error as Error).message).toMatch(pattern);
  return error as ModelPackError;
}

describe('loadModelPack', () => {
  it('loads the tiny pack once per process, with every component session', async () => {
    const a = await loadModelPack(TINY_PACK);
    const b = await loadModelPack(TINY_PACK);
    expect(a).toBe(b);
    expect(Object.keys(a.models).sort()).toEqual(['decoder', 'grayEncoder', 'guider', 'prior', 'quantizer', 'textEncoder']);
    expect(a.manifest.training.randomWeights).toBe(true);
  });

  it('refuses a file whose sha256 differs from the manifest, naming the file', async () => {
    const dir = broken();
    const file = join(dir, 'quantizer.onnx');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(file, bytes);
    const error = await expectPackError(dir, /quantizer\.onnx has sha256 [0-9a-f]{64}, the manifest says/);
    expect(error.details.file).toBe(file);
  });

  it('refuses a file of the wrong size, and a missing file', async () => {
    const grown = broken();
    appendFileSync(join(grown, 'tokenizer.json'), ' ');
    await expectPackError(grown, /tokenizer\.json has \d+ bytes, the manifest says/);
    const missing = broken();
    unlinkSync(join(missing, 'prior.onnx'));
    await expectPackError(missing, /lists prior\.onnx, which is missing/);
  });

  it('refuses a manifest whose tensor names do not match the ONNX graph', async () => {
    const dir = broken((m) => {
      m.components.decoder.inputs[1].name = 'luminance';
    });
    await expectPackError(dir, /decoder.*inputs missing from the ONNX graph: luminance.*ONNX inputs not in the manifest: lightness/);
  });

  it('refuses an invalid manifest, listing the fields', async () => {
    const dir = broken((m) => {
      m.workingSize = 'big';
      delete m.components.prior;
    });
    await expectPackError(dir, /does not match the model-pack contract: .*workingSize.*components\.prior/);
  });

  it('refuses a semantic section without its encoder component, and an encoder whose file is missing', async () => {
    const half = broken((m) => {
      m.semantic = { inputSize: 128, channels: 8, origin: 'test' };
    });
    await expectPackError(half, /semantic/);
    const missing = broken((m) => {
      m.semantic = { inputSize: 128, channels: 8, origin: 'test' };
      m.components.semanticEncoder = { ...m.components.grayEncoder, file: 'semantic_encoder.onnx' };
    });
    await expectPackError(missing, /semantic_encoder\.onnx/);
  });

  it('loads a pack without a semantic encoder with no semanticEncoder session', async () => {
    const pack = await loadModelPack(TINY_PACK);
    expect(pack.manifest.semantic).toBeUndefined();
    expect(pack.models.semanticEncoder).toBeUndefined();
  });

  it('refuses a manifest that is not JSON, a folder without one, and an unknown name', async () => {
    const dir = broken();
    writeFileSync(join(dir, 'manifest.json'), '{ not json');
    await expectPackError(dir, /manifest\.json is not valid JSON/);
    unlinkSync(join(dir, 'manifest.json'));
    await expectPackError(dir, /No manifest\.json/);
    expect(() => resolvePackDir('no-such-pack')).toThrow(ModelPackError);
  });

  it('names a pack under models/ by its folder or by the manifest name a run reports (issue 13 item 4)', async () => {
    const infos = await listModelPacks();
    expect(infos.length).toBeGreaterThan(0);
    for (const info of infos) {
      expect(resolvePackDir(info.name)).toBe(info.path);
      expect(resolvePackDir(info.path.split(/[\\/]/).pop())).toBe(info.path);
    }
    expect(infos.map((i) => i.name)).toContain('cw-interim-64');
  });

  it('refuses file names that escape the pack folder', () => {
    const parsed = ManifestSchema.safeParse({ ...JSON.parse(readFileSync(join(TINY_PACK, 'manifest.json'), 'utf8')), text: { maxLength: 16, hiddenSize: 32, tokenizer: '../x.json' } });
    expect(parsed.success).toBe(false);
  });

  it('lists packs with their public fields', async () => {
    const infos = await listModelPacks([TINY_PACK]);
    const tiny = infos.find((i) => i.name === 'cw-tiny-random');
    expect(tiny?.randomWeights).toBe(true);
    expect(tiny?.defaults.steps).toBeGreaterThan(0);
  });

  it('exports a JSON Schema that names every component', () => {
    const schema = manifestJsonSchema() as { properties: { components: { required: string[] } } };
    expect(schema.properties.components.required.sort()).toEqual(['decoder', 'grayEncoder', 'guider', 'prior', 'quantizer', 'textEncoder']);
  });
});
