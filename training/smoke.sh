#!/usr/bin/env bash
# CI smoke test of training/: the tiny config end to end on CPU in a few minutes.
#   prepare a small subset -> train each stage a few steps -> export a pack -> validate it
#   -> (when the TypeScript CLI is built) colorize one image with that pack.
# Uses Debian's python3-torch (PY=/usr/bin/python3 by default). Writes only to a temp dir
# (SMOKE_DIR, default: a fresh mktemp dir; kept so CI can inspect it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
[ -x "$PY" ] || PY=python3
DIR=${SMOKE_DIR:-$(mktemp -d -t cw-smoke-XXXXXX)}
DATA=${CW_TRAIN_DATA:-../shared/data/train}
mkdir -p "$DIR"
echo "smoke: python $($PY -c 'import sys, torch; print(sys.version.split()[0], "torch", torch.__version__)') -> $DIR"
t0=$(date +%s)

if [ -d "$DATA" ]; then
  $PY training/prepare.py --data "$DATA" --limit 12 --val-per-mille 150 --out "$DIR/shards"
else
  echo "smoke: $DATA not found; using synthetic images"
  $PY training/prepare.py --synthetic 96 --val-per-mille 150 --out "$DIR/shards"
fi
for stage in vqvae prior guider; do
  # --balance: the per-source draw (train.py), so CI runs it
  $PY training/train.py --config tiny --stage "$stage" --steps 4 --run "$DIR/run" --shards "$DIR/shards" \
      --log-every 1000 --threads 2 --balance 0.7
done
$PY training/export.py --ckpt "$DIR/run/ckpt.pt" --name cw-tiny-smoke --out "$DIR/pack" >/dev/null
$PY - "$DIR/pack" <<'PYEOF'
import sys
sys.path.insert(0, "training")
from export import validate_pack
m = validate_pack(sys.argv[1])
assert m["training"]["randomWeights"] is False and m["workingSize"] == 32
print("smoke: pack valid:", sys.argv[1], {k: c["bytes"] for k, c in m["components"].items()})
PYEOF
# The committed random-weight test pack must still match the exporter's contract.
$PY -c "import sys; sys.path.insert(0, 'training'); from export import validate_pack; validate_pack('test/fixtures/tiny-pack'); print('smoke: test/fixtures/tiny-pack valid')"

if [ -f dist/cli/main.js ] && command -v node >/dev/null; then
  $PY -c "
from PIL import Image; import numpy as np
y, x = np.mgrid[0:72, 0:100]
Image.fromarray(((x * 2 + y) % 256).astype(np.uint8), 'L').save('$DIR/gray.png')"
  node dist/cli/main.js colorize "$DIR/gray.png" -m "$DIR/pack" -o "$DIR/out" --steps 2 --seed 1
  ls "$DIR/out"
else
  echo "smoke: dist/cli/main.js not built; skipped the CLI colorize step"
fi
# The semantic path: pretrained detector imported from tfjs (parity with @tensorflow/tfjs), its features
# cached, the tiny-semantic config trained, exported and checked against ONNX Runtime in Node.
bash training/fetch_pretrained.sh
$PY training/check_tfjs_parity.py
$PY training/check_tfjs_parity.py --model mobilenet_v2
$PY training/check_tfjs_parity.py --model inception_v3
$PY training/cache_semantic.py --shards "$DIR/shards" --out "$DIR/features" --input-size 128 --channels 8 --fit 12
# Object-color captions: a red box named "a red car"; the file object_captions.py writes is read by PhotoSet.
$PY - "$DIR" <<'PYEOF'
import json, os, subprocess, sys
import numpy as np
sys.path.insert(0, "training")
from colors import ColorNamer
from object_captions import object_captions
img = np.full((128, 128, 3), 90, np.uint8)
img[32:96, 32:96] = (200, 30, 30)
row = np.full((8, 6), -1, np.float32)
row[0] = (2, 0.9, 0.25, 0.25, 0.75, 0.75)  # COCO label 2 = car
caps = object_captions(img, row, ColorNamer(), {"a": 0, "red": 1, "car": 2}, 0.35)
assert caps == ["a red car"], caps
d = sys.argv[1]
n = json.load(open(os.path.join(d, "shards", "manifest.json")))["counts"]["train"]
np.tile(row, (n, 1, 1)).tofile(os.path.join(d, "features", f"train-{n}.det"))
subprocess.run([sys.executable, "training/object_captions.py", "--shards", os.path.join(d, "shards"),
                "--features", os.path.join(d, "features")], check=True)
from data import PhotoSet
ps = PhotoSet(os.path.join(d, "shards"), "train", 32, log=lambda m: None)
assert len(ps.objects) == n
print("smoke: object captions ok:", caps)
PYEOF
for stage in vqvae prior guider; do
  $PY training/train.py --config tiny-semantic --stage "$stage" --steps 3 --run "$DIR/run-sem" --shards "$DIR/shards" \
      --features "$DIR/features" --log-every 1000 --threads 2
done
$PY training/export.py --ckpt "$DIR/run-sem/ckpt.pt" --name cw-tiny-semantic-smoke --out "$DIR/pack-sem" >/dev/null
if [ -f dist/cli/main.js ] && command -v node >/dev/null; then
  node dist/cli/main.js colorize "$DIR/gray.png" -m "$DIR/pack-sem" -o "$DIR/out-sem" --steps 2 --seed 1
  PARITY_PACK="$DIR/pack-sem" npx vitest run test/runtime/parity.test.ts
