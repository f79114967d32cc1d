"""For vq.py `--supervised-codes`: every cell's code is given by the scene, as a (colour, pattern)
pair, and the tokenizer learns to read and draw those codes.

The scenes allow it. Every object is centred on a corner of the 8x8-pixel code grid, so a cell's
pixels are bg + alpha * (fg - bg), where the alpha patch depends only on the object's shape and
size and on where the cell lies in it: over all shapes, sizes and positions there are 82 distinct
alpha patches (13 shared by more than one shape), and two objects never touch the same cell.
So the code of a cell is exact as
- colour: the pair (object colour or none, background), 9 x 3 = 27, as six channels (the
  object's RGB, the background's where none, then the background's RGB: the decoder maps them
  to pixels almost linearly), and
- pattern: the cell's alpha patch, one of 83 (0 is the empty cell), as fixed points in the
  remaining channels,
with code = colour * 83 + pattern, the row [colour point, pattern point] of an ordinary
2,241-entry codebook (nearest-row quantisation over it is exactly the two nearest halves).

Training (vq.py): the encoder is pulled to each cell's code (`encoder_loss`), and the decoder
draws the scene from the exact codes (teacher forcing), so that it learns to draw what the Emu3
decoder will write. A (shape, colour) pair held out of training is then a seen pattern in a seen
colour, for the tokenizer and for the Emu3 decoder, whose rows can be factorised the same way
(backbone.py --factorised-visual 27,83).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scenes import BACKGROUNDS, COLOURS, POSITIONS, SHAPES, SIZE, SIZES, Scene, coverage

GRID = 8
CELL = SIZE // GRID


def _cells(a: np.ndarray) -> np.ndarray:
    """(64, 64) → (8, 8, 8, 8): cell row, cell column, then the cell's pixels."""
    return a.reshape(GRID, CELL, GRID, CELL).transpose(0, 2, 1, 3)


def _pattern_table():
    """Pattern ids of every (shape, size, position): (8, 8) int arrays, 0 where the object is absent;
    and the number of patterns (with the empty one)."""
    ids: dict[bytes, int] = {}
    grids = {}
    for s in SHAPES:
        for z in SIZES:
            for p in POSITIONS:
                cells = _cells(coverage(s, z, p))
                g = np.zeros((GRID, GRID), np.int64)
                for i in range(GRID):
                    for j in range(GRID):
                        if cells[i, j].max() > 0:
                            g[i, j] = ids.setdefault(cells[i, j].tobytes(), len(ids) + 1)
                grids[s, z, p] = g
    return grids, len(ids) + 1


PATTERN_GRIDS, PATTERNS = _pattern_table()
COLOUR_PAIRS = (len(COLOURS) + 1) * len(BACKGROUNDS)
COLOUR_DIM = 6


def code_of(fg, bg, pattern):
    """A cell's code from its object colour (index into COLOURS; len(COLOURS) = none), background
    (index into BACKGROUNDS) and pattern: colour pair (fg * 3 + bg) * PATTERNS + pattern. Ints,
    arrays or tensors."""
    return (fg * len(BACKGROUNDS) + bg) * PATTERNS + pattern


def code_parts(code):
    """(fg, bg, pattern) of a code: the inverse of `code_of`."""
    pair, pattern = code // PATTERNS, code % PATTERNS
    return pair // len(BACKGROUNDS), pair % len(BACKGROUNDS), pattern


def colour_points() -> torch.Tensor:
    """(27, 6): pair k = fg * 3 + bg (fg 8 = none) as the object's RGB and the background's, in [-1, 1]."""
    rgb = lambda table: torch.tensor(list(table.values()), dtype=torch.float32) / 127.5 - 1  # noqa: E731
    fg = torch.arange(COLOUR_PAIRS) // len(BACKGROUNDS)
    bg = torch.arange(COLOUR_PAIRS) % len(BACKGROUNDS)
    back = rgb(BACKGROUNDS)[bg]
    front = torch.cat([rgb(COLOURS), torch.zeros(1, 3)])[fg]
    front = torch.where((fg == len(COLOURS))[:, None], back, front)
    return torch.cat([front, back], 1)


def pattern_points(dim: int, seed: int = 0) -> torch.Tensor:
    """(83, dim): the empty cell at the origin, the others spread on a sphere of radius 1.5 (a fixed
    draw, pushed apart by a few repulsion steps so that no two are close)."""
    g = torch.Generator().manual_seed(seed)
    p = F.normalize(torch.randn(PATTERNS - 1, dim, generator=g), dim=1)
    for _ in range(300):
        d = torch.cdist(p, p) + torch.eye(len(p)) * 10
        push = ((p[:, None] - p[None]) / d[..., None] ** 3).sum(1)
        p = F.normalize(p + 0.01 * push, dim=1)
    return torch.cat([torch.zeros(1, dim), p * 1.5])


def cell_codes(scenes: list[Scene]) -> torch.Tensor:
    """(B, 8, 8) code of every cell: colour pair * PATTERNS + pattern."""
    fgs, bgs = list(COLOURS), list(BACKGROUNDS)
    out = np.zeros((len(scenes), GRID, GRID), np.int64)
    for k, sc in enumerate(scenes):
        fg = np.full((GRID, GRID), len(fgs))
        pattern = np.zeros((GRID, GRID), np.int64)
        for o in sc.objects:
            g = PATTERN_GRIDS[o.shape, o.size, o.position]
            fg[g > 0] = fgs.index(o.colour)
            pattern = np.where(g > 0, g, pattern)
        out[k] = code_of(fg, bgs.index(sc.background), pattern)
    return torch.from_numpy(out)


def with_empty_scenes(scenes: list[Scene], rng, share: float) -> list[Scene]:
    """For vq.py --empty-scenes SHARE: the batch with each scene's objects dropped with probability
    `share`. The scene generator never draws an empty scene, and a tokenizer trained without them
    (the recipe's) reads a flat gray image as a flat brown one."""
    return [Scene((), s.background) if rng.random() < share else s for s in scenes]


class SupervisedCodebook:
    """The fixed codebook [colour point, pattern point] for every (colour pair, pattern), written
    into the tokenizer's embedding table."""

    def __init__(self, vq):
        dim = vq.quantize.embedding.weight.shape[1]
        size = vq.config.codebook_size
        if size != COLOUR_PAIRS * PATTERNS or dim <= COLOUR_DIM:
            raise SystemExit(f"--supervised-codes needs --codebook {COLOUR_PAIRS * PATTERNS} "
                             f"({COLOUR_PAIRS} colour pairs x {PATTERNS} patterns) and --code-dim above {COLOUR_DIM}")
        colour, pattern = colour_points(), pattern_points(dim - COLOUR_DIM)
        self.table = torch.cat([colour.repeat_interleave(PATTERNS, 0), pattern.repeat(COLOUR_PAIRS, 1)], 1)
        with torch.no_grad():
            vq.quantize.embedding.weight.copy_(self.table)

    def codes(self, code: torch.Tensor) -> torch.Tensor:
        """(B, h, w) codes → their quantised latents (B, C, h, w)."""
        return self.table[code].permute(0, 3, 1, 2)

    def encoder_loss(self, z: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        """Squared distance of each cell's latent to its code's point, over the code's channels."""
        return F.mse_loss(z, self.codes(code))
