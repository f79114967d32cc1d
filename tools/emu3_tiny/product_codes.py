"""A trial for vq.py (`--product-codes C,P`): a codebook that is the product of a colour codebook
and a pattern codebook, so that a cell's code says its colours and its pattern separately.

The latent channels split in two: the colour half (2 of 4 channels, or 6 of 8 or 10) is
quantised by C colour entries, the rest by P pattern entries. Code a*P + p is the row
[colour a, pattern p] of an ordinary C*P-entry codebook (C*P = 1,024 for emu3-tiny's vocabulary),
and nearest-row quantisation over that table is exactly the two nearest halves (squared distances
add), so the architecture and the Swift quantiser are unchanged.

Why: in the plain codebook one object's colour and shape are fused in every cell's code, so a
held-out (shape, colour) pair needs code configurations training never showed (on the shipped
tokenizer, a held-out object's code grid is nearer to another shape of its colour than to its
shape in another colour in 82% of cases). Here the colour half is supervised (ProductCodebook)
and the pattern half is held still under recolouring (`invariance`). The Emu3 decoder can then
give the two halves separate rows (backbone.py --factorised-visual): a shape word need only pick
patterns, a colour word colours.

A first version left both halves to learn (EMA books of 32 each) with invariance losses against
recoloured and reshaped twins: 24.7 dB after the first stage, 26.2 after the decoder stage, 51%
of round trips read back, and the halves did not take their meaning (the pattern half kept its
index under recolouring in 37% of the cells around an object, under reshaping in 38%).
With 4-channel codes the colour half is two channels, the 27 pairs on a grid: at supervision
weight 1 the encoder put only 10% of object cells on their pair (19.6 dB); at weight 10 (and
dead pattern entries restarted all through) 93%, but the decoder drew every object grey or
white (20.1 dB, 5.5% of round trips read back): it did not learn to map the packed points to
colours. So `vq.py --code-dim 10` gives the colour half six channels, the object's RGB and the
background's, which the decoder can pass to the pixels almost linearly.
That third version draws the colours (98.4% of round trips read back with the right colours) and
its codes are the most local measured (32 x 32 entries: 2.3 codes in an empty scene, 4.5 changed
away from an object), but it stays at 25.4 dB with only 30.5% of round trips read back exactly:
small objects come back as round blobs of the right colour, and one large circle as a ring. Four
times the pattern entries (`vq.py --codebook 4096 --product-codes 32,128`, with `vocab.py
--visual 4096`) gave the same (25.3 dB, 29.3%) with less local codes (22.2 changed away). So the
pattern half, learned by EMA under the invariance loss, does not hold a small shape's quarter
masks; none of the three versions can ship.
"""
from __future__ import annotations

import random

import numpy as np
import torch
import torch.nn.functional as F

from scenes import BACKGROUNDS, COLOURS, HELD_OUT, Obj, Scene, render


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


FAR = 1000.0   # colour entries past the 27 (fg or none) x background pairs: never chosen


