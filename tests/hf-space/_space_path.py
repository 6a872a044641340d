"""Puts deploy/hf-space on the import path of the Space's Python unit tests."""
import sys
from pathlib import Path

SPACE_DIR = Path(__file__).resolve().parents[2] / "deploy" / "hf-space"
if str(SPACE_DIR) not in sys.path:
    sys.path.insert(0, str(SPACE_DIR))
