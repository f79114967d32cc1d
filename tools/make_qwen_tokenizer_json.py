#!/usr/bin/env python3
"""Converts qwen.tiktoken to a full-size HF tokenizer.json, as the transformers conversion of
the Emu3 `*-hf` checkpoints does (spec §7.5), for an optional parity test of the Swift
tokenizer.json loader at full scale (151,643 BPE tokens, ~294 k merges, Emu3 specials).

The file is ~25 MB, so it is not committed: the test reads it from $EMU3_QWEN_TOKENIZER_JSON
(or ${EMU3_CACHE_DIR:-~/.cache/emu3-swift}/qwen-hf/tokenizer.json) and is skipped without it.
transformers' TikTokenConverter is given the Qwen pattern (§7.2); by default it writes its
own variant with \\p{N}{1,3}. The script checks that the converted tokenizer reproduces the
tiktoken goldens (Tests/Fixtures/text/qwen_goldens.jsonl) before writing.

Usage: /work/main/tools/.venv/bin/python tools/make_qwen_tokenizer_json.py [--vocab PATH] [--out DIR]
"""

import argparse
import json
import os
import sys

from tokenizers import Tokenizer
from transformers.convert_slow_tokenizer import TikTokenConverter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_text_goldens import QWEN_PATTERN, emu3_special_names  # noqa: E402


def main():
    cache = os.environ.get("EMU3_CACHE_DIR", os.path.expanduser("~/.cache/emu3-swift"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", default=os.environ.get("EMU3_QWEN_VOCAB", os.path.join(cache, "qwen.tiktoken")))
    parser.add_argument("--out", default=os.path.join(cache, "qwen-hf"))
    parser.add_argument("--goldens", default="Tests/Fixtures/text/qwen_goldens.jsonl")
    args = parser.parse_args()

    tok = TikTokenConverter(vocab_file=args.vocab, pattern=QWEN_PATTERN).converted()
    tok = Tokenizer.from_str(tok.to_str())
    tok.add_special_tokens(emu3_special_names(32768))
    assert tok.get_vocab_size() == 184622, tok.get_vocab_size()

    tok.encode_special_tokens = True
    with open(args.goldens, encoding="utf-8") as f:
        goldens = [json.loads(line) for line in f]
    bad = sum(tok.encode(g["text"], add_special_tokens=False).ids != g["ids"] for g in goldens)
    if bad:
        sys.exit(f"the converted tokenizer differs from tiktoken on {bad} of {len(goldens)} lines")

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "tokenizer.json")
    tok.save(path)
    print(f"{path}: {os.path.getsize(path)} bytes; identical to tiktoken on {len(goldens)} golden lines")


if __name__ == "__main__":
    main()
