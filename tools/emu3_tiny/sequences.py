"""Emu3 token sequences for emu3-tiny (spec §5.2, §5.3), exactly as the Swift orchestrator
builds its prompts, so that what is trained is what is served.

Text-to-image:  BOS + caption + POS + SOV + "h*w" + SOT + rows(codes + EOL) + EOF + EOV + EOS
Understanding:  BOS + "You are a helpful assistant. USER: " + image span + question + ". ASSISTANT:"
                + answer + EOS

For training, several questions on one image share its prefix (`image_to_texts`): each question
sees the prefix and itself only, at the positions it would have alone, so one sample is worth that
many single-question sequences at a fraction of the cost (`segments` says which tokens see which).
"""
from __future__ import annotations

from dataclasses import dataclass

from tokenizers import Tokenizer

SYSTEM = "You are a helpful assistant. USER: "
POSITIVE_SUFFIX = ""   # emu3-tiny's quality suffix (the released Gen model uses " masterpiece, ...")
NEGATIVE_PROMPT = ""   # the unconditional stream is trained with an empty caption
VISION_WEIGHT = 0.5    # loss weight of vision tokens (paper §2.3)


@dataclass(frozen=True)
class Ids:
    pad: int
    bos: int
    eos: int
    eol: int
    eof: int
    sot: int   # <|image token|>
    sov: int   # <|image start|>
    eov: int   # <|image end|>
    visual0: int
    visual_count: int

    @staticmethod
    def of(tok: Tokenizer) -> "Ids":
        t = tok.token_to_id
        n = sum(1 for k in tok.get_vocab() if k.startswith("<|visual token "))
        return Ids(t("<|endoftext|>"), t("<|extra_203|>"), t("<|extra_204|>"), t("<|extra_200|>"),
                   t("<|extra_201|>"), t("<|image token|>"), t("<|image start|>"), t("<|image end|>"),
                   t("<|visual token 000000|>"), n)


class Builder:
    def __init__(self, tok: Tokenizer):
        self.tok = tok
        self.ids = Ids.of(tok)
        self._cache: dict[str, list[int]] = {}

    def enc(self, text: str) -> list[int]:
        if text not in self._cache:
            self._cache[text] = self.tok.encode(text, add_special_tokens=False).ids
        return self._cache[text]

    def image_rows(self, codes) -> list[int]:
        i = self.ids
        out = []
        for row in codes:
            out += [i.visual0 + int(c) for c in row] + [i.eol]
        return out + [i.eof, i.eov]

    def meta(self, h: int, w: int) -> list[int]:
        return [self.ids.sov] + self.enc(f"{h}*{w}") + [self.ids.sot]

    def image_span(self, codes) -> list[int]:
        return self.meta(len(codes), len(codes[0])) + self.image_rows(codes)

    def generation_prompt(self, caption: str, h: int, w: int) -> list[int]:
        return [self.ids.bos] + self.enc(caption + POSITIVE_SUFFIX if caption else caption) + self.meta(h, w)

    def text_to_image(self, caption: str, codes) -> tuple[list[int], list[float]]:
        """Ids and per-token loss weights (loss on the image rows, EOF, EOV and EOS)."""
        prompt = self.generation_prompt(caption, len(codes), len(codes[0]))
        target = self.image_rows(codes) + [self.ids.eos]
        return prompt + target, [0.0] * len(prompt) + [VISION_WEIGHT] * len(target)

    def understanding_prompt(self, codes, question: str) -> list[int]:
        return [self.ids.bos] + self.enc(SYSTEM) + self.image_span(codes) + self.enc(question + ". ASSISTANT:")

    def image_to_text(self, codes, question: str, answer: str) -> tuple[list[int], list[float]]:
        prompt = self.understanding_prompt(codes, question)
        target = self.enc(answer) + [self.ids.eos]
        return prompt + target, [0.0] * len(prompt) + [1.0] * len(target)

    def image_to_texts(self, codes, qas) -> tuple[list[int], list[float], list[int], list[int]]:
        """Several (question, answer) pairs on one image in one sample: ids, loss weights, segments
        (0 = the shared prefix, k = the k-th question and its answer) and positions. Token i may
        see token j <= i when j is in the prefix or in i's own segment; then each question's
        tokens, positions and losses are exactly those of `image_to_text` for it alone."""
        prefix = [self.ids.bos] + self.enc(SYSTEM) + self.image_span(codes)
        ids, w = list(prefix), [0.0] * len(prefix)
        seg, pos = [0] * len(prefix), list(range(len(prefix)))
        for k, (q, a) in enumerate(qas, start=1):
            ask, target = self.enc(q + ". ASSISTANT:"), self.enc(a) + [self.ids.eos]
            ids += ask + target
            w += [0.0] * len(ask) + [1.0] * len(target)
            seg += [k] * (len(ask) + len(target))
            pos += range(len(prefix), len(prefix) + len(ask) + len(target))
        return ids, w, seg, pos
