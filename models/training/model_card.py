"""Writes the shipped model's card (README.md in the model folder) from what the run recorded:
corpus.json (corpus.py), training.json (train.py) and the exported files' sizes."""
import argparse
import json
import platform
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="the model folder")
    parser.add_argument("--note", default="", help="a sentence on how this run went, for the card")
    args = parser.parse_args()
    folder = Path(args.model)
    corpus = json.loads((folder / "corpus.json").read_text())
    training = json.loads((folder / "training.json").read_text())
    config = json.loads((folder / "config.json").read_text())
    generation = json.loads((folder / "generation_config.json").read_text())
    onnx_mb = (folder / "onnx" / "model.onnx").stat().st_size / 1e6
    runs = [*training.get("previous", []), training]
    history = "\n".join(
        ("" if len(runs) == 1 else f"| {number} ") + f"| {h['step']} | {h['minutes']} | {h['train_loss']} | {h['valid_loss']} |"
        for number, run in enumerate(runs, 1) for h in run["history"]
    )
    steps = sum(run["steps"] for run in runs)
    minutes = round(sum(run["minutes"] for run in runs), 1)
    tokens_seen = sum(run["tokens_seen"] for run in runs)
    def run_line(number, run):
        start = (f"went on from run {number - 1} (validation loss {run['init_valid_loss']}), lr {run['lr']}, warm-up {run.get('warmup', 100)} steps"
                 if run.get("init") else f"from random weights, lr {run['lr']}, warm-up {run.get('warmup', 100)} steps")
        return (f"run {number}: {run['minutes']} minutes, {run['steps']:,} steps, {start}, "
                f"best validation loss {run['best_valid_loss']}")
    optimiser = (f"AdamW (lr {training['lr']}, warm-up {training.get('warmup', 100)} steps, cosine to 10 % over the time budget, weight decay 0.1, gradient clip 1.0)"
                 if len(runs) == 1 else
                 "AdamW (cosine to 10 % of the learning rate over each run's time budget, weight decay 0.1, gradient clip 1.0); "
                 + "; ".join(run_line(number, run) for number, run in enumerate(runs, 1)))
    note_row = f"| this run | {args.note} |\n" if args.note else ""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    (folder / "README.md").write_text(f"""# codetune-tiny-code

The embedded stand-in model of CodeTuneStudio: a GPT-2-style decoder the project trained itself,
from scratch, on Python source code. It runs in the studio's own process (transformers.js, ONNX
Runtime, CPU) whenever a model has no endpoint, so a fresh machine streams real tokens at once.
It writes plausible-looking Python and little else; it is a stand-in, not a substitute.

| | |
| --- | --- |
| architecture | GPT-2 (`model_type: gpt2`): {config['n_layer']} layers, {config['n_embd']} wide, {config['n_head']} heads, context {config['n_positions']} tokens, tied input/output embeddings |
| parameters | {training['parameters']:,} |
| tokenizer | byte-level BPE, {config['vocab_size']:,} tokens (GPT-2's pre-tokenizer; `<|endoftext|>` = id 0 ends a file) |
| weights | `onnx/model.onnx`, fp32, {onnx_mb:.1f} MB, with past key/value inputs and outputs |
| corpus | the Python {platform.python_version()} standard library's own sources (`{corpus['source']}`, `*.py` without test folders): {corpus['train_files']} files, {corpus['train_bytes'] / 1e6:.1f} MB for training ({training['train_tokens']:,} tokens); every 20th file held out: {corpus['valid_files']} files, {corpus['valid_bytes'] / 1e6:.2f} MB ({training['valid_tokens']:,} tokens) |
| training | {minutes} minutes on {training['threads']} CPU threads ({cpu}), {steps:,} steps of {training['batch']} × {training['block']} tokens ({tokens_seen:,} tokens seen), {optimiser} |
| validation loss | **{training['best_valid_loss']}** nats/token (cross-entropy on the held-out files; the checkpoint kept is the best one) |
| decoding defaults | `generation_config.json`: `no_repeat_ngram_size` {generation.get('no_repeat_ngram_size', 'none')} (a model this small loops when greedy; this breaks the loops). The studio adds its own (`src/lib/server/models/embedded`): a repetition penalty of 1.2 on the answer's own tokens, a healed prompt (its trailing whitespace written again by the model), answers of at most 256 tokens that end where the code ends (the first line that leaves the answer's block) |
{note_row}
Reproduce it from scratch with `models/training/train.sh [minutes]` (Debian's `python3-torch`,
`python3-onnx`, `python3-numpy`, `python3-regex` and `libopenblas0-pthread`, run by
`/usr/bin/python3`): it builds the corpus, trains the tokenizer, trains for the given minutes
(30 by default), exports ONNX and writes this card; `models/training/continue.sh [minutes] [lr]`
trains the shipped model further (its weights read back from the ONNX file by
`from_onnx.py`). A run on another machine, or with another load
beside it, sees a different number of steps in the same minutes, so its weights differ.

Validation loss during training{" (each run's steps counted from its own start)" if len(runs) > 1 else ""}:

{"| run | step | minutes | training loss | validation loss |" if len(runs) > 1 else "| step | minutes | training loss | validation loss |"}
{"| --- | --- | --- | --- | --- |" if len(runs) > 1 else "| --- | --- | --- | --- |"}
{history}
""")


if __name__ == "__main__":
    main()
