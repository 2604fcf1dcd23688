#!/usr/bin/env bash
# Continue the default pack from its committed slim weights (~2 h on 2 cores; how its chroma-skip weights were made
# from the earlier plain-VQ ones, W=training/weights/semantic-plain/weights.0.pt FRESH_VQ=1024):
#   nohup bash training/run_semantic_continue.sh > training/runs/continue/run.log 2>&1 &
# 1. the feature cache and every photo's objects in one CenterNet pass (ONNX Runtime, ~16 min on one core);
# 2. object-color captions from those objects (object_captions.py, ~20 s);
# 3. FRESH_VQ=<codes>: a new chroma-skip VQ-VAE (only when the weights' VQ-VAE is the plain one), else more VQ steps;
# 4. the guider (and the prior with it) on the new latents; 5. export, the anchor on the new latents, the product's scores.
# Every step resumes (the cache from its .done count, stages from <run>/ckpt.pt).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
RUN=${RUN:-training/runs/continue}
W=${W:-models/cw-semantic/weights/weights.0.pt}
PACK=${PACK:-models/cw-semantic}
mkdir -p "$RUN"
bash training/fetch_pretrained.sh
[ -f training/shards/manifest.json ] || $PY training/prepare.py
[ -f dist/detect/index.js ] || npm run build
# The PCA state of the weights being continued, and the photo cache the ORT script reads (stopped after its first rows).
if [ ! -f training/features/semantic_state.pt ]; then
  timeout 120 $PY training/cache_semantic.py --threads 1 --state-from "$W" --splits train || true
  rm -f training/features/train-*.done
fi
$PY training/export_cache_encoder.py --state-from "$W" --out training/features/cache_encoder.onnx
node training/cache_semantic_ort.mjs --pack "$PACK" --encoder training/features/cache_encoder.onnx &
CACHE=$!
VQ_ARGS=(--vq-sizes 64 80 96 128)
[ -n "${FRESH_VQ:-}" ] && VQ_ARGS+=(--fresh-vq "$FRESH_VQ")
$PY training/train.py --stage vqvae --seconds "${VQ_S:-900}" --threads 1 --run "$RUN" --init-from "$W" "${VQ_ARGS[@]}"
wait "$CACHE"
$PY training/object_captions.py
$PY training/train.py --stage guider --seconds "${GUIDER_S:-5100}" --threads 2 --run "$RUN" --recalibrate-latent \
    --text-drop 0.5 --t-focus 0.5 --ema 0.999 --anneal
$PY training/export.py --ckpt "$RUN/ckpt.pt" --name cw-semantic --scheduler ddim --default-steps 4 --temperature 0.7 \
    --out "$RUN/pack"
# The anchor, continued on the new weights' latents (the VQ stage moved them) from the shipped head; needs the
# InceptionV3 feature cache (recipe in the model card's Training section).
ANCHOR_FEATURES=${ANCHOR_FEATURES:-training/features-incv3}
if [ -f "$ANCHOR_FEATURES/train.json" ]; then
  $PY training/train_anchor.py --weights "$RUN/ckpt.pt" --features "$ANCHOR_FEATURES" --steps "${ANCHOR_STEPS:-8000}" \
      --init "$PACK/weights/anchor.pt" --targets "$RUN/anchor-targets.pt" --out "$RUN/anchor.pt"
  $PY training/export_anchor.py --pack "$RUN/pack" --anchor "$RUN/anchor.pt" --default 0.8 --temperature 1.0 --flip-average
else
  echo "no $ANCHOR_FEATURES/train.json: the pack is exported without its anchor" >&2
fi
$PY training/ts_eval.py --pack "$RUN/pack" --seeds 0 1 2 --out "$RUN/eval-ts.json"