def cell_targets(scenes: list[Scene], grid: int = 8):
    """Per scene and code cell: the colour pair (fg colour or none, background) as an index into
    the colour book, and whether an object covers any pixel of the cell. (B,h,w) each."""
    from detector import _mask
    fgs, bgs = list(COLOURS), list(BACKGROUNDS)
    colour = np.zeros((len(scenes), grid, grid), np.int64)
    busy = np.zeros((len(scenes), grid, grid), bool)
    for k, sc in enumerate(scenes):
        fg = np.full((grid, grid), len(fgs))
        for o in sc.objects:
            m = _mask(o.shape, o.size, o.position)
            cells = m.reshape(grid, m.shape[0] // grid, grid, m.shape[1] // grid).any(axis=(1, 3))
            fg[cells] = fgs.index(o.colour)
            busy[k] |= cells
        colour[k] = fg * len(bgs) + bgs.index(sc.background)
    return torch.from_numpy(colour), torch.from_numpy(busy)


class ProductCodebook:
    """The colour half is told what to say: each cell's latent is pulled to a fixed point for its
    colour pair (its object's colour or none, and the background; 9 x 3 = 27 points on a grid, the
    rest of the colour book unreachable). The pattern half is learned, but cells no object touches
    are pulled to pattern 0 (the origin, fixed), and on object cells it must not move when the
    objects are recoloured (`invariance`). So a cell away from every object always gets the same
    code for its background, and an object's code grid is its shape's patterns with its colour."""

    def __init__(self, vq, colours: int, patterns: int):
        self.vq, self.nc, self.np = vq, colours, patterns
        dim = vq.quantize.embedding.weight.shape[1]
        pairs = (len(COLOURS) + 1) * len(BACKGROUNDS)
        if colours * patterns != vq.config.codebook_size or dim not in (4, 8, 10) or colours < pairs:
            raise SystemExit(f"--product-codes: {colours}x{patterns} must equal the codebook size "
                             f"{vq.config.codebook_size}, with at least {pairs} colours and codes of 4, 8 or 10 dimensions")
        fg = torch.arange(pairs) // len(BACKGROUNDS)
        bg = torch.arange(pairs) % len(BACKGROUNDS)
        if dim == 4:      # two colour dimensions: the pairs on a 9 x 3 grid
            self.half = 2
            points = torch.stack([fg.float() - 4, (bg.float() - 1) * 2], 1) * 0.5
        else:             # six: the object's RGB (the background's where none) and the background's
            self.half = 6
            rgb = lambda table: torch.tensor(list(table.values()), dtype=torch.float32) / 127.5 - 1  # noqa: E731
            back = rgb(BACKGROUNDS)[bg]
            front = torch.cat([rgb(COLOURS), torch.zeros(1, 3)])[fg]
            front = torch.where((fg == len(COLOURS))[:, None], back, front)
            points = torch.cat([front, back], 1)
        self.colour = torch.full((colours, self.half), FAR)
        self.colour[:pairs] = points
        self.pattern = torch.randn(patterns, dim - self.half) * 0.5
        self.pattern[0] = 0
        self.sums = self.pattern.clone()
        self.counts = torch.ones(patterns)
        self.usage = torch.zeros(patterns)
        self.write()

    def write(self):
        table = torch.cat([self.colour.repeat_interleave(self.np, 0), self.pattern.repeat(self.nc, 1)], 1)
        with torch.no_grad():
            self.vq.quantize.embedding.weight.copy_(table)

    def quantize(self, z: torch.Tensor):
        """(indices (B,h,w), quantised (B,C,h,w), pattern-half latents and indices, flat)."""
        b, c, hh, ww = z.shape
        flat = z.permute(0, 2, 3, 1).reshape(-1, c)
        ci = torch.cdist(flat[:, :self.half].detach(), self.colour).argmin(1)
        pi = torch.cdist(flat[:, self.half:].detach(), self.pattern).argmin(1)
        q = torch.cat([self.colour[ci], self.pattern[pi]], 1)
        code = ci * self.np + pi
        return code.view(b, hh, ww), q.view(b, hh, ww, c).permute(0, 3, 1, 2), (flat[:, self.half:], pi)

    def supervision(self, z: torch.Tensor, colour: torch.Tensor, busy: torch.Tensor) -> torch.Tensor:
        """The colour half at its pair's point; the pattern half of untouched cells at the origin."""
        zc = z[:, :self.half].permute(0, 2, 3, 1)
        zp = z[:, self.half:].permute(0, 2, 3, 1)
        loss = F.mse_loss(zc, self.colour[colour])
        if (~busy).any():
            loss = loss + F.mse_loss(zp[~busy], torch.zeros_like(zp[~busy]))
        return loss

    def learn(self, x, i, busy: torch.Tensor, step: int, restart: bool):
        """EMA update of the pattern entries but 0, from object cells; dead ones restart there."""
        keep = busy.flatten()
        x, i = x.detach()[keep], i[keep]
        with torch.no_grad():
            onehot = F.one_hot(i, self.np).float()
            self.counts.mul_(0.99).add_(onehot.sum(0), alpha=0.01)
            self.sums.mul_(0.99).add_(onehot.t() @ x, alpha=0.01)
            n = self.counts.sum()
            count = (self.counts + 1e-5) / (n + self.np * 1e-5) * n
            self.pattern[1:] = (self.sums / count[:, None])[1:]
            self.usage.add_(onehot.sum(0))
            if step % 100 == 0:
                dead = (self.usage == 0).nonzero().flatten()
                dead = dead[dead > 0]
                if restart and len(dead) and len(x):
                    pick = x[torch.randint(0, len(x), (len(dead),))]
                    self.pattern[dead] = pick
                    self.sums[dead] = pick
                    self.counts[dead] = 1.0
                self.usage.zero_()
        self.write()

    def in_use(self) -> int:
        return int((self.counts > 1e-3).sum())


def invariance(encode, vq, z: torch.Tensor, scenes: list[Scene], busy: torch.Tensor, rng: random.Random,
              half: int):
    """The pattern half of object cells must match that of the same scenes recoloured (their
    latents are targets, without gradient), relative to its variance there."""
    x2 = torch.from_numpy(np.stack([render(recoloured(s, rng)) for s in scenes])).permute(0, 3, 1, 2).float()
    with torch.no_grad():
        z2 = encode(vq, x2 / 127.5 - 1)
    a = z[:, half:].permute(0, 2, 3, 1)[busy]
    b = z2[:, half:].permute(0, 2, 3, 1)[busy]
    if not len(a):
        return z.sum() * 0.0
    return F.mse_loss(a, b) / a.detach().var().clamp(min=1e-6)
