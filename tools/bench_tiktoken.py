#!/usr/bin/env python3
"""tiktoken side of the text-tokenizer benchmark (Benchmarks/text-tokenizer, `make bench`).

Builds the same Encoding as tools/make_text_goldens.py (qwen.tiktoken, Qwen pattern, Emu3
specials), encodes every corpus line with `encode_ordinary` (no normalisation, specials as
text) single-threaded (thread CPU time) and with `encode_ordinary_batch` on all cores, and prints one JSON line:
{"tiktoken": "0.14.0", "load_s": ..., "single_mbps": ..., "batch_mbps": ..., "threads": N, "tokens": T}
"""

import argparse
import json
import os
import sys
import time

import tiktoken
from tiktoken.load import load_tiktoken_bpe

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_text_goldens import QWEN_PATTERN, emu3_special_names  # noqa: E402


def timed(fn, min_seconds, clock=time.perf_counter):
    """Runs fn until min_seconds have passed on `clock`; returns (seconds per run, result)."""
    runs, start, result = 0, clock(), None
    while True:
        result = fn()
        runs += 1
        elapsed = clock() - start
        if elapsed >= min_seconds:
            return elapsed / runs, result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--corpus", required=True, help="JSONL with a \"text\" field per line")
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    size = sum(len(t.encode()) for t in texts)

    start = time.perf_counter()
    ranks = load_tiktoken_bpe(args.vocab)
    specials = {name: len(ranks) + i for i, name in enumerate(emu3_special_names(32768))}
    enc = tiktoken.Encoding("emu3", pat_str=QWEN_PATTERN, mergeable_ranks=ranks, special_tokens=specials)
    load_s = time.perf_counter() - start

    enc.encode_ordinary("warm up")
    # Single-threaded: thread CPU time, as the Swift side (robust to other load on the machine).
    single_s, ids = timed(lambda: [enc.encode_ordinary(t) for t in texts], args.seconds, time.thread_time)
    batch_s, _ = timed(lambda: enc.encode_ordinary_batch(texts, num_threads=args.threads), args.seconds)
    print(json.dumps({
        "tiktoken": tiktoken.__version__, "load_s": load_s, "bytes": size,
        "tokens": sum(len(x) for x in ids), "single_mbps": size / single_s / 1e6,
        "batch_mbps": size / batch_s / 1e6, "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
