#!/usr/bin/env python3
"""Writes the text-tokenizer goldens (issue 3) into --out (default Tests/Fixtures/text).

Reference implementations: tiktoken 0.14.0 (Qwen's `qwen.tiktoken`, pattern of Emu3 spec §7.2,
Emu3 specials of §5.1/§7.1) and tokenizers 0.23.3 (a tiny byte-level BPE trained here).

Normalisation (stated once, used everywhere): the reference Emu3 tokenizer NFC-normalises the
text and then calls tiktoken's `encode`; tiktoken itself does not normalise. The corpus lines
are NFC-normalised when generated, so for them both agree and decode(encode(x)) == x holds.
`nfc_goldens.jsonl` covers inputs that NFC changes: `ids` = tiktoken(NFC(text)) (what the Swift
engine produces by default, like Emu3) and `ids_raw` = tiktoken(text) (the engine with
normalisation off).

Files written:
  qwen_goldens.jsonl       {"text", "ids", ["ids_special"]}   tiktoken; ids_special = all specials allowed
  nfc_goldens.jsonl        {"text", "ids", "ids_raw"}
  qwen_decode_goldens.jsonl {"ids", "text"}                   tiktoken decode(errors="replace")
  tiny_tokenizer.json      byte-level BPE, NFC normaliser, Split(Qwen regex)+ByteLevel, [a, b] merges
  tiny_tokenizer_gpt2.json the same model, ByteLevel(GPT-2 regex) pre-tokenizer, "a b" merges
  tiny_goldens.jsonl       {"text", "ids", "ids_special", "gpt2_ids", "gpt2_ids_special",
                            "qwen_pieces", "gpt2_pieces"}     tokenizers; ids = specials as text,
                           ids_special = specials recognised; *_pieces = UTF-8 byte lengths of the
                           pieces of a bare regex Split (Oniguruma), to test the scanners directly
  tiny_decode_goldens.jsonl {"file", "ids", "text", "text_skip"} tokenizers decode
  MANIFEST.json            sha256 and size of each file

Usage: /work/main/tools/.venv/bin/python tools/make_text_goldens.py [--vocab PATH] [--out DIR]
"""

import argparse
import hashlib
import json
import os
import random
import sys

import tiktoken
import tokenizers
from tiktoken.load import load_tiktoken_bpe
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from text_corpus import build_corpus, build_non_nfc_lines  # noqa: E402

