"""Seeded synthetic scenes for emu3-tiny: 64x64 images of one or two flat shapes.

Every scene is a list of objects (shape, colour, size, position) on a background colour.
It renders with 4x supersampling (anti-aliased edges), and comes with a caption and
question/answer pairs. Some (shape, colour) pairs are held out of training entirely, to
measure generalisation (`is_held_out`).
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw

SIZE = 64
SUPER = 4

SHAPES = ["circle", "square", "triangle", "star", "ring", "cross"]
COLOURS = {
    "red": (230, 30, 30),
    "green": (30, 190, 40),
    "blue": (40, 70, 235),
    "yellow": (245, 225, 30),
    "purple": (150, 50, 210),
    "cyan": (30, 220, 225),
    "orange": (250, 140, 20),
    "white": (250, 250, 250),
}
BACKGROUNDS = {"black": (0, 0, 0), "gray": (120, 120, 120), "brown": (100, 60, 30)}
SIZES = {"small": 7.0, "large": 12.0}          # radius in pixels
POSITIONS = {                                   # centre in pixels
    "left": (16, 32), "right": (48, 32), "top": (32, 16), "bottom": (32, 48), "centre": (32, 32),
}
PHRASE = {"left": "on the left", "right": "on the right", "top": "at the top",
          "bottom": "at the bottom", "centre": "in the centre"}
PAIRS = [("left", "right"), ("top", "bottom")]
NUMBERS = {1: "one", 2: "two"}

# One held-out colour per shape: these (shape, colour) pairs never appear in training.
HELD_OUT = {(s, list(COLOURS)[(i * 3 + 1) % len(COLOURS)]) for i, s in enumerate(SHAPES)}


@dataclass(frozen=True)
class Obj:
    shape: str
    colour: str
    size: str
    position: str


@dataclass(frozen=True)
class Scene:
    objects: tuple[Obj, ...]
    background: str


def is_held_out(scene: Scene) -> bool:
    return any((o.shape, o.colour) in HELD_OUT for o in scene.objects)


def _polygon(cx, cy, r, n, inner=None, rot=-math.pi / 2):
    pts = []
    for k in range(n * (2 if inner else 1)):
        a = rot + k * math.pi * (1 if inner else 2) / n
        rr = (inner if inner and k % 2 else r)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def draw_shape(d: ImageDraw.ImageDraw, shape: str, cx: float, cy: float, r: float, fill):
    """Draws one shape at super-sampled coordinates."""
    if shape == "circle":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
    elif shape == "square":
        s = r * 0.85
        d.rectangle([cx - s, cy - s, cx + s, cy + s], fill=fill)
    elif shape == "triangle":
        d.polygon(_polygon(cx, cy + r * 0.15, r * 1.05, 3), fill=fill)
    elif shape == "star":
        d.polygon(_polygon(cx, cy, r * 1.05, 5, inner=r * 0.45), fill=fill)
    elif shape == "ring":
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=fill)
        ri = r * 0.5
        d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=None, outline=None)
    elif shape == "cross":
        w = r * 0.38
        d.rectangle([cx - r, cy - w, cx + r, cy + w], fill=fill)
        d.rectangle([cx - w, cy - r, cx + w, cy + r], fill=fill)
    else:
        raise ValueError(shape)


def coverage(shape: str, size: str, position: str) -> np.ndarray:
    """How much of each pixel one object covers, (64, 64) uint8 (0..255), with render's
    supersampling: the detector's templates and the supervised codes' patterns."""
    big = Image.new("L", (SIZE * SUPER, SIZE * SUPER), 0)
    d = ImageDraw.Draw(big)
    cx, cy = POSITIONS[position]
    r = SIZES[size] * SUPER
    cx, cy = (cx + 0.5) * SUPER - 0.5, (cy + 0.5) * SUPER - 0.5
    draw_shape(d, shape, cx, cy, r, 255)
    if shape == "ring":
        ri = r * 0.5
        d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=0)
    return np.asarray(big.resize((SIZE, SIZE), Image.BOX), np.uint8)


def render(scene: Scene) -> np.ndarray:
    """The scene as a (64, 64, 3) uint8 array."""
    big = Image.new("RGB", (SIZE * SUPER, SIZE * SUPER), BACKGROUNDS[scene.background])
    d = ImageDraw.Draw(big)
    bg = BACKGROUNDS[scene.background]
    for o in scene.objects:
        cx, cy = POSITIONS[o.position]
        r = SIZES[o.size] * SUPER
        cx, cy = (cx + 0.5) * SUPER - 0.5, (cy + 0.5) * SUPER - 0.5
        draw_shape(d, o.shape, cx, cy, r, COLOURS[o.colour])
        if o.shape == "ring":
            ri = r * 0.5
            d.ellipse([cx - ri, cy - ri, cx + ri, cy + ri], fill=bg)
    return np.asarray(big.resize((SIZE, SIZE), Image.BOX), dtype=np.uint8)


def random_scene(rng: random.Random, held_out: bool | None = False) -> Scene:
    """A random scene; held_out=False never uses a held-out pair, True always does, None either."""
    while True:
        background = rng.choice(list(BACKGROUNDS))
        n = 1 if rng.random() < 0.6 else 2
        positions = [rng.choice(list(POSITIONS))] if n == 1 else list(rng.choice(PAIRS))
        shapes = rng.sample(SHAPES, n)
        objs = tuple(Obj(s, rng.choice(list(COLOURS)), rng.choice(list(SIZES)), p) for s, p in zip(shapes, positions))
        scene = Scene(objs, background)
        if held_out is None or is_held_out(scene) == held_out:
            return scene


def describe(o: Obj, size: bool = True, colour: bool = True, shape: bool = True) -> str:
    words = [o.size] * size + [o.colour] * colour + [o.shape if shape else "shape"]
    return f"a {' '.join(words)} {PHRASE[o.position]}"


def caption(scene: Scene, rng: random.Random | None = None, factor: float = 0.0,
            drops: tuple[str, ...] = ("colour", "shape"), report: list | None = None) -> str:
    """The full caption, or (with rng) a variant that may leave out sizes or the background, and
    (with probability `factor` per object) the object's colour or its shape ("a red shape", "a
    star"; one of `drops`), so that a shape's words must draw it in any colour and a colour's in
    any shape. `report`, if given, gets what was left out of each object (None, "colour" or "shape")."""
    with_size = True if rng is None else rng.random() < 0.5
    with_bg = True if rng is None else rng.random() < 0.5
    parts = []
    for o in scene.objects:
        drop = None if rng is None or factor <= 0 or rng.random() >= factor else rng.choice(drops)
        parts.append(describe(o, with_size, colour=drop != "colour", shape=drop != "shape"))
        if report is not None:
            report.append(drop)
    text = " and ".join(parts)
    if with_bg:
        text += f" on a {scene.background} background"
    return text


def questions(scene: Scene) -> list[tuple[str, str]]:
    """(question, answer) pairs about the scene; answers are one word except the caption."""
    qa = [("How many objects are there?", NUMBERS[len(scene.objects)]),
          ("What colour is the background?", scene.background),
          ("Describe the image.", caption(scene))]
    for o in scene.objects:
        qa += [(f"What colour is the {o.shape}?", o.colour),
               (f"Where is the {o.shape}?", o.position),
               (f"How big is the {o.shape}?", o.size),
               (f"What shape is {PHRASE[o.position]}?", o.shape)]
    return qa


def prompt_scene(rng: random.Random, held_out: bool) -> tuple[Scene, str]:
    """A single-object evaluation prompt and its scene (background and size named)."""
    s = random_scene(rng, held_out)
    s = Scene(s.objects[:1], s.background)
    if held_out and not is_held_out(s):
        return prompt_scene(rng, held_out)
    return s, caption(s)
