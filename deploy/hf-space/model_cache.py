"""What a loading model is doing, read from the Hugging Face cache on disk, in words for the studio's
"waking" message: downloading its weights (a cold start, with the gigabytes so far) or loading them.

A Space keeps nothing on its own disk between restarts, so unless the cache lives on an attached
bucket (HF_HOME on a mounted volume) or the model is a mounted read-only repo (a local path), every
start downloads the weights again: saying so is the honest answer to "why is it taking so long".
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional


def hub_cache() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
    return Path(home) / "hub"


def _repo(model_id: str, cache: Path) -> Path:
    return cache / ("models--" + model_id.replace("/", "--"))


def _total_size(repo: Path) -> Optional[int]:
    """The weights' size in bytes from a downloaded *.index.json ("metadata": {"total_size": N}), the
    first small file a download fetches; None when there is none yet."""
    for index in repo.glob("snapshots/*/*.index.json"):
        try:
            total = json.loads(index.read_text()).get("metadata", {}).get("total_size")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(total, (int, float)) and total > 0:
            return int(total)
    return None


@dataclass(frozen=True)
class Progress:
    words: str  # "is downloading its weights (…)": follows the model's name
    downloaded: Optional[int] = None  # bytes on disk so far, while downloading
    total: Optional[int] = None  # bytes of weights in all, when the index says


def progress(model_id: str, cache: Optional[Path] = None) -> Optional[Progress]:
    """What the model's server is doing while it is not up: downloading its weights (a cold start),
    loading them, or None when nothing has reached the disk yet (the download has not started)."""
    if os.path.isdir(model_id):
        return Progress("is loading its weights from the mounted volume onto the GPU")
    repo = _repo(model_id, cache or hub_cache())
    try:
        entries = list(os.scandir(repo / "blobs"))
    except OSError:
        return None
    size = 0
    downloading = False
    for entry in entries:
        try:
            size += entry.stat().st_size
        except OSError:
            continue  # renamed from .incomplete while we looked
        downloading = downloading or entry.name.endswith(".incomplete")
    total = _total_size(repo)
    if downloading or (total is not None and size < total):
        of = f" of {total / 1e9:.1f}" if total else ""
        return Progress(
            f"is downloading its weights ({size / 1e9:.1f}{of} GB so far): a cold start, since this Space "
            "keeps no weights between restarts unless they are on an attached bucket or volume",
            size,
            total,
        )
    if size:
        return Progress("is loading its weights onto the GPU")
    return None
