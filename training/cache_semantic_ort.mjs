// The feature cache of cache_semantic.py, computed by ONNX Runtime from a pack's semantic_encoder.onnx:
// on one CPU thread it runs the CenterNet encoder ~2x faster than the PyTorch port, and the pack's encoder
// is by construction the one the runtime uses (same standardization and PCA basis).
//
//   node training/cache_semantic_ort.mjs --pack models/cw-semantic [--split train] [--threads 1]
//       [--encoder training/features/cache_encoder.onnx]
//   node training/cache_semantic_ort.mjs --encoder F.onnx --input-size 256 --channels 96 --features DIR
//
// With --encoder (export_cache_encoder.py: the pack's semantic encoder plus the detector's heads, one
// backbone pass) each photo's objects are kept too: <split>-<n>.det, float32 [n, 8, 6] rows of (COCO label
// index, score, x0, y0, x1, y1 as fractions of the photo), label -1 = none, decoded by the runtime's own
// decodeDetections (dist/detect, so `npm run build` first); object_captions.py names their colors.
//
// Resumes the same files as cache_semantic.py (<features>/<split>-<n>.f16 rows + .done count): run it
// after cache_semantic.py has written semantic_state.pt and the first rows (or stop that one and continue
// here). Input = cache_semantic.py's: the 128 px center squares of data.PhotoSet (its .npy cache), l = L/50 - 1
// from sRGB, bilinear (align_corners false) up to the encoder's input size.
import { closeSync, existsSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';

const { values: a } = parseArgs({
  options: {
    pack: { type: 'string' },
    shards: { type: 'string', default: 'training/shards' },
    features: { type: 'string', default: 'training/features' },
    split: { type: 'string', default: 'train' },
    threads: { type: 'string', default: '1' },
    batch: { type: 'string', default: '16' },
    verify: { type: 'boolean', default: false },
    encoder: { type: 'string' },
    // Without a pack (a candidate encoder from cache_semantic.py --onnx): its input size and channels.
    'input-size': { type: 'string' },
    channels: { type: 'string' },
  },
});
if (!a.pack && !(a.encoder && a['input-size'] && a.channels)) {
  throw new Error('--pack <folder with semantic_encoder.onnx>, or --encoder with --input-size and --channels, is required');
}
const manifest = a.pack ? JSON.parse(readFileSync(join(a.pack, 'manifest.json'), 'utf8')) : {};
const inputSize = a.pack ? manifest.semantic.inputSize : Number(a['input-size']);
const channels = a.pack ? manifest.semantic.channels : Number(a.channels);

// The PhotoSet cache: an .npy of uint8 [n, 128, 128, 3].
const SIZE = 128; // semantic.SOURCE_SIZE: the training photos the caches read
const manifestShards = JSON.parse(readFileSync(join(a.shards, 'manifest.json'), 'utf8'));
const n = manifestShards.counts[a.split];
const npy = join(a.shards, `cache-${a.split}-${SIZE}-${n}.npy`);
if (!existsSync(npy)) throw new Error(`${npy} missing: run cache_semantic.py (or train.py) once to decode the photos`);
const fd = openSync(npy, 'r');
const head = Buffer.alloc(10);
readSync(fd, head, 0, 10, 0);
const headerLen = head.readUInt16LE(8);
const dataOffset = 10 + headerLen;
const header = Buffer.alloc(headerLen);
readSync(fd, header, 0, headerLen, 10);
if (!header.toString('latin1').includes(`(${n}, ${SIZE}, ${SIZE}, 3)`)) throw new Error(`${npy}: unexpected shape ${header}`);

const featPath = join(a.features, `${a.split}-${n}.f16`);
const donePath = featPath.replace(/\.f16$/, '.done');
if (!existsSync(featPath)) throw new Error(`${featPath} missing: start cache_semantic.py first (it fits or loads the PCA state)`);
// --verify recomputes rows 0..batch-1 and compares them with the ones already in the file.
let done = a.verify ? 0 : existsSync(donePath) ? Number(readFileSync(donePath, 'utf8')) : 0;
const out = openSync(featPath, 'r+');
const grid = inputSize / 16;
const rowBytes = channels * grid * grid * 2;

const session = await ort.InferenceSession.create(a.encoder ?? join(a.pack, 'semantic_encoder.onnx'), {
  intraOpNumThreads: Number(a.threads),
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
});

// Objects per photo (only when the encoder has the detector's heads).
const DET_K = 8;
const DET_MIN_SCORE = 0.3;
const withDetections = session.outputNames.includes('heatmap') && session.outputNames.includes('boxes');
const { decodeDetections } = withDetections ? await import('../dist/detect/index.js') : {};
const labels = manifest.detector?.labels;
if (withDetections && !Array.isArray(labels)) throw new Error(`${a.pack}: no detector.labels in the manifest`);
const detPath = featPath.replace(/\.f16$/, '.det');
if (withDetections && !a.verify && !existsSync(detPath)) writeFileSync(detPath, Buffer.alloc(0));
const det = withDetections && !a.verify ? openSync(detPath, 'r+') : -1;
const detRowBytes = DET_K * 6 * 4;
/** Rows of (label index, score, x0, y0, x1, y1 in photo fractions) for photo k of a batch run. */
function detectionRows(res, k) {
  const hm = res.heatmap;
  const bx = res.boxes;
  const [, c, gh, gw] = hm.dims;
  const cells = c * gh * gw;
  const heat = { data: hm.data.subarray(k * cells, (k + 1) * cells), dims: [1, c, gh, gw] };
  const boxes = { data: bx.data.subarray(k * 4 * gh * gw, (k + 1) * 4 * gh * gw), dims: [1, 4, gh, gw] };
  const peaks = decodeDetections(heat, boxes, labels, inputSize / gh, { minScore: DET_MIN_SCORE, maxDetections: DET_K });
  const row = new Float32Array(DET_K * 6).fill(-1);
  peaks.slice(0, DET_K).forEach((p, i) => {
    const [x0, y0, x1, y1] = p.corners.map((v) => Math.min(1, Math.max(0, v / inputSize)));
    row.set([labels.indexOf(p.label), p.score, x0, y0, x1, y1], i * 6);
  });
  return row;
}

// sRGB byte -> linear, then L from Y only (Y of the white point is 1).
const lin = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  lin[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
function lightness(rgb, dst) {
  for (let p = 0, q = 0; p < dst.length; p++, q += 3) {
    const y = 0.2126729 * lin[rgb[q]] + 0.715152 * lin[rgb[q + 1]] + 0.072175 * lin[rgb[q + 2]];
    const f = y > 216 / 24389 ? Math.cbrt(y) : (24389 / 27 * y + 16) / 116;
    dst[p] = (116 * f - 16) / 50 - 1;
  }
}
// Bilinear, align_corners = false (PyTorch's F.interpolate for upsampling), src s x s -> dst d x d.
function upsample(src, s, dst, d) {
  const scale = s / d;
  for (let y = 0; y < d; y++) {
    const sy = Math.max(0, (y + 0.5) * scale - 0.5);
    const y0 = Math.min(s - 1, Math.floor(sy));
    const y1 = Math.min(s - 1, y0 + 1);
    const wy = sy - y0;
    for (let x = 0; x < d; x++) {
      const sx = Math.max(0, (x + 0.5) * scale - 0.5);
      const x0 = Math.min(s - 1, Math.floor(sx));
      const x1 = Math.min(s - 1, x0 + 1);
      const wx = sx - x0;
      const top = src[y0 * s + x0] * (1 - wx) + src[y0 * s + x1] * wx;
      const bot = src[y1 * s + x0] * (1 - wx) + src[y1 * s + x1] * wx;
      dst[y * d + x] = top * (1 - wy) + bot * wy;
    }
  }
}
// float32 -> IEEE half (round to nearest even), as numpy's astype(float16).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toHalf(v) {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++;
  return sign | h;
}

function fromHalf(h) {
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  const v = e === 0 ? m * 2 ** -24 : e === 31 ? (m ? NaN : Infinity) : (1 + m / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}
const B = Number(a.batch);
const rgb = Buffer.alloc(SIZE * SIZE * 3);
const small = new Float32Array(SIZE * SIZE);
const started = performance.now();
const start = done;
let saved = done;
while (done < n) {
  const b = Math.min(B, n - done);
  const input = new Float32Array(b * inputSize * inputSize);
  for (let k = 0; k < b; k++) {
    readSync(fd, rgb, 0, rgb.length, dataOffset + (done + k) * rgb.length);
    lightness(rgb, small);
    upsample(small, SIZE, input.subarray(k * inputSize * inputSize, (k + 1) * inputSize * inputSize), inputSize);
  }
  const res = await session.run({ lightness: new ort.Tensor('float32', input, [b, 1, inputSize, inputSize]) });
  const feats = res.semantic.data;
  const half = new Uint16Array(feats.length);
  for (let i = 0; i < feats.length; i++) half[i] = toHalf(feats[i]);
  if (a.verify) {
    const old = Buffer.alloc(half.byteLength);
    readSync(out, old, 0, old.length, 0);
    const prev = new Uint16Array(old.buffer, old.byteOffset, half.length);
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < half.length; i++) {
      const d = Math.abs(fromHalf(prev[i]) - fromHalf(half[i]));
      worst = Math.max(worst, d);
      sum += d;
    }
    console.log(`verify: ${b} rows, max |diff| ${worst.toFixed(4)}, mean |diff| ${(sum / half.length).toFixed(5)}`);
    break;
  }
  writeSync(out, Buffer.from(half.buffer), 0, half.byteLength, done * rowBytes);
  if (det >= 0) {
    const rows = new Float32Array(b * DET_K * 6);
    for (let k = 0; k < b; k++) rows.set(detectionRows(res, k), k * DET_K * 6);
    writeSync(det, Buffer.from(rows.buffer), 0, rows.byteLength, done * detRowBytes);
  }
  done += b;
  // Any batch size: the count is saved every 512 rows or more, and at the end.
  if (done - saved >= 512 || done === n) {
    writeFileSync(donePath, String(done));
    saved = done;
    const rate = (done - start) / ((performance.now() - started) / 1000);
    console.log(`${a.split}: ${done}/${n} photos, ${rate.toFixed(1)}/s, eta ${((n - done) / rate / 60).toFixed(1)} min`);
  }
}
closeSync(out);
closeSync(fd);
if (det >= 0) closeSync(det);
if (!a.verify && done === n) {
  writeFileSync(join(a.features, `${a.split}.json`), JSON.stringify({ split: a.split, photos: n, channels, grid, input_size: inputSize, file: `${a.split}-${n}.f16` }));
}
