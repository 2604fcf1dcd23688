#!/usr/bin/env bash
# The default pack (models/cw-semantic): frozen CenterNet features + the interim-sized networks, on this CPU.
#   nohup bash training/run_semantic.sh > training/runs/semantic/run.log 2>&1 &
# Every step resumes: the feature cache continues from its .done count, each training stage from
# <run>/ckpt.pt. INIT=<slim weights> starts a fresh run from them (training/README.md: continuing the guider).
# One thread per process: two PyTorch processes with two threads each on two cores run 3x slower.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-/usr/bin/python3}
RUN=${RUN:-training/runs/semantic}
mkdir -p "$RUN"
bash training/fetch_pretrained.sh
[ -f training/shards/manifest.json ] || $PY training/prepare.py
INIT_ARGS=()
[ -n "${INIT:-}" ] && INIT_ARGS=(--init-from "$INIT")
# The cache runs beside the first stages (they do not read it); the guider starts on the rows cached so far.
$PY training/cache_semantic.py --threads 1 > "$RUN/cache.log" 2>&1 &
$PY training/train.py --config semantic --stage vqvae  --seconds "${VQ_S:-900}"      --threads 1 --run "$RUN" "${INIT_ARGS[@]}"
$PY training/train.py --config semantic --stage prior  --seconds "${PRIOR_S:-480}"   --threads 1 --run "$RUN"
$PY training/train.py --config semantic --stage guider --seconds "${GUIDER_S:-2700}" --threads 1 --run "$RUN"
wait
$PY training/export.py --ckpt "$RUN/ckpt.pt" --name cw-semantic --scheduler ddim --out "$RUN/pack"
# Scores from the product itself (TypeScript runtime), beside the gray baseline.
node dist/cli/main.js eval --run --model "$RUN/pack" --gt ../shared/data/eval-dev --size 256 --samples 2 \
  --json "$RUN/eval-ts.json" --markdown "$RUN/eval-ts.md" --sheet "$RUN/sheet.png"
