// Runs a TensorFlow.js graph model with @tensorflow/tfjs (pure-JS CPU backend) on a fixed input and writes
// the input and the requested node outputs as JSON, so the PyTorch port (tfjs_graph.py) can be compared
// with the original. Training-side only: the runtime never loads tfjs.
//
//   node training/tfjs_reference.mjs MODEL_JSON OUT_JSON NODE [NODE...]
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [modelJson, outFile, ...nodes] = process.argv.slice(2);
if (!modelJson || !outFile || nodes.length === 0) {
  console.error('usage: node training/tfjs_reference.mjs MODEL_JSON OUT_JSON NODE [NODE...]');
  process.exit(2);
}

await tf.setBackend('cpu');
const model = JSON.parse(await readFile(modelJson, 'utf8'));
const specs = model.weightsManifest.flatMap((g) => g.weights);
const buffers = [];
for (const g of model.weightsManifest) {
  for (const p of g.paths) buffers.push(await readFile(path.join(path.dirname(modelJson), p)));
}
const all = Buffer.concat(buffers);
const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
const graph = await tf.loadGraphModel(
  tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: specs, weightData, format: model.format }),
);

// The graph's own input shape (NHWC); a fixed pseudo-random photo-like pattern in 0..255.
const sig = Object.values(model.signature.inputs)[0];
const shape = sig.tensorShape.dim.map((d) => Number(d.size));
const [, h, w, c] = shape;
const input = new Float32Array(h * w * c);
let state = 12345;
for (let y = 0; y < h; y++) {
  for (let x = 0; x < w; x++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const noise = (state >>> 16) / 65536;
    const v = 127.5 + 90 * Math.sin(x / 17) * Math.cos(y / 23) + 30 * (noise - 0.5);
    for (let k = 0; k < c; k++) input[(y * w + x) * c + k] = Math.max(0, Math.min(255, v + 10 * k));
  }
}
const t0 = performance.now();
const outs = graph.execute(tf.tensor(input, shape), nodes);
const list = Array.isArray(outs) ? outs : [outs];
const result = { input: { shape, data: Buffer.from(input.buffer).toString('base64') }, outputs: {}, seconds: 0 };
for (let i = 0; i < nodes.length; i++) {
  const data = await list[i].data();
  result.outputs[nodes[i]] = { shape: list[i].shape, data: Buffer.from(new Float32Array(data).buffer).toString('base64') };
}
result.seconds = (performance.now() - t0) / 1000;
await writeFile(outFile, JSON.stringify(result));
console.log(`tfjs reference: ${nodes.length} outputs in ${result.seconds.toFixed(1)} s -> ${outFile}`);
