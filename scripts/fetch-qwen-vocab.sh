#!/usr/bin/env bash
# Fetches Qwen's BPE rank file `qwen.tiktoken` (151,643 ranks; Emu3 spec §7.1) from the PyPI
# package `dashscope`, verifies its SHA-256 and installs it in the cache folder.
#
#   scripts/fetch-qwen-vocab.sh [DEST]
#
# DEST defaults to ${EMU3_CACHE_DIR:-$HOME/.cache/emu3-swift}/qwen.tiktoken. Idempotent: does
# nothing when DEST already holds the file with the pinned hash. Needs `pip` (any Python 3;
# PIP overrides which) and `unzip` or Python to unpack the wheel. Never commit the result.
set -euo pipefail

DASHSCOPE_VERSION="2.0.2"
WHEEL_SHA256="0602d1800f7433bdb7953560986eaf5146454ed3988636c0a91963ba24e74258"
VOCAB_SHA256="b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"
MEMBER="dashscope/resources/qwen.tiktoken"

DEST="${1:-${EMU3_CACHE_DIR:-$HOME/.cache/emu3-swift}/qwen.tiktoken}"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -f "$DEST" && "$(sha256_of "$DEST")" == "$VOCAB_SHA256" ]]; then
    echo "qwen.tiktoken already present: $DEST"
    exit 0
fi

if [[ -n "${PIP:-}" ]]; then
    read -r -a pip_cmd <<<"$PIP"
elif [[ -x /work/main/tools/.venv/bin/pip ]]; then
    pip_cmd=(/work/main/tools/.venv/bin/pip)
elif command -v pip3 >/dev/null; then
    pip_cmd=(pip3)
else
    pip_cmd=(python3 -m pip)
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "downloading dashscope==$DASHSCOPE_VERSION (no dependencies) with ${pip_cmd[*]}"
"${pip_cmd[@]}" download --quiet --no-deps --only-binary=:all: \
    "dashscope==$DASHSCOPE_VERSION" -d "$work"
wheel="$work/dashscope-$DASHSCOPE_VERSION-py3-none-any.whl"
if [[ ! -f "$wheel" ]]; then
    echo "error: pip did not produce $wheel" >&2
    exit 1
fi
if [[ "$(sha256_of "$wheel")" != "$WHEEL_SHA256" ]]; then
    echo "error: wheel SHA-256 mismatch for $wheel (expected $WHEEL_SHA256)" >&2
    exit 1
fi

if command -v unzip >/dev/null; then
    unzip -q -o "$wheel" "$MEMBER" -d "$work/unpacked"
else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])' \
        "$wheel" "$MEMBER" "$work/unpacked"
fi
got="$(sha256_of "$work/unpacked/$MEMBER")"
if [[ "$got" != "$VOCAB_SHA256" ]]; then
    echo "error: qwen.tiktoken SHA-256 is $got, expected $VOCAB_SHA256" >&2
    exit 1
fi

mkdir -p "$(dirname "$DEST")"
# Copy next to the destination, then rename: readers never see a half-written file.
cp "$work/unpacked/$MEMBER" "$DEST.tmp.$$"
mv -f "$DEST.tmp.$$" "$DEST"
echo "installed $DEST (sha256 $VOCAB_SHA256)"
