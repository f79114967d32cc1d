#!/usr/bin/env bash
# make tiny-model: retrains models/emu3-tiny from nothing, with fixed seeds and fixed step counts,
# on CPU (on 2 cores 58 to 97 minutes of training by the CPU: about 58 on an AVX512_BF16 Intel,
# 97 on an AVX2 AMD EPYC; then 4 to 25 of evaluation): vocabulary (2,241 visual tokens),
# VQ tokenizer with supervised codes (vq.py --supervised-codes: each cell's code is the scene's
# colour pair and alpha pattern, supervised_codes.py; its encoder held local on the code grid,
# --local-encoder), the Emu3 decoder with its visual rows factorised the same way (backbone.py
# --factorised-visual 27,83, under bfloat16 autocast where the CPU has AVX512_BF16, else float32)
# with the colour words of four in five captions hidden from the caption's later words (--isolate-words 0.8),
# its text-to-image samples' object cells read now and then in another colour or pattern (--tune-colour-noise 0.3
# --tune-pattern-noise 0.3 --noise-main), a loss that keeps the colours it predicts at an object's first
# cell the same whatever the shape word, and the patterns whatever the colour word, on seen pairs
# (--invariance 0.1, invariance.py), and its understanding pass (--tune-steps 800 --tune-t2i 0.15
# --tune-smoothing 0.2), export, evaluation, model card. Fixed seeds
# give the same data stream again; on one thread (EMU3_TINY_THREADS=1) the same weights too, while
# on two (the default) some of PyTorch's CPU kernels add in varying order, so the weights differ in
# their last bits and the figures by a run's noise (measured: 20 steps, twice, differ on two
# threads and match on one); the minutes vary with the machine. Needs the dev-only venv (tools/setup-venv.sh). Steps
# per stage can be set with VQ_STEPS, BACKBONE_STEPS and TUNE_STEPS; EMU3_TINY_BIN (a folder holding
# emu3-orchestrator and the services) adds the measurements through the Swift services.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
"$root/tools/setup-venv.sh" >/dev/null
py="$root/tools/.venv/bin/python"
work=${EMU3_TINY_WORK:-$here/out}
model=${EMU3_TINY_MODEL:-$root/models/emu3-tiny}
mkdir -p "$work"
cd "$here"
step() { echo "== $(date +%H:%M:%S) $*"; }

step "vocabulary";        "$py" vocab.py "$work/tokenizer" --visual 2241
step "vision tokenizer";  "$py" vq.py "$work/vq" --supervised-codes --codebook 2241 --code-dim 14 --local-encoder \
                              --steps "${VQ_STEPS:-3000}" | tee "$work/vq.log"
step "packing check";     "$py" check_packing.py "$work/tokenizer/tokenizer.json"
step "Emu3 decoder";      "$py" backbone.py "$work" --factorised-visual 27,83 --bf16 --steps "${BACKBONE_STEPS:-1830}" \
                              --isolate-words 0.8 --tune-steps "${TUNE_STEPS:-800}" --tune-t2i 0.15 --tune-smoothing 0.2 \
                              --tune-colour-noise 0.3 --tune-pattern-noise 0.3 --noise-main --invariance 0.1 \
                              | tee "$work/backbone.log"
step "export";            "$py" export.py "$work" "$model" --cfg "${EMU3_TINY_CFG:-1.0}" --top-k "${EMU3_TINY_TOP_K:-4}"
swift=()
if [ -n "${EMU3_TINY_BIN:-}" ]; then swift=(--swift "$EMU3_TINY_BIN"); fi
step "evaluation";        "$py" evaluate.py "$model" --out "$work/metrics.json" "${swift[@]}"
step "goldens";           "$py" make_goldens.py "$model" "$root/Tests/Fixtures/tiny"
step "model card";        "$py" card.py "$work" "$model"
step "done: $model"
