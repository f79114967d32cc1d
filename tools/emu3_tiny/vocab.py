"""emu3-tiny's text vocabulary: a byte-level BPE (Qwen's pre-tokenizer pattern) trained on the
scene captions and questions, then Emu3's special tokens and 1,024 visual tokens appended in
the released order (spec §5.1): <|endoftext|>, <|im_start|>, <|im_end|>, <|extra_0..204|>,
<|image token|>, <|image start|>, <|image end|>, <|visual token 000000..001023|>.

Usage: vocab.py OUT_DIR [--visual N]   (writes tokenizer.json and tokenizer_config.json; N visual
tokens, 1,024 by default: a trial tokenizer with another codebook size needs as many)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from make_text_goldens import byte_level_bpe  # noqa: E402
from scenes import caption, questions, random_scene  # noqa: E402

BPE_VOCAB = 512
VISUAL_TOKENS = 1024
SYSTEM = "You are a helpful assistant. USER: "


def corpus(n: int = 20000, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    lines = [SYSTEM, ". ASSISTANT:", "8*8", "0123456789*"]
    for _ in range(n):
        s = random_scene(rng, held_out=None)
        lines.append(caption(s, rng))
        for q, a in questions(s):
            lines.append(q + ". ASSISTANT:")
            lines.append(a)
    return lines


def build(visual: int = VISUAL_TOKENS):
    return byte_level_bpe(corpus(), BPE_VOCAB, visual)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--visual", type=int, default=VISUAL_TOKENS, help="visual tokens (the codebook size)")
    args = ap.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    tok = build(args.visual)
    tok.save(os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|extra_203|>",
                   "eos_token": "<|extra_204|>", "pad_token": "<|endoftext|>", "model_max_length": 512,
                   "clean_up_tokenization_spaces": False}, f, indent=2)
    print(f"vocabulary: {tok.get_vocab_size()} tokens")


if __name__ == "__main__":
    main()
