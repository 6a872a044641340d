#!/usr/bin/env bash
# Reproduces the shipped model from scratch: corpus, tokenizer, training, ONNX export.
# Needs Debian's packages: python3-torch python3-onnx python3-numpy python3-regex libopenblas0-pthread
# (run with /usr/bin/python3: the python3 first on PATH may not see apt's packages).
# Usage: models/training/train.sh [minutes]   (default 30). Never part of install, start or CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
out="$here/../codetune-tiny-code"
work="$here/work"
minutes="${1:-30}"
cd "$here"
$python corpus.py --source /usr/lib/python3.11 --out "$work"
$python bpe.py --work "$work" --out "$out"
$python train.py --work "$work" --tokenizer "$out/tokenizer.json" --minutes "$minutes" --eval-every 200
$python export_onnx.py --checkpoint "$work/best.pt" --out "$out"
cp "$work/training.json" "$work/corpus.json" "$out/"
$python model_card.py --model "$out"
$python tokenizer_fixture.py
