#!/usr/bin/env bash
# make demo: starts the services on private ipc:// addresses, shows their health, runs
# the main job on the embedded emu3-tiny model when the pipeline is available, and stops
# everything. Usage: scripts/demo.sh BIN_DIR
set -euo pipefail
bin=${1:?usage: demo.sh BIN_DIR}
run=$(mktemp -d /tmp/emu3-demo-XXXXXX)
chmod 700 "$run"
export EMU3_RUNTIME_DIR=$run
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT

echo "== starting the services (ipc:// in $run)"
for s in text-tokenizer vision-tokenizer backbone evaluator; do
  "$bin/emu3-$s" serve --log-level warning &
  pids+=($!)
done
for _ in $(seq 1 100); do
  if "$bin/emu3-orchestrator" health --timeout-ms 500 >/dev/null 2>&1; then break; fi
  sleep 0.2
done
echo "== health"
"$bin/emu3-orchestrator" health
if "$bin/emu3-orchestrator" --help 2>/dev/null | grep -qE "^ +generate"; then
  out=${EMU3_DEMO_OUT:-$PWD/demo-out}
  mkdir -p "$out"
  echo "== generate (emu3-tiny)"
  "$bin/emu3-orchestrator" generate "a red circle on a blue background" -o "$out/red-circle.png" --seed 1
  echo "== understand"
  "$bin/emu3-orchestrator" understand "$out/red-circle.png" "What colour is the circle?"
fi
echo "== stopping"