fi
# A second backbone beside CenterNet (MobileNetV2 from nsfwjs): its cache, the two combined, the trained guider
# widened to read both (new weights zero), exported (float16 weights) and checked against ONNX Runtime again.
$PY training/cache_semantic.py --shards "$DIR/shards" --out "$DIR/features-mn" --input-size 128 --channels 8 --fit 12 \
    --backbone mobilenet_v2
$PY training/combine_features.py --parts "$DIR/features" "$DIR/features-mn" --out "$DIR/features-both"
$PY training/train.py --stage guider --steps 2 --run "$DIR/run-both" --init-from "$DIR/run-sem/ckpt.pt" \
    --shards "$DIR/shards" --features "$DIR/features-both" --widen-semantic --log-every 1000 --threads 2
$PY training/export.py --ckpt "$DIR/run-both/ckpt.pt" --name cw-tiny-both-smoke --out "$DIR/pack-both" >/dev/null
if [ -f dist/cli/main.js ] && command -v node >/dev/null; then
  PARITY_PACK="$DIR/pack-both" npx vitest run test/runtime/parity.test.ts
fi
# The anchor: a head on two backbones' cached features side by side (CenterNet and MobileNetV2 here; the
# shipped one reads CenterNet and InceptionV3), with the photo's mean features and dilated layers, trained to
# the weights' colour latents, scored in the mirror (head alone and an anchored run, as exported with the
# mirror average), added to a copy of the pack as anchor.onnx (both encoders inside), checked against ONNX
# Runtime and run by the CLI.
$PY training/train_anchor.py --weights "$DIR/run-sem/ckpt.pt" --features "$DIR/features" "$DIR/features-mn" \
    --shards "$DIR/shards" --steps 3 --context --depth 3 --dilation 2 --out "$DIR/anchor.pt" --score val --limit 4 \
    --anchors 0.5 --flip-average --targets "$DIR/targets.pt"
# A second head from the first (--init) reads the latent targets the first call kept.
$PY training/train_anchor.py --weights "$DIR/run-sem/ckpt.pt" --features "$DIR/features" "$DIR/features-mn" \
    --shards "$DIR/shards" --steps 2 --init "$DIR/anchor.pt" --out "$DIR/anchor2.pt" --targets "$DIR/targets.pt" | grep "latent targets read from" >/dev/null
cp -r "$DIR/pack-sem" "$DIR/pack-anchor"
$PY training/export_anchor.py --pack "$DIR/pack-anchor" --anchor "$DIR/anchor.pt" --default 0.5 --flip-average >/dev/null
if [ -f dist/cli/main.js ] && command -v node >/dev/null; then
  node dist/cli/main.js colorize "$DIR/gray.png" -m "$DIR/pack-anchor" -o "$DIR/out-anchor" --steps 2 --seed 1 --anchor 0.6
  PARITY_PACK="$DIR/pack-anchor" npx vitest run test/runtime/parity.test.ts
fi
# A fresh run that switches backbone (--init-from weights trained on CenterNet features, --features of another
# backbone): its checkpoint carries the new features' state (what export builds the encoder from), and resuming
# that run with other features is refused.
$PY training/train.py --stage guider --steps 2 --run "$DIR/run-mn" --init-from "$DIR/run-sem/ckpt.pt" \
    --shards "$DIR/shards" --features "$DIR/features-mn" --log-every 1000 --threads 2
$PY - "$DIR" <<'PYEOF'
import os, sys, torch
sys.path.insert(0, "training")
from semantic import same_semantic_state
d = sys.argv[1]
st = torch.load(os.path.join(d, "run-mn", "ckpt.pt"))["semantic_state"]
assert st["backbone"] == "mobilenet_v2", st["backbone"]
assert same_semantic_state(st, torch.load(os.path.join(d, "features-mn", "semantic_state.pt")))
print("smoke: backbone switch ok")
PYEOF
if $PY training/train.py --stage guider --steps 1 --run "$DIR/run-mn" --shards "$DIR/shards" \
    --features "$DIR/features" --log-every 1000 --threads 2 2>/dev/null; then
  echo "smoke: resuming a run with other features was not refused" >&2; exit 1
fi
# probe.py --objective ce: the chroma classes' targets and decoding agree, and the rebalancing is bounded.
$PY - <<'PYEOF'
import sys, torch
import torch.nn.functional as F
sys.path.insert(0, "training")
from chroma_bins import ChromaBins
g = torch.Generator().manual_seed(0)
ab = (torch.rand(3, 2, 32, 32, generator=g) - 0.5) * 0.9
bins = ChromaBins()
hist = bins.histogram(ab, 16)  # plain: each cell's histogram sums to 1
assert torch.allclose(hist.sum(1), torch.ones(3, 16, 16), atol=1e-5)
# the mean of a cell's own histogram is its mean ab (the soft assignment is exact for the mean)
assert (bins.decode(torch.log(hist + 1e-12), 1.0) - F.adaptive_avg_pool2d(ab, 16)).abs().max() < 1e-4
bins.fit_weights(ab, 0.5)
assert bins.weights.min() > 0 and bins.weights.max() <= 2 * bins.q
try:
    bins.fit_weights(ab, 0.0)
    raise SystemExit("rebalance 0 (unbounded weights) was accepted")
except ValueError:
    pass
print("smoke: chroma bins ok")
PYEOF
echo "smoke: ok in $(( $(date +%s) - t0 ))s"
