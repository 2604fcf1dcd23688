import { createHash } from 'node:crypto';
import { appendFileSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelPackError } from '../../src/errors/index.js';
import { listModelPacks, loadModelPack, ManifestSchema, manifestJsonSchema, opensOnDemand, resolvePackDir } from '../../src/packs/index.js';
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
    const wider = broken((m) => {
      m.semantic = { inputSize: 128, sourceSize: 256, channels: 8, origin: 'test' };
    });
    await expectPackError(wider, /sourceSize must not exceed/);
  });

  it('refuses an anchor section without its component, or with tensors off the contract', async () => {
    const section = { default: 0.5, inputSize: 64, sourceSize: 32, origin: 'test' };
    const anchorSpec = (m: Record<string, any>, size: number) => ({
      ...m.components.grayEncoder,
      inputs: [{ name: 'lightness', dtype: 'float32', shape: ['batch', 1, size, size] }],
      outputs: [{ name: 'latent', dtype: 'float32', shape: ['batch', m.latent.channels, 8, 8] }],
    });
    await expectPackError(broken((m) => { m.anchor = section; }), /"anchor" and components\.anchor/);
    await expectPackError(broken((m) => { m.anchor = section; m.components.anchor = anchorSpec(m, 32); }), /anchor's tensors: lightness must be float32 \[batch, 1, 64, 64\]/);
    await expectPackError(broken((m) => { m.anchor = { ...section, default: 0.95 }; m.components.anchor = anchorSpec(m, 64); }), /anchor\.default/);
    await expectPackError(broken((m) => { m.anchor = { ...section, sourceSize: 128 }; m.components.anchor = anchorSpec(m, 64); }), /anchor\.sourceSize must not exceed/);
  });

  /** A detector section and component in a tiny-pack copy, the component's file being `file` (written here). */
  const withDetector = (file: string, bytes?: Buffer) =>
    broken((m) => {
      m.detector = { inputSize: 64, stride: 4, labels: ['person', 'car'], origin: 'test' };
      const spec = { ...m.components.grayEncoder, file };
      spec.inputs = [{ name: 'lightness', dtype: 'float32', shape: ['batch', 1, 64, 64] }];
      spec.outputs = [
        { name: 'heatmap', dtype: 'float32', shape: ['batch', 2, 16, 16] },
        { name: 'boxes', dtype: 'float32', shape: ['batch', 4, 16, 16] },
      ];
      if (bytes !== undefined) {
        spec.bytes = bytes.length;
        spec.sha256 = createHash('sha256').update(bytes).digest('hex');
      }
      m.components.detector = spec;
    });

  it('refuses a detector section without its component, a missing detector file, and shapes off the section', async () => {
    await expectPackError(broken((m) => (m.detector = { inputSize: 64, stride: 4, labels: ['person'], origin: 'test' })), /detector/);
    await expectPackError(withDetector('detector.onnx'), /lists detector\.onnx, which is missing/);
    const wrong = broken((m) => {
      m.detector = { inputSize: 64, stride: 4, labels: ['person', 'car', 'dog'], origin: 'test' };
      m.components.detector = { ...m.components.grayEncoder, file: 'gray_encoder.onnx', inputs: [{ name: 'lightness', dtype: 'float32', shape: ['batch', 1, 64, 64] }], outputs: [{ name: 'heatmap', dtype: 'float32', shape: ['batch', 2, 16, 16] }, { name: 'boxes', dtype: 'float32', shape: ['batch', 4, 16, 16] }] };
    });
    await expectPackError(wrong, /components\.detector: the detector's tensors: heatmap must be float32 \[batch, 3, 16, 16\]/);
  });

  it('refuses a detector file that is not ONNX at load, and one whose tensors differ from the manifest at its first run', async () => {
    const garbage = Buffer.from('not an onnx model at all');
    const dir = withDetector('detector.onnx', garbage);
    writeFileSync(join(dir, 'detector.onnx'), garbage);
    const error = await expectPackError(dir, /detector: ONNX Runtime cannot load .*detector\.onnx: the file is not a serialized ONNX model/);
    expect(error.details.file).toBe(join(realpathSync(dir), 'detector.onnx'));
    // A real ONNX file with other tensors (the gray encoder's) in the detector's place: the detector opens on
    // demand, so the pack loads and the first detection is refused, naming the file (and again after that).
    const gray = readFileSync(join(TINY_PACK, 'gray_encoder.onnx'));
    const other = withDetector('detector.onnx', gray);
    writeFileSync(join(other, 'detector.onnx'), gray);
    const pack = await loadModelPack(other);
    expect(pack.models.detector!.isOpen).toBe(false);
    const lightness = { data: new Float32Array(64 * 64), dims: [1, 1, 64, 64] };
    for (let i = 0; i < 2; i++) {
      const failed = await pack.models.detector!.run({ lightness }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(ModelPackError);
      expect((failed as Error).message).toMatch(/detector: .*detector\.onnx does not match its manifest: outputs missing from the ONNX graph: heatmap, boxes/);
    }
    expect(pack.models.detector!.isOpen).toBe(false);
  });

  it('opens the default pack\'s detector and unused anchor on their first run only', async () => {
    const pack = await loadModelPack();
    expect(opensOnDemand('detector', pack.manifest)).toBe(true);
    expect(opensOnDemand('anchor', pack.manifest)).toBe(pack.manifest.anchor?.default === 0);
    expect(opensOnDemand('semanticEncoder', pack.manifest)).toBe(false);
    expect(pack.models.guider.isOpen).toBe(true);
    expect(pack.models.semanticEncoder!.isOpen).toBe(true);
    const detector = pack.models.detector!;
    expect(detector.isOpen).toBe(false);
    const size = pack.manifest.detector!.inputSize;
    const lightness = { data: new Float32Array(size * size).fill(50), dims: [1, 1, size, size] };
    const [first, second] = await Promise.all([detector.run({ lightness }), detector.run({ lightness })]);
    expect(detector.isOpen).toBe(true);
    expect(Array.from(first.heatmap.data.slice(0, 8))).toEqual(Array.from(second.heatmap.data.slice(0, 8)));
  });

  it('loads a pack without a semantic encoder with no semanticEncoder session', async () => {
    const pack = await loadModelPack(TINY_PACK);
    expect(pack.manifest.semantic).toBeUndefined();
    expect(pack.models.semanticEncoder).toBeUndefined();
    expect(pack.manifest.detector).toBeUndefined();
    expect(pack.models.detector).toBeUndefined();
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
