#!/usr/bin/env bash
# make bench: runs every benchmark executable (emu3-bench-*) built in release mode. Each
# prints its figures beside the reference implementation measured in the same run, as
# ratios (memory speed on these machines is bimodal between runs). Benchmarks needing the
# Python reference use tools/.venv (created by tools/setup-venv.sh) and say so when missing.
set -euo pipefail
bin=${1:?usage: bench.sh BIN_DIR}
found=0
for b in "$bin"/emu3-bench-*; do
  [ -f "$b" ] && [ -x "$b" ] || continue
  found=1
  echo "== $(basename "$b")"
  "$b" || echo "$(basename "$b") failed with status $?" >&2
done
[ "$found" = 1 ] || echo "no benchmark executables in $bin" >&2
# The vision tokenizer benchmark builds its own release product and needs the PyTorch side's
# full-size random weights (made once by tools/bench_vision_pytorch.py in the venv).
if [ -x tools/.venv/bin/python ]; then
  echo "== vision tokenizer (Benchmarks/VisionTokenizer/run.sh)"
  Benchmarks/VisionTokenizer/run.sh || echo "vision benchmark failed with status $?" >&2
else
  echo "== vision tokenizer: skipped (no tools/.venv; run tools/setup-venv.sh)" >&2
fi
