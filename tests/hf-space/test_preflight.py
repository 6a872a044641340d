"""preflight.py: the GPU the plan needs, and bitsandbytes' CUDA library for torch's CUDA."""
import tempfile
import unittest
from pathlib import Path

import _space_path  # noqa: F401

from preflight import DEFAULT_MIN_GPU_GIB, GIB, bnb_library_name, bnb_library_problem, gpu_problem

A100_80GB = 85_174_583_296  # what torch reports for an A100 80 GB (79.3 GiB)
A100_40GB = 42_297_524_224  # 39.4 GiB


class GpuTest(unittest.TestCase):
    def test_an_80_gb_a100_holds_both_models(self):
        self.assertIsNone(gpu_problem(A100_80GB, "NVIDIA A100-SXM4-80GB", DEFAULT_MIN_GPU_GIB))

    def test_a_40_gb_a100_is_refused_with_the_hardware_to_choose(self):
        problem = gpu_problem(A100_40GB, "NVIDIA A100-SXM4-40GB", DEFAULT_MIN_GPU_GIB)
        self.assertIn("NVIDIA A100-SXM4-40GB, 39.4 GiB", problem)
        self.assertIn("too small", problem)
        self.assertIn("a100-large", problem)

    def test_no_gpu_is_refused(self):
        problem = gpu_problem(None, "", DEFAULT_MIN_GPU_GIB)
        self.assertTrue(problem.startswith("This Space has no CUDA GPU"))
        self.assertIn("a100-large", problem)

    def test_the_threshold_is_the_plan(self):
        self.assertIsNone(gpu_problem(int(75 * GIB), "x", 75))
        self.assertIsNotNone(gpu_problem(int(74.9 * GIB), "x", 75))


class BitsandbytesTest(unittest.TestCase):
    def setUp(self):
        self.dir = Path(tempfile.mkdtemp())
        (self.dir / "libbitsandbytes_cpu.so").touch()
        (self.dir / "libbitsandbytes_cuda126.so").touch()

    def test_the_library_name_follows_torchs_cuda(self):
        self.assertEqual(bnb_library_name("12.8"), "libbitsandbytes_cuda128.so")
        self.assertEqual(bnb_library_name("12.8", "126"), "libbitsandbytes_cuda126.so")

    def test_a_bitsandbytes_without_cuda_12_8_is_refused_for_torch_cu128(self):
        problem = bnb_library_problem(self.dir, "12.8")
        self.assertIn("no libbitsandbytes_cuda128.so for torch's CUDA 12.8", problem)
        self.assertIn("(it has: libbitsandbytes_cuda126.so)", problem)
        self.assertIn("0.45.3 or later", problem)

    def test_the_cuda_12_8_library_passes(self):
        (self.dir / "libbitsandbytes_cuda128.so").touch()
        self.assertIsNone(bnb_library_problem(self.dir, "12.8"))

    def test_bnb_cuda_version_chooses_another_library(self):
        self.assertIsNone(bnb_library_problem(self.dir, "12.8", "126"))

    def test_a_torch_without_cuda_is_refused(self):
        self.assertIn("without CUDA", bnb_library_problem(self.dir, None))


if __name__ == "__main__":
    unittest.main()
