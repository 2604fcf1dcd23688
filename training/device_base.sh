#!/usr/bin/env bash
# The `base` recipe for one 10-minute device call (H100, PyTorch 2.x): train all three stages on the carried
# shard(s), then bring back slim EMA weights (float16, <= 15 MiB parts), the loss log and the last sample sheets.
# Export and evaluation then run on the CPU machine:
#   python3 training/export.py --ckpt <files_at>/weights.0.pt --out models/cw-base
#   python3 training/eval.py   --ckpt <files_at>/weights.0.pt --out training/runs/base/eval.json
# Prepare the carried data once on the CPU machine (one 32 MiB shard ~ 7k photos per call):
#   python3 training/prepare.py --shard-mib 32 --out training/shards-device
# run(carry=[training/shards-device/manifest.json, training/shards-device/tokenizer.json,
#            training/shards-device/train-00K.npz, training/shards-device/val-000.npz, (weights from the last call)],
#     command="bash training/device_base.sh", timeout_s=600)
# A later call continues from the returned weights: INIT=training/runs/base/weights.0.pt (fresh optimizer, warm-up).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
RUN=${RUN:-/tmp/cw-base-run}
OUT=${OUT:-out/device}
SHARDS=${SHARDS:-training/shards-device}
CONFIG=${CONFIG:-base}
INIT=${INIT:-}
COMPILE=${COMPILE:---compile}
mkdir -p "$OUT" "$RUN"
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null || true
$PY -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"
INIT_ARGS=()
[ -n "$INIT" ] && INIT_ARGS=(--init-from "$INIT")
$PY training/train.py --config "$CONFIG" --stage vqvae  --seconds "${VQ_S:-130}"     --run "$RUN" --shards "$SHARDS" $COMPILE "${INIT_ARGS[@]}" --log-every 15 ${EXTRA:-}
$PY training/train.py --config "$CONFIG" --stage prior  --seconds "${PRIOR_S:-160}"  --run "$RUN" --shards "$SHARDS" $COMPILE --log-every 15 ${EXTRA:-}
$PY training/train.py --config "$CONFIG" --stage guider --seconds "${GUIDER_S:-190}" --run "$RUN" --shards "$SHARDS" $COMPILE --log-every 15 ${EXTRA:-}
$PY training/checkpoint.py slim "$RUN/ckpt.pt" "$OUT/weights"
cp "$RUN/log.jsonl" "$OUT/log.jsonl"
for stage in vqvae prior guider; do
  last=$(ls "$RUN/samples/$stage"-*.png 2>/dev/null | tail -1 || true)
  [ -n "$last" ] && cp "$last" "$OUT/"
done
ls -la "$OUT"
