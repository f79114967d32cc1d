"""How the decoder draws an object's colour from the prompt, measured where it is decided: the
first cell of the object (in raster order), teacher-forced on the scene's own codes, for every
single-object scene of a held-out (shape, colour) pair and of the seen pairs. The figure is the
probability the decoder gives the prompted colour there (summed over every code with that object
colour). It bounds the colour drawn, not predicts it: the later cells can lose the colour the first
got (a trial measured 74% here and the prompted colour in 40% of its sampled held-out images).

`attention` tells which caption word the first cell's prediction reads in each layer's heads: the
colour word itself, or a word that has seen the colour and the shape together (the shape word),
which for a held-out pair it never has. It switches the decoder to eager attention (sdpa returns
no attention weights).

Usage: first_cell.py MODEL_DIR      (prints measure()'s figures as JSON)
"""
from __future__ import annotations

import itertools

import numpy as np
import torch
from scenes import BACKGROUNDS, COLOURS, HELD_OUT, POSITIONS, SHAPES, SIZES, Obj, Scene, caption, render
from supervised_codes import COLOUR_PAIRS, GRID, PATTERN_GRIDS, PATTERNS, code_parts

OBJECT_COLOUR = code_parts(torch.arange(COLOUR_PAIRS * PATTERNS))[0]   # each code's object colour (index into COLOURS)


def scenes(held_out: bool) -> list[Scene]:
    """Every single-object scene of the held-out pairs, or of the seen pairs (one background each,
    in turn, to keep the count near the held-out one's)."""
    if held_out:
        return [Scene((Obj(s, c, z, p),), bg) for (s, c), z, p, bg in
                itertools.product(sorted(HELD_OUT), SIZES, POSITIONS, BACKGROUNDS)]
    seen = [(s, c) for s in SHAPES for c in COLOURS if (s, c) not in HELD_OUT]
    bgs = itertools.cycle(BACKGROUNDS)
    return [Scene((Obj(s, c, z, p),), next(bgs)) for (s, c), z, p in itertools.product(seen, SIZES, POSITIONS)]


def object_cell(o) -> tuple[int, int]:
    """The object's first cell in raster order: (row, column) on the code grid."""
    r, c = (int(v[0]) for v in np.nonzero(PATTERN_GRIDS[o.shape, o.size, o.position]))
    return r, c


def predicting(builder, text: str, cell: tuple[int, int]) -> int:
    """The index, in a text-to-image sequence of `text`, of the token whose prediction is `cell`'s
    code (each code row is GRID codes and an end of line)."""
    r, c = cell
    return len(builder.generation_prompt(text, GRID, GRID)) + r * (GRID + 1) + c - 1


@torch.no_grad()
def first_cell_colour(t, scene: Scene, codes: np.ndarray, attention: bool = False):
    """The probability of the prompted colour at the object's first cell (the scene's `codes`
    teacher-forced), and (with `attention`) per layer the (heads, caption tokens) attention of that
    prediction over the caption."""
    ids = t.b.ids
    if attention:
        t.text.set_attn_implementation("eager")
    o = scene.objects[0]
    text = caption(scene)
    seq, _ = t.b.text_to_image(text, codes)
    at = predicting(t.b, text, object_cell(o))
    out = t.text(input_ids=torch.tensor([seq]), output_attentions=attention)
    logits = torch.log_softmax(t.head(out.last_hidden_state[0, at]).float(), -1)[ids.visual0:]
    p = float(torch.logsumexp(logits[OBJECT_COLOUR[:len(logits)] == list(COLOURS).index(o.colour)], 0).exp())
    if not attention:
        return p, None
    words = len(t.b.enc(text))
    return p, [a[0, :, at, 1:1 + words].numpy() for a in out.attentions]


def measure(t) -> dict:
    """The mean probability of the prompted colour at the first cell, held-out and seen, and by
    held-out pair and by the held-out object's position."""
    def run(group):
        codes = t.encode(np.stack([render(s) for s in group]))
        return [first_cell_colour(t, s, c)[0] for s, c in zip(group, codes)]
    held_scenes = scenes(True)
    held, seen = run(held_scenes), run(scenes(False))
    per = len(held) // len(HELD_OUT)
    by_pair = {f"{c} {s}": round(float(np.mean(held[k * per:(k + 1) * per])), 3)
               for k, (s, c) in enumerate(sorted(HELD_OUT))}
    by_position = {p: round(float(np.mean([v for v, s in zip(held, held_scenes) if s.objects[0].position == p])), 3)
                   for p in POSITIONS}
    return {"heldout": round(float(np.mean(held)), 3), "seen": round(float(np.mean(seen)), 3),
            "heldout_scenes": len(held), "seen_scenes": len(seen), "heldout_by_pair": by_pair,
            "heldout_by_position": by_position}


if __name__ == "__main__":   # first_cell.py MODEL_DIR: the figures of measure() as JSON
    import json
    import os
    import sys

    from evaluate import Tiny
    if len(sys.argv) != 2:
        sys.exit("usage: first_cell.py MODEL_DIR (an export.py output)")
    torch.set_num_threads(int(os.environ.get("EMU3_TINY_THREADS", "2")))
    print(json.dumps(measure(Tiny(sys.argv[1]))))
