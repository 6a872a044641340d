"""model_cache.py: what a loading model is doing, read from the Hub cache."""
import json
import os
import tempfile
import unittest
from pathlib import Path

import _space_path  # noqa: F401

from model_cache import progress

MODEL = "WhiteRabbitNeo/WhiteRabbitNeo-33B-v1"


class ProgressTest(unittest.TestCase):
    def setUp(self):
        self.cache = Path(tempfile.mkdtemp())
        self.repo = self.cache / "models--WhiteRabbitNeo--WhiteRabbitNeo-33B-v1"

    def blob(self, name, size):
        (self.repo / "blobs").mkdir(parents=True, exist_ok=True)
        with open(self.repo / "blobs" / name, "wb") as f:
            f.truncate(size)

    def index(self, total):
        (self.repo / "snapshots" / "c0ffee").mkdir(parents=True, exist_ok=True)
        (self.repo / "snapshots" / "c0ffee" / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": total}}))

    def test_nothing_on_disk_yet(self):
        self.assertIsNone(progress(MODEL, self.cache))

    def test_a_download_under_way_with_its_total(self):
        self.index(4_000_000_000)
        self.blob("a", 1_000_000_000)
        self.blob("b.incomplete", 500_000_000)
        seen = progress(MODEL, self.cache)
        self.assertEqual((seen.downloaded, seen.total), (1_500_000_000, 4_000_000_000))
        self.assertTrue(seen.words.startswith("is downloading its weights (1.5 of 4.0 GB so far): a cold start"))

    def test_a_download_without_an_index(self):
        self.blob("a.incomplete", 2_000_000_000)
        self.assertTrue(progress(MODEL, self.cache).words.startswith("is downloading its weights (2.0 GB so far)"))

    def test_everything_downloaded_is_loading(self):
        self.index(1_000)
        self.blob("a", 1_200)
        self.assertEqual(progress(MODEL, self.cache).words, "is loading its weights onto the GPU")

    def test_a_mounted_copy_is_loading(self):
        self.assertIn("mounted volume", progress(str(self.cache), self.cache).words)


if __name__ == "__main__":
    unittest.main()
