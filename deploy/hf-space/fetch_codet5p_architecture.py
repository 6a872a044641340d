"""Fetches CodeT5+'s small files at one commit, when the image is built: its configuration and modelling
code (the repo's own Python, run with trust_remote_code), its tokenizer and generation settings, and no
weights. smoke_codet5p.py then builds a tiny model of that architecture from them, and the server loads
the 16B weights at that same commit (CODET5P_REVISION defaults to the commit written here), so the
code that was smoke-tested is the code that runs.

    python fetch_codet5p_architecture.py --model Salesforce/instructcodet5p-16b --revision main --out /app/codet5p_architecture
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from huggingface_hub import snapshot_download

# Everything small: *.json (config, tokenizer, generation config, the weights' index), the code, the merges.
SMALL_FILES = ["*.json", "*.py", "*.txt"]
REQUIRED = ["config.json", "configuration_codet5p.py", "modeling_codet5p.py", "tokenizer_config.json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="Salesforce/instructcodet5p-16b")
    parser.add_argument("--revision", default="main", help="a branch, tag or commit; the commit it names is written down")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    # The snapshot's folder is named after the commit the revision resolved to.
    snapshot = Path(snapshot_download(args.model, revision=args.revision, allow_patterns=SMALL_FILES))
    commit = snapshot.name
    missing = [name for name in REQUIRED if not (snapshot / name).is_file()]
    if missing:
        raise SystemExit(f"{args.model}@{commit} lacks {', '.join(missing)}: not a CodeT5+ 2B-16B checkpoint")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in snapshot.iterdir():
        if path.is_file():
            shutil.copyfile(path, args.out / path.name)  # resolves the cache's links to real files
    (args.out / "revision").write_text(commit + "\n")
    print(f"fetched {args.model}@{commit}: {', '.join(sorted(p.name for p in snapshot.iterdir()))}")


if __name__ == "__main__":
    main()
