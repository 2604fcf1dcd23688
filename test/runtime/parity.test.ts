import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelPack } from '../../src/packs/index.js';
import type { ComponentName, OptionalComponentName } from '../../src/packs/index.js';
import { createPromptTokenizer } from '../../src/prompts/index.js';
import type { HostTensor } from '../../src/runtime/index.js';
import { TINY_PACK } from '../helpers/tiny-pack.js';

interface ParityTensor {
  dtype: 'float32' | 'int64';
  shape: number[];
  data: number[];
  /** Outputs too big to store whole (the detector's heatmap): the flat positions that `data` lists. */
  indices?: number[];
}
interface Parity {
  components: Record<ComponentName | OptionalComponentName, { atol: number; rtol: number; inputs: Record<string, ParityTensor>; outputs: Record<string, ParityTensor> }>;
  tokenizer: { text: string; input_ids: number[]; attention_mask: number[] }[];
}

// The test pack and every shipped pack (the default users get among them): all exported by training/export.py.
// PARITY_PACK adds another folder (e.g. a freshly exported pack) to check.
const MODELS = resolve(__dirname, '..', '..', 'models');
const PACKS = [TINY_PACK, ...readdirSync(MODELS).map((n) => join(MODELS, n)), ...(process.env.PARITY_PACK ? [process.env.PARITY_PACK] : [])].filter(
  (dir) => existsSync(join(dir, 'parity.json')),
);

function toHost(t: ParityTensor): HostTensor {
  return t.dtype === 'int64'
    ? { data: BigInt64Array.from(t.data.map((v) => BigInt(v))), dims: t.shape }
    : { data: Float32Array.from(t.data), dims: t.shape };
}

// The exporter's PyTorch outputs against ONNX Runtime in Node: the Python and TS sides of the pack contract.
describe.each(PACKS.map((dir) => [basename(dir), dir]))('ONNX export parity of %s (PyTorch vs onnxruntime-node)', (_name, dir) => {
  const parity = JSON.parse(readFileSync(join(dir, 'parity.json'), 'utf8')) as Parity;
  for (const name of Object.keys(parity.components) as (ComponentName | OptionalComponentName)[]) {
    it(`${name} matches PyTorch within its stated tolerance`, async () => {
      const pack = await loadModelPack(dir);
      const spec = parity.components[name];
      const feeds = Object.fromEntries(Object.entries(spec.inputs).map(([k, v]) => [k, toHost(v)]));
      const model = pack.models[name];
      if (model === undefined) throw new Error(`${name} is in parity.json but the pack did not load it`);
      const out = await model.run(feeds);
      for (const [outName, expected] of Object.entries(spec.outputs)) {
        const got = out[outName];
        expect(got.dims).toEqual(expected.shape);
        if (expected.indices !== undefined) expect(expected.indices.length).toBe(expected.data.length);
        let worst = 0;
        for (let k = 0; k < expected.data.length; k++) {
          const at = got.data[expected.indices?.[k] ?? k];
          const excess = Math.abs(at - expected.data[k]) - (spec.atol + spec.rtol * Math.abs(expected.data[k]));
          worst = Math.max(worst, excess);
        }
        expect(worst, `${name}.${outName} exceeds atol + rtol·|torch|`).toBeLessThanOrEqual(0);
      }
    });
  }

  it('tokenizes exactly as the Python tokenizer did', async () => {
    const pack = await loadModelPack(dir);
    const tokenizer = createPromptTokenizer(pack.tokenizerJson, pack.manifest.text.maxLength);
    expect(parity.tokenizer.length).toBeGreaterThan(3);
    for (const c of parity.tokenizer) {
      const { inputIds, attentionMask } = tokenizer.encode([c.text]);
      expect(Array.from(inputIds.data, Number), c.text).toEqual(c.input_ids);
      expect(Array.from(attentionMask.data, Number), c.text).toEqual(c.attention_mask);
    }
  });
});
