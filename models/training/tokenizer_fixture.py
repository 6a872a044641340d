"""Writes tests/fixtures/embedded-tokenizer.json: texts and the ids this script's encoder gives them,
which the studio's tests compare with what transformers.js makes of tokenizer.json."""
import json
import sys
from pathlib import Path

import bpe

SAMPLES = [
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n",
    "class Stack:\n\tdef push(self, item): self._items.append(item)  # O(1)\n",
    "import os, sys\nprint(f\"{os.getcwd()!r:>20}\", file=sys.stderr)\n",
    "Résumé: naïve café — 東京 🚀 emoji and ünïcödé\n",
    "x = 0x1F + 3.14e-10 - 1_000_000\n\n\n    \n",
    "SELECT * FROM users WHERE name = 'O''Reilly'; -- it's\n",
    "end of one file<|endoftext|>start of the next",
]

root = Path(__file__).resolve().parents[2]
encoder = bpe.load(root / "models" / "codetune-tiny-code" / "tokenizer.json")
out = root / "tests" / "fixtures" / "embedded-tokenizer.json"
out.write_text(json.dumps({"samples": [{"text": t, "ids": encoder.encode(t)} for t in SAMPLES]}, ensure_ascii=False, indent=1) + "\n")
print(out, file=sys.stderr)
