#!/usr/bin/env bash
# Vision tokenizer benchmark (not a test; issue 5): the Swift engine beside PyTorch + transformers
# on the same full-size random weights and thread count, in the same run. One operation per
# process so peak RSS is per operation:
#   decode: a 64×64 code grid → 512×512 image
#   encode: a 512×512 PNG → 64×64 codes
# Usage: Benchmarks/VisionTokenizer/run.sh [--threads N] [--ops "decode encode"] [--impls "swift pytorch"]
# Results: one JSON line per run in $BENCH_DIR/results.jsonl and a table on stdout.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=2
OPS="decode encode"
IMPLS="swift pytorch"
while [ $# -gt 0 ]; do
    case "$1" in
        --threads) THREADS="$2"; shift 2 ;;
        --ops) OPS="$2"; shift 2 ;;
        --impls) IMPLS="$2"; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
DIR="${BENCH_DIR:-cache/vision-bench}"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    for candidate in tools/.venv/bin/python /work/main/tools/.venv/bin/python python3; do
        if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
    done
fi
if [ ! -f "$DIR/model.safetensors" ]; then
    echo "making full-size random weights in $DIR (1.08 GB)" >&2
    "$PY" tools/bench_vision_pytorch.py make-model --out "$DIR"
fi
EMU3_BENCHMARKS=1 swift build -c release --product VisionTokenizerBenchmarks >&2
export OPENBLAS_NUM_THREADS="$THREADS" OMP_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"
RESULTS="$DIR/results.jsonl"
for op in $OPS; do
    if [ "$op" = decode ]; then input=(--codes "$DIR/codes-64.json"); else input=(--image "$DIR/input-512.png"); fi
    for impl in $IMPLS; do
        echo "running $impl $op ($THREADS threads)" >&2
        if [ "$impl" = swift ]; then
            line=$(.build/release/VisionTokenizerBenchmarks "$op" --model "$DIR" "${input[@]}" --threads "$THREADS")
        else
            line=$("$PY" tools/bench_vision_pytorch.py "$op" --model "$DIR" "${input[@]}" --threads "$THREADS" 2>/dev/null | grep '^{')
        fi
        echo "$line" | tee -a "$RESULTS" >&2
        echo "$line" >> "$DIR/.this-run"
    done
done
"$PY" - "$DIR/.this-run" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"| op | impl | threads | seconds | peak RSS MB | shape |")
print(f"|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['op']} | {r['impl']} | {r['threads']} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | {r['shape']} |")
by = {(r['op'], r['impl']): r for r in rows}
for op in sorted({r['op'] for r in rows}):
    s, p = by.get((op, 'swift')), by.get((op, 'pytorch'))
    if s and p:
        print(f"{op}: Swift is {p['seconds'] / s['seconds']:.2f}x faster, uses {s['peak_rss_mb'] / p['peak_rss_mb']:.2f}x the memory")
PYEOF
rm -f "$DIR/.this-run"
