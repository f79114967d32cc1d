#!/usr/bin/env bash
# Creates tools/.venv: the dev-only Python environment for fixtures, reference benchmarks and
# training emu3-tiny (PyTorch CPU, transformers, tokenizers, tiktoken). Not needed to build,
# test or run the product. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
# A local CPU wheel of torch (/opt/wheels) is used as is; only without one is PyTorch's CPU
# index asked (a machine that cannot reach it would retry it for every package).
torch_spec="torch"
index=(--extra-index-url https://download.pytorch.org/whl/cpu)
wheel=$(ls /opt/wheels/torch-*+cpu-*.whl 2>/dev/null | head -1 || true)
if [ -n "$wheel" ]; then torch_spec="$wheel"; index=(); fi
"$venv/bin/pip" install -q "${index[@]}" \
  "$torch_spec" "transformers>=5.24,<6" safetensors tokenizers tiktoken pillow numpy protobuf pynng
echo "venv ready: $venv"
