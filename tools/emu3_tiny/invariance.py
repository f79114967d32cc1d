"""For backbone.py `--invariance LAMBDA` (the recipe: 0.1): a loss that asks the decoder to draw an
object's colour whatever its shape, and its shape whatever its colour, on seen pairs only.

A held-out pair's colour is not pinned by the training data: the decoder learns that a star is
never blue (blue is only ever pushed down after star words) and, between runs or while training
goes on, the held-out pairs' first cell wanders (40% to 85%) while seen pairs stay at 99.9%. Here
each step also reads a few captions twice, up to the first cell of one object: as they are, and
with that object's shape word swapped for another shape that has the object's colour in training
(or its colour word for another colour its shape has in training, never a held-out pair either
way). Both read the same cells before that cell (background, or nothing), so what the decoder
predicts there may differ only where the swapped word should matter: with a shape swapped, the
object colours' logits (centred over the eight colours) must stay the same; with a colour
swapped, the patterns' logits. The loss is the Huber distance between the two, over both.
No held-out pair is ever read, drawn or scored.
"""
from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from first_cell import object_cell, predicting
from scenes import BACKGROUNDS, COLOURS, HELD_OUT, SHAPES, caption
from supervised_codes import code_of


def first_object(scene):
    """The object whose first cell (raster order) comes first, and that cell (row, column)."""
    o = min(scene.objects, key=object_cell)
    return o, object_cell(o)


def pair(builder, rng: random.Random, scene, codes, isolate: float, isolated_words):
    """(ids, swapped ids, seen_from, at, kind, background index): a caption and its image up to the
    first object cell, read at `at` (the token whose prediction is that cell), with one word swapped
    (`kind` "shape": compare colours; "colour": compare patterns); None where no swap is allowed."""
    o, cell = first_object(scene)
    text = caption(scene, rng)
    ids, _ = builder.text_to_image(text, codes)
    at = predicting(builder, text, cell)
    shape_id = builder.enc(" " + o.shape)[0]
    where = ids.index(shape_id)
    shapes = [s for s in SHAPES if all(s != p.shape for p in scene.objects) and (s, o.colour) not in HELD_OUT]
    colours = [k for k in COLOURS if k != o.colour and (o.shape, k) not in HELD_OUT]
    kind = "shape" if rng.random() < 0.5 else "colour"
    swapped = list(ids)
    if kind == "shape" and shapes:
        swapped[where] = builder.enc(" " + rng.choice(shapes))[0]
    elif kind == "colour" and colours and ids[where - 1] == builder.enc(" " + o.colour)[0]:
        swapped[where - 1] = builder.enc(" " + rng.choice(colours))[0]
    else:
        return None
    seen_from = isolated_words(builder, ids) if rng.random() < isolate else list(range(len(ids)))
    keep = at + 1
    return ids[:keep], swapped[:keep], seen_from[:keep], at, kind, list(BACKGROUNDS).index(scene.background)


def loss(factorised, model, pairs, pad: int) -> torch.Tensor:
    """The mean Huber distance between the centred colour logits (shape swapped) or pattern logits
    (colour swapped) that the decoder predicts at `at` for each pair's two readings."""
    rows = [p[0] for p in pairs] + [p[1] for p in pairs]
    seen = [p[2] for p in pairs] * 2
    n = max(len(x) for x in rows)
    ids = torch.full((len(rows), n), pad, dtype=torch.long)
    seen_from = torch.arange(n).repeat(len(rows), 1)
    for i, (x, s) in enumerate(zip(rows, seen)):
        ids[i, :len(x)], seen_from[i, :len(s)] = torch.tensor(x), torch.tensor(s)
    q = torch.arange(n)
    mask = (q[None, :, None] >= q[None, None, :]) & (q[None, :, None] >= seen_from[:, None, :])
    mask |= torch.eye(n, dtype=torch.bool)
    pos = q.repeat(len(rows), 1)
    hidden = factorised.hidden(model, ids, mask[:, None], pos)
    at = torch.tensor([p[3] for p in pairs] * 2)
    h = hidden[torch.arange(len(rows)), at]
    total = []
    colours = torch.arange(len(COLOURS))
    for k, p in enumerate(pairs):
        a, b = h[k], h[k + len(pairs)]
        if p[4] == "shape":
            out = factorised.colour_out[code_of(colours, p[5], 0) // factorised.np]
        else:
            out = factorised.pattern_out
        la, lb = out @ a, out @ b
        total.append(F.huber_loss(la - la.mean(), lb - lb.mean()))
    return torch.stack(total).mean()
