"""Which part of the vision tokenizer's encoder makes one object change codes far from it?

A diagnostic, not a recipe: it runs a trained tokenizer's encoder on every single-object scene
and on the empty scene of the same background, and counts the codes that change outside the 4×4
cells around the object, in four variants of the forward pass:

- as trained;
- every GroupNorm of the encoder normalising with the statistics it had on the empty scene (so
  the object cannot move the normalisation of the whole image);
- the middle block's attention left out (its residual branch set to zero);
- both.

The variants are not the Emu3 architecture and are never shipped; they only tell which global
operation carries the object's influence across the image. Also printed: how far the latents
move outside those cells, as a share of their spread over all scenes.

Usage: locality_probe.py MODEL_OR_VQ_DIR [--json out.json]
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenes import BACKGROUNDS, COLOURS, POSITIONS, SHAPES, SIZES, Obj, Scene, render  # noqa: E402
from transformers import Emu3ForConditionalGeneration, Emu3VQVAE  # noqa: E402
from vq import encode_latent, quantize, to_pixels  # noqa: E402


def load_vq(path: str) -> Emu3VQVAE:
    """A bare vq.py output folder or a whole emu3-tiny model directory."""
    with open(os.path.join(path, "config.json")) as f:
        if "vq_config" in json.load(f):
            return Emu3ForConditionalGeneration.from_pretrained(path, dtype=torch.float32).model.vqmodel.eval()
    return Emu3VQVAE.from_pretrained(path).eval()


class FrozenGroupNorms:
    """Replaces the encoder's GroupNorm statistics by recorded ones (per module, per group)."""

    def __init__(self, encoder: torch.nn.Module):
        self.norms = [m for m in encoder.modules() if isinstance(m, torch.nn.GroupNorm)]
        self.stats: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}
        self.mode = "off"

    def _forward(self, m: torch.nn.GroupNorm, x: torch.Tensor) -> torch.Tensor:
        g = x.reshape(x.shape[0], m.num_groups, -1)
        if self.mode == "record":
            self.stats[id(m)] = (g.mean(-1, keepdim=True), g.var(-1, unbiased=False, keepdim=True))
        if self.mode == "apply":
            mean, var = self.stats[id(m)]
        else:
            mean, var = g.mean(-1, keepdim=True), g.var(-1, unbiased=False, keepdim=True)
        y = ((g - mean) / torch.sqrt(var + m.eps)).reshape(x.shape)
        shape = (1, -1) + (1,) * (x.dim() - 2)
        return y * m.weight.reshape(shape) + m.bias.reshape(shape)

    @contextlib.contextmanager
    def installed(self):
        saved = [m.forward for m in self.norms]
        for m in self.norms:
            m.forward = (lambda mod: (lambda x, *_, **__: self._forward(mod, x)))(m)
        try:
            yield self
        finally:
            for m, f in zip(self.norms, saved):
                m.forward = f


@contextlib.contextmanager
def without_middle_attention(vq: Emu3VQVAE):
    attn = vq.encoder.middle_block.attn_1
    saved = attn.forward
    attn.forward = lambda x, *a, **k: (torch.zeros_like(x), None)
    try:
        yield
    finally:
        attn.forward = saved


def near_windows() -> dict[str, np.ndarray]:
    """Per position: the 4×4 code cells around an object there (evaluate.py's locality uses them too)."""
    near = {}
    for pos, (cx, cy) in POSITIONS.items():
        win = np.zeros((8, 8), bool)
        win[max(cy // 8 - 2, 0):cy // 8 + 2, max(cx // 8 - 2, 0):cx // 8 + 2] = True
        near[pos] = win
    return near


@torch.no_grad()
def probe(vq: Emu3VQVAE, freeze_norms: bool, drop_attention: bool) -> dict:
    keys = list(itertools.product(SHAPES, COLOURS, SIZES, BACKGROUNDS, POSITIONS))
    near = near_windows()
    frozen = FrozenGroupNorms(vq.encoder)
    changed, away, lat_away, lats = [], [], [], []
    with frozen.installed(), (without_middle_attention(vq) if drop_attention else contextlib.nullcontext()):
        for bg in BACKGROUNDS:
            frozen.mode = "record" if freeze_norms else "off"
            z0 = encode_latent(vq, to_pixels(render(Scene((), bg))[None]))
            c0, _ = quantize(vq, z0)
            frozen.mode = "apply" if freeze_norms else "off"
            ks = [k for k in keys if k[3] == bg]
            imgs = np.stack([render(Scene((Obj(sh, co, sz, pos),), bg)) for sh, co, sz, _, pos in ks])
            z = encode_latent(vq, to_pixels(imgs))
            c, _ = quantize(vq, z)
            diff = (c != c0).numpy()
            dz = (z - z0).norm(dim=1).numpy()          # (B, 8, 8) latent movement per cell
            for k, d, m in zip(ks, diff, dz):
                far = ~near[k[4]]
                changed.append(d.sum())
                away.append((d & far).sum())
                lat_away.append(m[far].mean())
            lats.append(z)
    spread = torch.cat(lats).permute(0, 2, 3, 1).reshape(-1, lats[0].shape[1]).std(0).norm().item()
    return {"codes_changed_by_one_object": round(float(np.mean(changed)), 1),
            "codes_changed_away_from_it": round(float(np.mean(away)), 1),
            "latent_move_away_over_spread": round(float(np.mean(lat_away)) / spread, 3)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", help="an emu3-tiny model directory or a vq.py output folder")
    ap.add_argument("--json", help="also write the figures here")
    a = ap.parse_args()
    torch.manual_seed(0)
    vq = load_vq(a.model)
    out = {}
    for name, freeze, drop in [("as trained", False, False), ("GroupNorm statistics of the empty scene", True, False),
                               ("no middle attention", False, True), ("both", True, True)]:
        out[name] = probe(vq, freeze, drop)
        print(f"{name:42s} {out[name]}", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
