"""Goldens for the Swift tests of the shipped emu3-tiny, made by transformers' modules from the
exported files: fixed scenes as PNG, their VQ codes, greedy answers to questions about them,
and greedy (top-k 1) generations with CFG decoded to pixels.

Usage: make_goldens.py MODEL_DIR OUT_DIR
"""
from __future__ import annotations

import json
import os
import random
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from evaluate import Tiny  # noqa: E402
from scenes import Obj, Scene, caption, random_scene, render  # noqa: E402

SCENES = [
    Scene((Obj("circle", "red", "large", "left"),), "black"),
    Scene((Obj("star", "yellow", "large", "centre"),), "gray"),
    Scene((Obj("square", "blue", "small", "top"), Obj("triangle", "white", "large", "bottom")), "brown"),
]
QUESTIONS = ["How many objects are there?", "What colour is the background?", "Describe the image."]
PROMPTS = ["a red circle on the left", "a large yellow star in the centre on a gray background"]


def main():
    model, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    t = Tiny(model)
    rng = random.Random(11)
    scenes = SCENES + [random_scene(rng, held_out=True) for _ in range(3)]
    cases = []
    images = np.stack([render(s) for s in scenes])
    codes = t.encode(images)
    for i, (s, img) in enumerate(zip(scenes, images)):
        name = f"scene-{i}.png"
        Image.fromarray(img).save(os.path.join(out, name))
        qs = QUESTIONS + [f"What colour is the {s.objects[0].shape}?"]
        answers = t.answer([codes[i]] * len(qs), qs)
        cases.append({"png": name, "caption": caption(s), "codes": codes[i].flatten().tolist(),
                      "questions": [{"question": q, "answer": a} for q, a in zip(qs, answers)]})
    cfg = 3.0  # the CFG path, whatever the model's default
    gens = []
    for j, p in enumerate(PROMPTS):
        img = t.generate_images([p], seed=0, cfg=cfg, top_k=1)[0]
        name = f"generated-{j}.png"
        Image.fromarray(img).save(os.path.join(out, name))
        gens.append({"prompt": p, "cfg": cfg, "top_k": 1, "png": name})
    with open(os.path.join(out, "goldens.json"), "w") as f:
        json.dump({"made_by": "tools/emu3_tiny/make_goldens.py (transformers, float32)", "images": cases,
                   "generations": gens}, f, indent=1)
    print(f"goldens: {len(cases)} images, {len(gens)} generations in {out}")


if __name__ == "__main__":
    main()
