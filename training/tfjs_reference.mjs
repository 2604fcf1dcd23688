// Runs a TensorFlow.js graph or layers model with @tensorflow/tfjs (pure-JS CPU backend) on a fixed input and writes
// the input and the requested node outputs as JSON, so the PyTorch port (tfjs_graph.py) can be compared
// with the original. Training-side only: the runtime never loads tfjs.
//
//   node training/tfjs_reference.mjs MODEL_JSON OUT_JSON NODE [NODE...]
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import vm from 'node:vm';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

const [modelJson, outFile, ...nodes] = process.argv.slice(2);
if (!modelJson || !outFile || nodes.length === 0) {
  console.error('usage: node training/tfjs_reference.mjs MODEL_JSON OUT_JSON NODE [NODE...]');
  process.exit(2);
}

await tf.setBackend('cpu');

// model.json, or nsfwjs' UMD bundle that embeds it (and its shards) as JavaScript: evaluated in an empty
// sandbox, where the wrapper leaves its value on `self`.
function umdValue(file, text) {
  const ctx = { self: {} };
  vm.runInNewContext(text, ctx, { filename: file });
  const v = Object.values(ctx.self)[0];
  // Values from another realm fail instanceof checks in tfjs: copy them into this one.
  return JSON.parse(JSON.stringify(v && v.default ? v.default : v));
}
async function readModel(file) {
  const text = await readFile(file, 'utf8');
  return text.trimStart().startsWith('{') ? JSON.parse(text) : umdValue(file, text);
}
async function readShard(file) {
  for (const f of [file, `${file}.min.js`, `${file}.js`]) {
    if (!existsSync(f)) continue;
    if (!f.endsWith('.js')) return readFile(f);
    return Buffer.from(umdValue(f, await readFile(f, 'utf8')), 'base64');
  }
  throw new Error(`weight shard ${file} not found`);
}

const model = await readModel(modelJson);
const specs = model.weightsManifest.flatMap((g) => g.weights);
const buffers = [];
for (const g of model.weightsManifest) {
  for (const p of g.paths) buffers.push(await readShard(path.join(path.dirname(modelJson), p)));
}
const all = Buffer.concat(buffers);
const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
const isGraph = model.format === 'graph-model';
const artifacts = { modelTopology: model.modelTopology, weightSpecs: specs, weightData, format: model.format };
let run;
let shape;
if (isGraph) {
  const graph = await tf.loadGraphModel(tf.io.fromMemory(artifacts));
  // The graph's own input shape (NHWC).
  shape = Object.values(model.signature.inputs)[0].tensorShape.dim.map((d) => Number(d.size));
  run = (x) => graph.execute(x, nodes);
} else {
  // A Keras layers model: a sub-model whose outputs are the named layers.
  const layers = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const sub = tf.model({ inputs: layers.inputs, outputs: nodes.map((n) => layers.getLayer(n).output) });
  shape = [1, ...layers.inputs[0].shape.slice(1)];
  run = (x) => sub.predict(x);
}
// A fixed pseudo-random photo-like pattern in 0..255 (a layers model gets it / 255, as nsfwjs feeds it).
const [, h, w, c] = shape;
const input = new Float32Array(h * w * c);
let state = 12345;
for (let y = 0; y < h; y++) {
  for (let x = 0; x < w; x++) {
    state = (state * 1103515245 + 12345) >>> 0;
    const noise = (state >>> 16) / 65536;
    const v = 127.5 + 90 * Math.sin(x / 17) * Math.cos(y / 23) + 30 * (noise - 0.5);
    for (let k = 0; k < c; k++) input[(y * w + x) * c + k] = Math.max(0, Math.min(255, v + 10 * k)) / (isGraph ? 1 : 255);
  }
}
const t0 = performance.now();
const outs = run(tf.tensor(input, shape));
const list = Array.isArray(outs) ? outs : [outs];
const result = { input: { shape, data: Buffer.from(input.buffer).toString('base64') }, outputs: {}, seconds: 0 };
for (let i = 0; i < nodes.length; i++) {
  const data = await list[i].data();
  result.outputs[nodes[i]] = { shape: list[i].shape, data: Buffer.from(new Float32Array(data).buffer).toString('base64') };
}
result.seconds = (performance.now() - t0) / 1000;
await writeFile(outFile, JSON.stringify(result));
console.log(`tfjs reference: ${nodes.length} outputs in ${result.seconds.toFixed(1)} s -> ${outFile}`);
