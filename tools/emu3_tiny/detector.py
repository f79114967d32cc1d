"""Reads objects back from a 64x64 scene: background, then each object's colour, position,
size and shape (template matching against the generator's own renders). Exact on clean renders.
"""
from __future__ import annotations

import numpy as np

from scenes import BACKGROUNDS, COLOURS, POSITIONS, SHAPES, SIZES, Obj, Scene, coverage

_BG = {k: np.array(v, np.float32) for k, v in BACKGROUNDS.items()}
_FG = {k: np.array(v, np.float32) for k, v in COLOURS.items()}
_MASKS: dict[tuple[str, str, str], np.ndarray] = {}


def _mask(shape: str, size: str, position: str) -> np.ndarray:
    key = (shape, size, position)
    if key not in _MASKS:
        _MASKS[key] = coverage(shape, size, position).astype(np.float32) / 255.0 > 0.5
    return _MASKS[key]


def _nearest(table: dict[str, np.ndarray], rgb: np.ndarray) -> str:
    return min(table, key=lambda k: float(((table[k] - rgb) ** 2).sum()))


def detect(image: np.ndarray, max_objects: int = 2) -> Scene:
    """The scene an image shows: background from the border, then objects greedily by the
    (shape, size, position) template that best explains the foreground pixels."""
    img = np.asarray(image, np.float32)[..., :3]
    border = np.concatenate([img[0], img[-1], img[:, 0], img[:, -1]])
    background = _nearest(_BG, np.median(border, axis=0))
    fg = np.sqrt(((img - _BG[background]) ** 2).sum(-1)) > 60.0
    objects: list[Obj] = []
    used_positions: set[str] = set()
    remaining = fg.copy()
    for _ in range(max_objects):
        if remaining.sum() < 12:
            break
        best = None
        for position in POSITIONS:
            if position in used_positions:
                continue
            for size in SIZES:
                for shape in SHAPES:
                    m = _mask(shape, size, position)
                    inter = float((m & remaining).sum())
                    union = float((m | remaining).sum())
                    # IoU against the remaining foreground, restricted to this template's window
                    cx, cy = POSITIONS[position]
                    win = np.zeros_like(m)
                    rr = int(SIZES["large"]) + 3
                    win[max(cy - rr, 0):cy + rr + 1, max(cx - rr, 0):cx + rr + 1] = True
                    local = remaining & win
                    union = float((m | local).sum())
                    score = inter / union if union else 0.0
                    if best is None or score > best[0]:
                        best = (score, shape, size, position, m)
        if best is None or best[0] < 0.3:
            break
        _, shape, size, position, m = best
        pix = img[m & fg]
        colour = _nearest(_FG, np.median(pix, axis=0)) if len(pix) else "white"
        objects.append(Obj(shape, colour, size, position))
        used_positions.add(position)
        # drop the template grown by one pixel, so its anti-aliased rim does not count twice
        grown = m.copy()
        grown[1:] |= m[:-1]; grown[:-1] |= m[1:]; grown[:, 1:] |= m[:, :-1]; grown[:, :-1] |= m[:, 1:]
        remaining &= ~grown
    return Scene(tuple(objects), background)


def check(scene: Scene, found: Scene) -> dict[str, bool]:
    """Per-attribute agreement of a prompted single-object scene with what was detected."""
    want = scene.objects[0]
    got = next((o for o in found.objects if o.shape == want.shape), found.objects[0] if found.objects else None)
    if got is None:
        return {"shape": False, "colour": False, "position": False, "size": False, "background": False,
                "all": False}
    r = {"shape": got.shape == want.shape, "colour": got.colour == want.colour,
         "position": got.position == want.position, "size": got.size == want.size,
         "background": found.background == scene.background}
    r["all"] = r["shape"] and r["colour"] and r["position"]
    return r
