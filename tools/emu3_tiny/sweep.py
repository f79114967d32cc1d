"""Picks emu3-tiny's generation defaults: the detector's all-correct rate on prompts from the
training distribution (not the held-out ones the card reports) for a few CFG scales and top-k.

Usage: sweep.py MODEL_DIR [--prompts 20] [--seeds 2]
"""
from __future__ import annotations

import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evaluate import Tiny, eval_t2i, t2i_prompts  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--prompts", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("EMU3_TINY_THREADS", "2")))
    t = Tiny(args.model)
    prompts = t2i_prompts(args.prompts, held_out=False, seed=4242)
    for cfg in (1.0, 1.5, 3.0, 5.0):
        for top_k in (8, 64):
            r = eval_t2i(t, prompts, args.seeds, cfg, top_k)
            print(f"cfg {cfg} top_k {top_k}: {r}", flush=True)


if __name__ == "__main__":
    main()
