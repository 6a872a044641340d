"""Build the training corpus of the shipped model: the Python standard library's own sources.

Files are read in sorted path order and every 20th file is held out for validation, so the
split is reproducible on any machine with the same Python version. Files are joined with the
end-of-text token, which the model also emits at the end of a generation.
"""
import argparse
import json
import os
from pathlib import Path

END_OF_TEXT = "<|endoftext|>"
SKIPPED_DIRS = {"test", "tests", "idle_test", "site-packages", "dist-packages", "__pycache__", "lib2to3"}
MAX_FILE_BYTES = 400_000  # a handful of generated tables would otherwise dominate the corpus


def source_files(root: Path):
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRS)
        for name in sorted(files):
            path = Path(directory) / name
            if name.endswith(".py") and path.stat().st_size <= MAX_FILE_BYTES:
                yield path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", default="/usr/lib/python3.11")
    parser.add_argument("--out", default="work")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    train, valid = [], []
    for index, path in enumerate(sorted(source_files(Path(args.source)))):
        text = path.read_text(encoding="utf-8", errors="replace")
        (valid if index % 20 == 0 else train).append(text)

    for name, texts in (("train", train), ("valid", valid)):
        (out / f"{name}.txt").write_text(END_OF_TEXT.join(texts) + END_OF_TEXT, encoding="utf-8")
    stats = {
        "source": args.source,
        "train_files": len(train),
        "valid_files": len(valid),
        "train_bytes": sum(len(t.encode()) for t in train),
        "valid_bytes": sum(len(t.encode()) for t in valid),
    }
    (out / "corpus.json").write_text(json.dumps(stats, indent=2))
    print(json.dumps(stats))


if __name__ == "__main__":
    main()
