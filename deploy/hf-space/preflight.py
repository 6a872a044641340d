"""Checks, before any model starts, that this Space can run its plan, and says plainly why not:
- the GPU holds both models (CodeT5+ 16B in float16, about 31 GiB, beside WhiteRabbitNeo-33B in 4-bit,
  about 18 GB, and TGI's KV cache: about 73 GiB in all, which an 80 GB A100 has and a 40 GB one has not);
- bitsandbytes has a CUDA library for the CUDA that torch was built with, without which the 4-bit load of
  WhiteRabbitNeo falls back to the CPU library and fails (`--build` checks the file while the image is
  built, with no GPU; at start the loaded library itself is checked).

At start it writes one `<model>.failed` file in MODEL_STATE_DIR for each model that cannot run, holding
the reason; start.sh starts only the others, and the proxy answers the reason for those paths.

    python preflight.py --build          # in the Dockerfile: exits 1 if bitsandbytes has no CUDA library
    python preflight.py --state-dir DIR  # in start.sh
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Optional

GIB = 1024**3
# What the plan needs on one GPU, in GiB: measured against an A100 80 GB (79.2 GiB usable), the two
# models take about 73 with TGI at --cuda-memory-fraction 0.5. A 48 GB or 40 GB card cannot hold them.
DEFAULT_MIN_GPU_GIB = 75.0
HARDWARE_ADVICE = "choose A100 large (80 GB, a100-large) in the Space's Settings → Space hardware"


def gpu_problem(total_bytes: Optional[int], name: str, need_gib: float) -> Optional[str]:
    """Why this GPU cannot hold the plan, or None when it can. `total_bytes` None: no CUDA GPU."""
    plan = (
        f"the two models need one GPU of at least {need_gib:.0f} GiB (together they take about 73 GiB: "
        "CodeT5+ 16B in float16, about 31 GiB, and WhiteRabbitNeo-33B in 4-bit, about 18 GB, with TGI's cache)"
    )
    if total_bytes is None:
        return f"This Space has no CUDA GPU, and {plan}: {HARDWARE_ADVICE}."
    total_gib = total_bytes / GIB
    if total_gib < need_gib:
        return f"This Space's GPU ({name}, {total_gib:.1f} GiB) is too small: {plan}. {HARDWARE_ADVICE[0].upper()}{HARDWARE_ADVICE[1:]}."
    return None


def bnb_library_name(torch_cuda: str, override: Optional[str] = None) -> str:
    """The CUDA library bitsandbytes loads for torch's CUDA ("12.8" -> libbitsandbytes_cuda128.so), or the
    one BNB_CUDA_VERSION names."""
    version = override or torch_cuda.replace(".", "")
    return f"libbitsandbytes_cuda{version}.so"


def bnb_library_problem(bnb_dir: Path, torch_cuda: Optional[str], override: Optional[str] = None) -> Optional[str]:
    """Why bitsandbytes cannot run 4-bit layers on torch's CUDA, or None when its library is there."""
    if not torch_cuda:
        return "torch was built without CUDA, so bitsandbytes cannot use the GPU"
    name = bnb_library_name(torch_cuda, override)
    if (bnb_dir / name).is_file():
        return None
    present = sorted(p.name for p in bnb_dir.glob("libbitsandbytes_cuda*.so"))
    return (
        f"bitsandbytes in {bnb_dir} has no {name} for torch's CUDA {torch_cuda} (it has: {', '.join(present) or 'none'}); "
        "it would fall back to its CPU library and the 4-bit load of WhiteRabbitNeo-33B would fail. "
        "Install a bitsandbytes built for this CUDA (0.45.3 or later for CUDA 12.8) or set BNB_CUDA_VERSION"
    )


def _bnb_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("bitsandbytes")
    if spec is None or spec.origin is None:
        raise SystemExit("preflight: bitsandbytes is not installed in this Python environment")
    return Path(spec.origin).parent


def build_check() -> int:
    import torch

    problem = bnb_library_problem(_bnb_dir(), torch.version.cuda, os.environ.get("BNB_CUDA_VERSION"))
    if problem:
        print(f"preflight: {problem}", file=sys.stderr)
        return 1
    print(f"preflight: bitsandbytes has {bnb_library_name(torch.version.cuda, os.environ.get('BNB_CUDA_VERSION'))} for torch {torch.__version__}")
    return 0


def start_check(state_dir: Path, need_gib: float) -> int:
    import torch

    refused: dict[str, str] = {}
    if torch.cuda.is_available():
        properties = torch.cuda.get_device_properties(0)
        problem = gpu_problem(properties.total_memory, properties.name, need_gib)
    else:
        problem = gpu_problem(None, "", need_gib)
    if problem:
        refused = {"whiterabbitneo": problem, "codet5p": problem}
    else:
        bnb_problem = bnb_library_problem(_bnb_dir(), torch.version.cuda, os.environ.get("BNB_CUDA_VERSION"))
        if bnb_problem is None:
            try:
                from bitsandbytes.cextension import lib  # the library bitsandbytes really loaded

                if not getattr(lib, "compiled_with_cuda", True):
                    bnb_problem = "bitsandbytes loaded its CPU library although a GPU is present"
            except Exception as error:  # noqa: BLE001 - any failure to load it is the answer
                bnb_problem = f"bitsandbytes could not be loaded: {error}"
        if bnb_problem:
            refused["whiterabbitneo"] = f"WhiteRabbitNeo-33B cannot load in 4-bit on this Space: {bnb_problem}."
    state_dir.mkdir(parents=True, exist_ok=True)
    for model, reason in refused.items():
        (state_dir / f"{model}.failed").write_text(reason + "\n")
        print(f"preflight: {model} will not start: {reason}", file=sys.stderr)
    if not refused:
        print("preflight: the GPU and bitsandbytes can run both models")
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", action="store_true", help="check bitsandbytes' CUDA library file (no GPU needed)")
    parser.add_argument("--state-dir", type=Path, default=Path(os.environ.get("MODEL_STATE_DIR") or "/tmp/codetune-models"))
    parser.add_argument("--min-gpu-gib", type=float, default=float(os.environ.get("MIN_GPU_MEMORY_GIB") or DEFAULT_MIN_GPU_GIB))
    args = parser.parse_args()
    sys.exit(build_check() if args.build else start_check(args.state_dir, args.min_gpu_gib))


if __name__ == "__main__":
    main()
