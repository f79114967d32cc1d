"""emu3-tiny's text vocabulary: a byte-level BPE (Qwen's pre-tokenizer pattern) trained on the
scene captions and questions, then Emu3's special tokens and 1,024 visual tokens appended in
the released order (spec §5.1): <|endoftext|>, <|im_start|>, <|im_end|>, <|extra_0..204|>,
<|image token|>, <|image start|>, <|image end|>, <|visual token 000000..001023|>.

Usage: vocab.py OUT_DIR   (writes tokenizer.json and tokenizer_config.json)
"""
from __future__ import annotations

import json
import os
import random
import sys

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenes import caption, questions, random_scene  # noqa: E402

QWEN_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
BPE_VOCAB = 512
VISUAL_TOKENS = 1024
SYSTEM = "You are a helpful assistant. USER: "


def special_names(visual_count: int = VISUAL_TOKENS) -> list[str]:
    names = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    names += [f"<|extra_{i}|>" for i in range(205)]
    names += ["<|image token|>", "<|image start|>", "<|image end|>"]
    names += [f"<|visual token {k:06d}|>" for k in range(visual_count)]
    return names


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


def build() -> Tokenizer:
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=BPE_VOCAB, min_frequency=2, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer)
    tok.add_special_tokens(special_names())
    return tok


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    tok = build()
    tok.save(os.path.join(out, "tokenizer.json"))
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump({"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|extra_203|>",
                   "eos_token": "<|extra_204|>", "pad_token": "<|endoftext|>", "model_max_length": 512,
                   "clean_up_tokenization_spaces": False}, f, indent=2)
    print(f"vocabulary: {tok.get_vocab_size()} tokens")


if __name__ == "__main__":
    main()
