"""Checks that the Swift backbone samples images from the same distribution as transformers:
`emu3-backbone generate --top-k K` draws images for held-out prompts, and at every visual token
PyTorch's top-K probabilities, given the tokens drawn so far, say how often each rank should
have been drawn. The counts drawn per rank are compared with those expectations (chi-squared,
K−1 degrees of freedom; exit 1 when p < 0.05 or a token falls outside the top K). Unlike
comparing images or mean log-probabilities, this holds whatever path each image took, so it
tests the sampler itself.

Usage: check_sampler.py MODEL_DIR BIN_DIR [--prompts 16] [--seeds 9] [--top-k 4]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
PROMPTS, SEEDS = 16, 9   # held-out prompts, and images drawn for each (evaluate.py uses the same)


def chi2_p_value(chi2: float, dof: int) -> float:
    """P(χ² ≥ chi2) for `dof` degrees of freedom: the regularised upper incomplete gamma."""
    return float(torch.special.gammaincc(torch.tensor(dof / 2, dtype=torch.float64),
                                         torch.tensor(chi2 / 2, dtype=torch.float64)))


def sampler_check(t, bin_dir: str, model_dir: str, prompts, seeds: int, k: int) -> dict:
    """Swift's draws per rank of PyTorch's top k against PyTorch's probabilities; `t` is evaluate.Tiny
    for model_dir, `prompts` evaluate.t2i_prompts' (scene, caption) pairs."""
    ids = t.b.ids
    visual = slice(ids.visual0, ids.visual0 + ids.visual_count)
    expected, observed, outside = np.zeros(k), np.zeros(k), 0
    for _, caption in prompts:
        prompt = t.b.generation_prompt(caption, 8, 8)
        for seed in range(seeds):
            run = subprocess.run([os.path.join(bin_dir, "emu3-backbone"), "generate", "--model", model_dir,
                                  "--tokens", ",".join(map(str, prompt)), "--image", "8x8", "--top-k", str(k),
                                  "--seed", str(seed), "--max-new", "80", "--threads", "2"],
                                 capture_output=True, text=True, check=True)
            new = [int(v) for v in run.stdout.strip().split(",") if v]
            with torch.no_grad():
                logits = t.head(t.text(input_ids=torch.tensor([prompt + new])).last_hidden_state[0]).float()
            for j, token in enumerate(new):
                if not ids.visual0 <= token < ids.visual0 + ids.visual_count:
                    continue   # forced layout tokens (end of row, end of image)
                top, rank = torch.topk(logits[len(prompt) + j - 1, visual], k)
                expected += torch.softmax(top, 0).numpy()
                hit = (rank == token - ids.visual0).nonzero()
                if len(hit):
                    observed[int(hit[0])] += 1
                else:
                    outside += 1
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    return {"images": len(prompts) * seeds, "tokens": int(observed.sum()) + outside, "outside_top_k": outside,
            "top_k": k, "expected": [round(float(v), 1) for v in expected],
            "drawn": [int(v) for v in observed], "chi2": round(chi2, 2), "p": round(chi2_p_value(chi2, k - 1), 3)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("bin", help="folder holding emu3-backbone")
    ap.add_argument("--prompts", type=int, default=PROMPTS)
    ap.add_argument("--seeds", type=int, default=SEEDS)
    ap.add_argument("--top-k", type=int, default=4)
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("EMU3_TINY_THREADS", "2")))
    from evaluate import Tiny, t2i_prompts   # evaluate imports this module
    r = sampler_check(Tiny(args.model), args.bin, args.model, t2i_prompts(args.prompts, True), args.seeds,
                      args.top_k)
    k = r["top_k"]
    print(f"{r['tokens']} visual tokens drawn by Swift, {r['outside_top_k']} outside PyTorch's top {k}")
    print("rank      " + " ".join(f"{i:>8}" for i in range(k)))
    print("expected  " + " ".join(f"{v:8.1f}" for v in r["expected"]))
    print("drawn     " + " ".join(f"{v:8d}" for v in r["drawn"]))
    print(f"chi-squared {r['chi2']:.2f} on {k - 1} degrees of freedom, p = {r['p']:.3f}")
    sys.exit(1 if r["outside_top_k"] or r["p"] < 0.05 else 0)


if __name__ == "__main__":
    main()
