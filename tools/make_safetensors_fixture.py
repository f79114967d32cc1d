#!/usr/bin/env python3
"""Writes Tests/Fixtures/safetensors/small.safetensors with the reference writer
(Python `safetensors`, via torch) and a MANIFEST.json of sha256s.

The Swift test SafeTensorsFixtureTests recomputes the same values from the formulas below,
so keep them in sync:
  f32   [2, 3]   F32   i * 0.25 - 0.5              (i = 0..5)
  f16   [4]      F16   [1.0, -2.5, 65504.0, 6.103515625e-05]
  bf16  [2, 2]   BF16  [1.0, -0.0078125, 3.140625, -448.0]
  i64   [3]      I64   [-1, 0, 2**40]
  u8    [5]      U8    [0, 1, 127, 128, 255]
  flag  [2]      BOOL  [True, False]
  empty [2, 0]   F32   zero-size
metadata: {"format": "pt"}  (one key: the Rust writer orders metadata keys by a randomised hash)

Usage: tools/.venv/bin/python tools/make_safetensors_fixture.py --out Tests/Fixtures/safetensors
"""
import argparse
import hashlib
import json
import pathlib

import safetensors
import torch
from safetensors.torch import save_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    tensors = {
        "f32": (torch.arange(6, dtype=torch.float32) * 0.25 - 0.5).reshape(2, 3),
        "f16": torch.tensor([1.0, -2.5, 65504.0, 6.103515625e-05], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -0.0078125, 3.140625, -448.0], dtype=torch.bfloat16).reshape(2, 2),
        "i64": torch.tensor([-1, 0, 2**40], dtype=torch.int64),
        "u8": torch.tensor([0, 1, 127, 128, 255], dtype=torch.uint8),
        "flag": torch.tensor([True, False]),
        "empty": torch.zeros((2, 0), dtype=torch.float32),
    }
    path = args.out / "small.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt"})

    manifest = {
        "generator": "tools/make_safetensors_fixture.py",
        "safetensors": safetensors.__version__,
        "torch": torch.__version__,
        "files": {path.name: hashlib.sha256(path.read_bytes()).hexdigest()},
    }
    (args.out / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
