#!/usr/bin/env bash
# Creates tools/.venv: the dev-only Python environment for fixtures, reference benchmarks and
# training emu3-tiny (PyTorch CPU, transformers, tokenizers, tiktoken). Not needed to build,
# test or run the product. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
torch_spec="torch"
wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | head -1 || true)
if [ -n "$wheel" ]; then torch_spec="$wheel"; fi
"$venv/bin/pip" install -q --extra-index-url https://download.pytorch.org/whl/cpu \
  "$torch_spec" "transformers>=5.24,<6" safetensors tokenizers tiktoken pillow numpy protobuf pynng
echo "venv ready: $venv"
