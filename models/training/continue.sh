#!/usr/bin/env bash
# Trains the shipped model further: its weights are read back out of onnx/model.onnx (from_onnx.py),
# trained for the given minutes on the same corpus with the same tokenizer, and exported over it only
# when the held-out loss is lower (train.py keeps the starting weights when no step beats them).
# Needs what train.sh needs. Usage: models/training/continue.sh [minutes] [lr]   (default 60, 0.0002:
# where the first run's schedule ended; a restart at 0.001 first undoes progress: 3.138 -> 3.215 after
# 100 steps). Run it with `nice -n 10` on a shared machine. Never part of install, start or CI.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
python=/usr/bin/python3
out="$here/../codetune-tiny-code"
work="$here/work"
minutes="${1:-60}"
lr="${2:-0.0002}"
cd "$here"
$python corpus.py --source /usr/lib/python3.11 --out "$work"
$python from_onnx.py --model "$out" --out "$work/start.pt"
previous="$(cat "$out/training.json")"
$python train.py --work "$work" --tokenizer "$out/tokenizer.json" --minutes "$minutes" --eval-every 100 --lr "$lr" --warmup 50 --seed 7 --init "$work/start.pt"
$python export_onnx.py --checkpoint "$work/best.pt" --out "$out"
# The card tells the whole history: the run this one went on from, then this one.
$python - "$work/training.json" "$previous" <<'PY'
import json, sys
path, previous = sys.argv[1], json.loads(sys.argv[2])
summary = json.loads(open(path).read())
summary["previous"] = [*previous.pop("previous", []), previous]
open(path, "w").write(json.dumps(summary, indent=2))
PY
cp "$work/training.json" "$work/corpus.json" "$out/"
$python model_card.py --model "$out"
$python tokenizer_fixture.py
