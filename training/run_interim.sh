#!/usr/bin/env bash
# The interim default pack: all three stages on this CPU (2 threads, <= 60 minutes), then eval and export.
#   nohup bash training/run_interim.sh > training/runs/interim/run.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
RUN=${RUN:-training/runs/interim}
mkdir -p "$RUN"
[ -f training/shards/manifest.json ] || $PY training/prepare.py
$PY training/train.py --config interim --stage vqvae  --seconds "${VQ_S:-1320}"     --run "$RUN"
$PY training/train.py --config interim --stage prior  --seconds "${PRIOR_S:-600}"   --run "$RUN"
$PY training/train.py --config interim --stage guider --seconds "${GUIDER_S:-1200}" --run "$RUN"
$PY training/eval.py --ckpt "$RUN/ckpt.pt" --out "$RUN/eval.json"
$PY training/export.py --ckpt "$RUN/ckpt.pt" --metrics "$RUN/eval.json" --name cw-interim-64 --out "$RUN/pack"