SEED = 20240926
QWEN_PATTERN = (
    r"""(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
)
VOCAB_SHA256 = "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
TINY_VOCAB_SIZE = 2000
TINY_VISUAL_TOKENS = 64


def emu3_special_names(visual_count: int) -> list[str]:
    """Emu3 spec §5.1/§7.1, in id order after the BPE ranks."""
    names = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    names += [f"<|extra_{i}|>" for i in range(205)]
    names += ["<|image token|>", "<|image start|>", "<|image end|>"]
    names += [f"<|visual token {k:06d}|>" for k in range(visual_count)]
    return names


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


def qwen_encoding(vocab_path):
    with open(vocab_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != VOCAB_SHA256:
        sys.exit(f"{vocab_path}: sha256 {digest} is not the pinned qwen.tiktoken; run scripts/fetch-qwen-vocab.sh")
    ranks = load_tiktoken_bpe(vocab_path)
    specials = {name: len(ranks) + i for i, name in enumerate(emu3_special_names(32768))}
    return tiktoken.Encoding("emu3", pat_str=QWEN_PATTERN, mergeable_ranks=ranks, special_tokens=specials)


def qwen_goldens(enc, corpus, non_nfc, out):
    import unicodedata

    rows = []
    for text in corpus:
        row = {"text": text, "ids": enc.encode(text, allowed_special=set(), disallowed_special=())}
        assert enc.decode(row["ids"]) == text
        if "<|" in text:
            row["ids_special"] = enc.encode(text, allowed_special="all")
        rows.append(row)
    write_jsonl(os.path.join(out, "qwen_goldens.jsonl"), rows)

    nfc_rows = []
    for text in non_nfc:
        nfc = unicodedata.normalize("NFC", text)
        assert nfc != text, repr(text)
        nfc_rows.append({
            "text": text,
            "ids": enc.encode(nfc, disallowed_special=()),
            "ids_raw": enc.encode(text, disallowed_special=()),
        })
    write_jsonl(os.path.join(out, "nfc_goldens.jsonl"), nfc_rows)

    # Decode goldens: id sequences whose bytes are often not valid UTF-8 (split multi-byte
    # characters, lone continuation bytes, surrogates, overlongs), decoded with replacement.
    rng = random.Random(SEED + 1)
    byte_id = {b: enc.encode_single_token(bytes([b])) for b in range(256)}
    dec_rows = []
    samples = ["é", "世界", "🤖", "नमस्ते", "Ω≈ç√", "👨\u200d👩\u200d👧"]
    for _ in range(300):
        ids = []
        for _ in range(rng.randint(1, 12)):
            k = rng.randrange(6)
            if k == 0:
                ids.append(byte_id[rng.randrange(256)])
            elif k == 1:
                ids.append(byte_id[rng.randrange(0x80, 0x100)])
            elif k == 2:
                ids.extend(byte_id[b] for b in rng.choice(samples).encode()[: rng.randint(1, 3)])
            elif k == 3:
                ids.append(rng.randrange(enc.n_vocab))
            elif k == 4:
                ids.extend(byte_id[b] for b in rng.choice([b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe0\x80", b"\xf0\x9f"]))
            else:
                ids.extend(enc.encode(rng.choice(samples)))
        dec_rows.append({"ids": ids, "text": enc.decode(ids, errors="replace")})
    write_jsonl(os.path.join(out, "qwen_decode_goldens.jsonl"), dec_rows)


def byte_level_bpe(corpus, vocab_size, visual_count, min_frequency=2):
    """A byte-level BPE with the Qwen pre-tokenizer trained on `corpus`, then the Emu3
    special and visual tokens appended in spec order (also used by tools/emu3_tiny)."""
    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, min_frequency=min_frequency, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(corpus, trainer)
    # Emu3 layout: specials after the BPE vocabulary, in spec order (ids are read by name).
    tok.add_special_tokens(emu3_special_names(visual_count))
    return tok


def train_tiny(corpus):
    return byte_level_bpe(corpus, TINY_VOCAB_SIZE, TINY_VISUAL_TOKENS)


def gpt2_variant(tok):
    """The same vocabulary with the GPT-2 ByteLevel pre-tokenizer and "a b" string merges."""
    doc = json.loads(tok.to_str())
    doc["normalizer"] = None
    doc["pre_tokenizer"] = {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    doc["model"]["merges"] = [" ".join(pair) for pair in doc["model"]["merges"]]
    # Written by hand: Tokenizer.save would turn the merges back into [a, b] arrays.
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return Tokenizer.from_str(text), text


def hf_encodings(tok, text):
    tok.encode_special_tokens = True
    plain = tok.encode(text, add_special_tokens=False).ids
    tok.encode_special_tokens = False
    special = tok.encode(text, add_special_tokens=False).ids
    assert tok.decode(plain, skip_special_tokens=False) == text, repr(text)
    return plain, special


def piece_lengths(splitter, text):
    """UTF-8 byte lengths of the pieces a regex Split makes of `text` (Oniguruma semantics)."""
    pieces = splitter.pre_tokenize_str(text)
    assert "".join(p for p, _ in pieces) == text
    return [len(p.encode()) for p, _ in pieces]


def hf_goldens(tiny, tiny_gpt2, corpus, path):
    """One row per corpus line: ids from both tiny tokenizers and the pre-tokenizer pieces."""
    qwen_split = pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated", invert=False)
    gpt2_split = pre_tokenizers.Split(Regex(GPT2_PATTERN), behavior="isolated", invert=False)
    rows = []
    for text in corpus:
        ids, ids_special = hf_encodings(tiny, text)
        gpt2_ids, gpt2_ids_special = hf_encodings(tiny_gpt2, text)
        rows.append({
            "text": text, "ids": ids, "ids_special": ids_special,
            "gpt2_ids": gpt2_ids, "gpt2_ids_special": gpt2_ids_special,
            "qwen_pieces": piece_lengths(qwen_split, text), "gpt2_pieces": piece_lengths(gpt2_split, text),
        })
    write_jsonl(path, rows)


def hf_decode_goldens(named, path):
    rng = random.Random(SEED + 2)
    rows = []
    for name, tok in named:
        n = tok.get_vocab_size()
        for _ in range(100):
            ids = [rng.randrange(n) for _ in range(rng.randint(1, 10))]
            rows.append({
                "file": name, "ids": ids,
                "text": tok.decode(ids, skip_special_tokens=False),
                "text_skip": tok.decode(ids, skip_special_tokens=True),
            })
    write_jsonl(path, rows)


def write_manifest(out):
    entries = {}
    for name in sorted(os.listdir(out)):
        # Folders (e.g. tiny-model/, a test model that links to tiny_tokenizer.json) are not ours.
        if name == "MANIFEST.json" or not os.path.isfile(os.path.join(out, name)) or os.path.islink(os.path.join(out, name)):
            continue
        with open(os.path.join(out, name), "rb") as f:
            data = f.read()
        entries[name] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    manifest = {
        "generator": "tools/make_text_goldens.py",
        "seed": SEED,
        "tiktoken": tiktoken.__version__,
        "tokenizers": tokenizers.__version__,
        "qwen_tiktoken_sha256": VOCAB_SHA256,
        "files": entries,
    }
    with open(os.path.join(out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def main():
    default_vocab = os.path.join(
        os.environ.get("EMU3_CACHE_DIR", os.path.expanduser("~/.cache/emu3-swift")), "qwen.tiktoken")
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vocab", default=os.environ.get("EMU3_QWEN_VOCAB", default_vocab))
    parser.add_argument("--out", default="Tests/Fixtures/text")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    corpus = build_corpus(SEED)
    print(f"corpus: {len(corpus)} lines, {sum(len(t.encode()) for t in corpus)} bytes")
    qwen_goldens(qwen_encoding(args.vocab), corpus, build_non_nfc_lines(), args.out)

    tiny = train_tiny(corpus)
    tiny.save(os.path.join(args.out, "tiny_tokenizer.json"))
    tiny_gpt2, gpt2_text = gpt2_variant(tiny)
    with open(os.path.join(args.out, "tiny_tokenizer_gpt2.json"), "w", encoding="utf-8") as f:
        f.write(gpt2_text + "\n")
    hf_goldens(tiny, tiny_gpt2, corpus, os.path.join(args.out, "tiny_goldens.jsonl"))
    hf_decode_goldens([("tiny_tokenizer.json", tiny)], os.path.join(args.out, "tiny_decode_goldens.jsonl"))
    write_manifest(args.out)
    for name, entry in json.load(open(os.path.join(args.out, "MANIFEST.json")))["files"].items():
        print(f"{name}: {entry['bytes']} bytes")


if __name__ == "__main__":
    main()
