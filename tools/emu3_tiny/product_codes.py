"""A trial for vq.py (`--product-codes C,P`): a codebook that is the product of a colour codebook
and a pattern codebook, so that a cell's code says its colours and its pattern separately.

The latent's channels split in two: the first half is quantised by C colour entries, the second
by P pattern entries, each an EMA codebook of its own. Code a*P + p is the row [colour a,
pattern p] of an ordinary C*P-entry codebook (C*P = 1,024 for Emu3's vocabulary), and nearest-row
quantisation over that table is exactly the two nearest halves (squared distances add), so the
architecture and the Swift quantiser are unchanged.

Why: in the plain codebook one object's colour and shape are fused in every cell's code, so a
held-out (shape, colour) pair needs code configurations training never showed (on the shipped
tokenizer, a held-out object's code grid is nearer to another shape of its colour than to its
shape in another colour, in 82% of cases). `invariance` asks the pattern half not to move when
the objects are recoloured (and the background changed), and the colour half not to move when
their shapes change, so the halves mean what they are named for. The Emu3 decoder can then give
the two halves separate rows (backbone.py --factorised-visual): a shape word need only pick
patterns, a colour word colours.
"""
from __future__ import annotations

import random

import numpy as np
import torch
import torch.nn.functional as F

from scenes import BACKGROUNDS, COLOURS, HELD_OUT, SHAPES, Obj, Scene, render


def parse(spec: str) -> tuple[int, int]:
    c, p = (int(v) for v in spec.split(","))
    return c, p


def recoloured(scene: Scene, rng: random.Random) -> Scene:
    """The same shapes, sizes and positions in other colours (never a held-out pair), on a
    background drawn again."""
    objs = []
    for o in scene.objects:
        choices = [c for c in COLOURS if c != o.colour and (o.shape, c) not in HELD_OUT]
        objs.append(Obj(o.shape, rng.choice(choices), o.size, o.position))
    return Scene(tuple(objs), rng.choice(list(BACKGROUNDS)))


def reshaped(scene: Scene, rng: random.Random) -> Scene:
    """The same colours, sizes and positions as other shapes (never a held-out pair, never two
    alike), on the same background."""
    used = {o.shape for o in scene.objects}
    objs = []
    for o in scene.objects:
        choices = [s for s in SHAPES if s not in used and (s, o.colour) not in HELD_OUT]
        s = rng.choice(choices)
        used.add(s)
        objs.append(Obj(s, o.colour, o.size, o.position))
    return Scene(tuple(objs), scene.background)


class ProductCodebook:
    """Two EMA codebooks over the two halves of the latent channels, written into the model's
    flat codebook (`vq.quantize.embedding`) as their product after every update."""

    def __init__(self, vq, colours: int, patterns: int):
        self.vq, self.nc, self.np = vq, colours, patterns
        dim = vq.quantize.embedding.weight.shape[1]
        if colours * patterns != vq.config.codebook_size or dim % 2:
            raise SystemExit(f"--product-codes: {colours}x{patterns} must equal the codebook size "
                             f"{vq.config.codebook_size}, and the code dimension ({dim}) must be even")
        self.half = dim // 2
        self.books = [torch.randn(n, self.half) * 0.1 for n in (colours, patterns)]
        self.sums = [b.clone() for b in self.books]
        self.counts = [torch.ones(n) for n in (colours, patterns)]
        self.usage = [torch.zeros(n) for n in (colours, patterns)]
        self.write()

    def write(self):
        c, p = self.books
        table = torch.cat([c.repeat_interleave(self.np, 0), p.repeat(self.nc, 1)], 1)
        with torch.no_grad():
            self.vq.quantize.embedding.weight.copy_(table)

    def quantize(self, z: torch.Tensor):
        """(indices (B,h,w), quantised (B,C,h,w), per-half indices)."""
        b, c, hh, ww = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, c)
        halves = (flat[:, :self.half], flat[:, self.half:])
        idx = [torch.cdist(x, book).argmin(1) for x, book in zip(halves, self.books)]
        q = torch.cat([self.books[0][idx[0]], self.books[1][idx[1]]], 1)
        code = idx[0] * self.np + idx[1]
        return code.view(b, hh, ww), q.view(b, hh, ww, c).permute(0, 3, 1, 2), (halves, idx)

    def learn(self, halves, idx, step: int, restart: bool):
        """EMA update of both books; dead entries restart at this batch's latents."""
        with torch.no_grad():
            for k, (x, i) in enumerate(zip(halves, idx)):
                n_entries = len(self.books[k])
                onehot = F.one_hot(i, n_entries).float()
                x = x.detach()
                self.counts[k].mul_(0.99).add_(onehot.sum(0), alpha=0.01)
                self.sums[k].mul_(0.99).add_(onehot.t() @ x, alpha=0.01)
                n = self.counts[k].sum()
                count = (self.counts[k] + 1e-5) / (n + n_entries * 1e-5) * n
                self.books[k].copy_(self.sums[k] / count[:, None])
                self.usage[k].add_(onehot.sum(0))
                if step % 100 == 0:
                    dead = (self.usage[k] == 0).nonzero().flatten()
                    if restart and len(dead):
                        pick = x[torch.randint(0, len(x), (len(dead),))]
                        self.books[k][dead] = pick
                        self.sums[k][dead] = pick
                        self.counts[k][dead] = 1.0
                    self.usage[k].zero_()
        self.write()

    def in_use(self) -> tuple[int, int]:
        return tuple(int((c > 1e-3).sum()) for c in self.counts)


def invariance(encode, vq, z: torch.Tensor, scenes: list[Scene], rng: random.Random, step: int, half: int):
    """On even steps the pattern half must match that of the scenes recoloured; on odd steps the
    colour half that of the scenes reshaped (the twins' latents are targets, without gradient).
    Relative to the half's variance."""
    twin = recoloured if step % 2 == 0 else reshaped
    part = slice(half, None) if step % 2 == 0 else slice(0, half)
    x2 = torch.from_numpy(np.stack([render(twin(s, rng)) for s in scenes])).permute(0, 3, 1, 2).float() / 127.5 - 1
    with torch.no_grad():
        z2 = encode(vq, x2)
    a, b = z[:, part], z2[:, part]
    return F.mse_loss(a, b) / a.detach().var().clamp(min=1e-6)
