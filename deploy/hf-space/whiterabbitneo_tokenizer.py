"""Writes the tokenizer config TGI is given for WhiteRabbitNeo: the model repo's own tokenizer_config.json
(its special tokens, add_bos_token, tokenizer class, model_max_length…) with the keys of an overrides
file merged over it (the chat template from the model card). TGI's --tokenizer-config-path replaces the
repo's file rather than adding to it, so an overrides file given alone would drop those settings.

    python whiterabbitneo_tokenizer.py --model WhiteRabbitNeo/WhiteRabbitNeo-33B-v1 \
        --overrides whiterabbitneo_tokenizer_config.json --out /tmp/codetune-models/tokenizer_config.json
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path


def merged_config(repo_config: dict, overrides: dict) -> dict:
    """The repo's config with each key of `overrides` set over it (nothing else changed)."""
    if not isinstance(repo_config, dict) or not isinstance(overrides, dict):
        raise ValueError("both tokenizer configs must be JSON objects")
    return {**repo_config, **overrides}


def repo_tokenizer_config(model: str, revision: str | None) -> dict:
    """tokenizer_config.json of a mounted copy of the repo (a local path) or of the Hub repo."""
    if os.path.isdir(model):
        path = Path(model) / "tokenizer_config.json"
    else:
        from huggingface_hub import hf_hub_download

        path = Path(hf_hub_download(model, "tokenizer_config.json", revision=revision))
    return json.loads(path.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", required=True, help="Hub id, or the path of a mounted copy")
    parser.add_argument("--revision", default=None)
    parser.add_argument("--overrides", type=Path, required=True)
    parser.add_argument("--repo-config", type=Path, help="read the repo's config from this file instead")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    repo = json.loads(args.repo_config.read_text()) if args.repo_config else repo_tokenizer_config(args.model, args.revision)
    merged = merged_config(repo, json.loads(args.overrides.read_text()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    kept = sorted(set(repo) - set(json.loads(args.overrides.read_text())))
    print(f"whiterabbitneo_tokenizer: wrote {args.out}: the repo's {', '.join(kept) or 'nothing'} with the chat template merged in")


if __name__ == "__main__":
    main()
