#!/usr/bin/env bash
# make demo: the main job on the embedded emu3-tiny model, as a user would run it:
# start the services (up), generate an image from text, ask a question about it
# (understand), round-trip it through the vision tokenizer (reconstruct), and stop the
# services (down). Usage: scripts/demo.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR}
orch="$bin/emu3-orchestrator"
run=$(mktemp -d /tmp/emu3-demo-XXXXXX)
chmod 700 "$run"
export EMU3_RUNTIME_DIR=$run
out=${EMU3_DEMO_OUT:-$PWD/demo-out}
mkdir -p "$out"
trap '"$orch" down >/dev/null 2>&1 || true; rm -rf "$run"' EXIT

prompt=${EMU3_DEMO_PROMPT:-"a red circle on the left"}
question=${EMU3_DEMO_QUESTION:-"What colour is the circle?"}

echo "== up: starting the four services (private ipc:// in $run)"
"$orch" up
"$orch" status
echo
echo "== generate \"$prompt\""
# emu3-tiny draws prompts of its training distribution right (its model card has the figures;
# held-out shape and colour pairs it seldom gets right); EMU3_DEMO_SEED picks another seed.
"$orch" generate "$prompt" -o "$out/demo.png" --seed "${EMU3_DEMO_SEED:-2}"
echo
echo "== understand $out/demo.png \"$question\""
"$orch" understand "$out/demo.png" "$question"
echo
echo "== reconstruct $out/demo.png (vision tokenizer round trip)"
"$orch" reconstruct "$out/demo.png" -o "$out/demo-vq.png"
echo
echo "== down"
"$orch" down
