import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OnnxModel } from '../../src/runtime/index.js';
import { runTrainingPython } from '../helpers/training-python.js';

// export.compact_initializers stores a pack's pretrained weights as uint8 indices into a table (nsfwjs'
// quantized InceptionV3) or as float16 (CenterNet): ONNX Runtime in Node must compute exactly what PyTorch did.
const dir = mkdtempSync(join(tmpdir(), 'cw-compact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export.compact_initializers', () => {
  it('shrinks few-valued and float16-valued weights and onnxruntime-node still gives PyTorch outputs', async () => {
    const path = join(dir, 'net.onnx');
    const out = runTrainingPython(
      [
        'import json, os',
        'import torch',
        'from export import _onnx_export, compact_initializers',
        'torch.manual_seed(0)',
        'm = torch.nn.Sequential(torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.Conv2d(32, 16, 3, padding=1),',
        '                        torch.nn.ReLU(), torch.nn.Conv2d(16, 16, 3, padding=1)).eval()',
        'with torch.no_grad():',
        '    m[0].weight.copy_(torch.linspace(-0.3, 0.3, 200)[torch.randint(0, 200, m[0].weight.shape)])  # 200 values',
        '    m[2].weight.copy_(m[2].weight.half().float())  # float16 values, thousands of them',
        '    # m[4]: plain float32, kept',
        'x = torch.rand(2, 16, 6, 6)',
        '_onnx_export(m, (x,), sys.argv[1], ["x"], ["y"], {"x": {0: "b"}, "y": {0: "b"}})',
        'before = os.path.getsize(sys.argv[1])',
        'counts = compact_initializers(sys.argv[1])',
        'with torch.no_grad():',
        '    y = m(x)',
        'print(json.dumps({"counts": counts, "before": before, "after": os.path.getsize(sys.argv[1]),',
        '                  "x": x.flatten().tolist(), "y": y.flatten().tolist()}))',
      ],
      [path],
    );
    if (out === undefined) return; // no python3-torch here (CI installs it)
    const r = JSON.parse(out) as { counts: { uint8: number; float16: number }; before: number; after: number; x: number[]; y: number[] };
    expect(r.counts).toEqual({ uint8: 1, float16: 1 });
    // 4,608 weights: 18 kB -> 4.6 kB + a 1 kB table; 4,608 -> 9 kB; the third stays.
    expect(r.before - r.after).toBeGreaterThan(4608 * 3 - 1024 + 4608 * 2 - 512);
    const spec = { name: 'x', dtype: 'float32' as const, shape: ['b', 16, 6, 6] };
    const model = await OnnxModel.open('compact', path, { inputs: [spec], outputs: [{ ...spec, name: 'y' }] });
    const got = await model.run({ x: { data: Float32Array.from(r.x), dims: [2, 16, 6, 6] } });
    await model.release();
    let worst = 0;
    r.y.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - got.y.data[i]))));
    expect(worst).toBeLessThan(1e-5);
  });
});
