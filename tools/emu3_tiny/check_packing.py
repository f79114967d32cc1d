"""Checks that the decoder's training rows lose nothing: several questions sharing one image
prefix, and samples packed into one row, give each answer and image token exactly the loss it
has in its own single sequence (a random Emu3 decoder, float32, tolerance 1e-3 nats on the sum).

Usage: check_packing.py TOKENIZER_JSON   (exit 1 on a mismatch)
"""
from __future__ import annotations

import os
import random
import sys

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backbone import batch_tensors, text_config, weighted_loss  # noqa: E402
from scenes import caption, questions, random_scene  # noqa: E402
from sequences import Builder  # noqa: E402
from transformers import Emu3ForCausalLM, Emu3TextConfig  # noqa: E402


def alone_loss(model, ids: list[int], weights: list[float]) -> float:
    x = torch.tensor([ids])
    ce = F.cross_entropy(model(input_ids=x).logits[0, :-1], x[0, 1:], reduction="none")
    return float((ce * torch.tensor(weights[1:])).sum())


def main():
    tok = Tokenizer.from_file(sys.argv[1])
    builder = Builder(tok)
    torch.manual_seed(0)
    model = Emu3ForCausalLM(Emu3TextConfig(**text_config(tok))).eval()
    rng = random.Random(5)
    codes = np.random.default_rng(0).integers(0, 1024, (12, 8, 8))
    samples, expected = [], 0.0
    with torch.no_grad():
        for i in range(12):
            scene = random_scene(rng)
            if i % 3 == 0:
                qa = questions(scene)[:6]
                samples.append(builder.image_to_texts(codes[i], qa))
                expected += sum(alone_loss(model, *builder.image_to_text(codes[i], q, a)) for q, a in qa)
            else:
                ids, w = builder.text_to_image(caption(scene), codes[i])
                samples.append((ids, w, [0] * len(ids), list(range(len(ids)))))
                expected += alone_loss(model, ids, w)
        ids, w, mask, pos = batch_tensors(samples, builder.ids.pad)
        _, ce, ww = weighted_loss(model, ids, w, mask, pos)
        packed = float((ce * ww).sum())
    ok = abs(packed - expected) < 1e-3 and ids.shape[0] < len(samples)
    print(f"{len(samples)} samples in {ids.shape[0]} rows of {ids.shape[1]}: weighted loss {packed:.4f}"
          f" packed, {expected:.4f} one by one: {'same' if ok else 'DIFFERENT'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
