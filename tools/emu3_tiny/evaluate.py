"""Measures a shipped emu3-tiny directory, in PyTorch and (with --swift BIN) through this
project's Swift services, and writes the figures as JSON.

- VQ: held-out reconstruction PSNR, the detector on round-tripped held-out scenes, and how local
  the codes are (what one object changes; whether a held-out object's codes occur in training;
  how much of the change the encoder's GroupNorm statistics carry, locality_probe.py).
- Text to image: the detector on images made for held-out prompts (prompted shape, colour and
  position all right), with the model's default CFG and without CFG, over several seeds; and where
  an object's colour is decided, its first cell (first_cell.py).
- Understanding: exact answers on held-out VQA pairs (greedy); captions naming the right objects;
  the same on scenes of the training distribution.
- Through the Swift services (--swift): sampled images for held-out prompts (the detector),
  greedy images against PyTorch's, answers against PyTorch's, and the sampler's draws against
  PyTorch's probabilities (check_sampler.py).

Usage: evaluate.py MODEL_DIR [--out metrics.json] [--swift BIN_DIR] [--prompts 20] [--seeds 10] [--swift-seeds 5]
       evaluate.py VQ_DIR --tokenizer-only      (a vq.py output folder: the VQ figures alone)
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from PIL import Image
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_sampler  # noqa: E402
import first_cell  # noqa: E402
import locality_probe  # noqa: E402
from detector import check, detect  # noqa: E402
from scenes import (BACKGROUNDS, COLOURS, HELD_OUT, PHRASE, POSITIONS, SHAPES, SIZES, Obj, Scene,  # noqa: E402
                    caption, prompt_scene, questions, random_scene, render)
from sequences import NEGATIVE_PROMPT, Builder  # noqa: E402
from transformers import Emu3ForConditionalGeneration, Emu3VQVAE  # noqa: E402
from vq import FAR, decode_frame0, encode_latent, psnr, quantize, to_pixels  # noqa: E402


class VisionTokenizer:
    """Images ↔ code grids with transformers' Emu3VQVAE (a bare vq.py output folder, or a model's)."""

    def __init__(self, vq: Emu3VQVAE | str):
        self.vq = Emu3VQVAE.from_pretrained(vq).eval() if isinstance(vq, str) else vq

    @torch.no_grad()
    def encode(self, images: np.ndarray) -> np.ndarray:
        idx, _ = quantize(self.vq, encode_latent(self.vq, to_pixels(images)))
        return idx.numpy()

    @torch.no_grad()
    def decode(self, codes: np.ndarray) -> np.ndarray:
        q = self.vq.quantize.embedding(torch.from_numpy(codes).long()).permute(0, 3, 1, 2)
        y = decode_frame0(self.vq, q)
        return ((y.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


class Tiny(VisionTokenizer):
    """The exported checkpoint, run with transformers' modules (float32)."""

    def __init__(self, model_dir: str):
        m = Emu3ForConditionalGeneration.from_pretrained(model_dir, dtype=torch.float32).eval()
        super().__init__(m.model.vqmodel)
        self.text = m.model.text_model
        self.head = m.lm_head
        self.tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.b = Builder(self.tok)
        with open(os.path.join(model_dir, "emu3_defaults.json")) as f:
            self.defaults = json.load(f)

    def _step(self, ids, mask, past):
        pos = (mask.cumsum(-1) - 1).clamp(min=0)[:, -ids.shape[1]:]
        out = self.text(input_ids=ids, attention_mask=mask, position_ids=pos, past_key_values=past, use_cache=True)
        return self.head(out.last_hidden_state[:, -1]).float(), out.past_key_values

    @staticmethod
    def _left_pad(seqs, pad):
        n = max(map(len, seqs))
        ids = torch.full((len(seqs), n), pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), n), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, n - len(s):] = torch.tensor(s)
            mask[i, n - len(s):] = 1
        return ids, mask

    @torch.no_grad()
    def generate_images(self, captions, seed, cfg, top_k, temperature=1.0, h=8, w=8) -> np.ndarray:
        """Images for captions (batched; the unconditional rows follow the conditional ones)."""
        b, ids = self.b, self.b.ids
        n = len(captions)
        seqs = [b.generation_prompt(c, h, w) for c in captions]
        use_cfg = cfg != 1.0
        if use_cfg:
            seqs += [b.generation_prompt(NEGATIVE_PROMPT, h, w)] * n
        x, mask = self._left_pad(seqs, ids.pad)
        g = torch.Generator().manual_seed(seed)
        logits, past = self._step(x, mask, None)
        visual = torch.arange(ids.visual0, ids.visual0 + ids.visual_count)
        codes = np.zeros((n, h, w), dtype=np.int64)
        for r in range(h):
            for c in range(w + 1):
                if c == w:
                    nxt = torch.full((n,), ids.eol, dtype=torch.long)
                else:
                    lc = torch.log_softmax(logits[:n], -1)
                    s = (cfg * (lc - torch.log_softmax(logits[n:], -1)) + torch.log_softmax(logits[n:], -1)
                         if use_cfg else lc)
                    s = s[:, visual] / temperature
                    if top_k < s.shape[1]:
                        kth = torch.topk(s, top_k, dim=-1).values[:, -1:]
                        s = s.masked_fill(s < kth, float("-inf"))
                    choice = torch.multinomial(torch.softmax(s, -1), 1, generator=g).squeeze(1)
                    codes[:, r, c] = choice.numpy()
                    nxt = visual[choice]
                step = torch.cat([nxt, nxt]) if use_cfg else nxt
                mask = torch.cat([mask, torch.ones((mask.shape[0], 1), dtype=torch.long)], 1)
                logits, past = self._step(step[:, None], mask, past)
        return self.decode(codes)

    @torch.no_grad()
    def answer(self, codes, questions_, max_new=40) -> list[str]:
        """Greedy answers, batched over (codes, question) pairs."""
        ids = self.b.ids
        seqs = [self.b.understanding_prompt(c, q) for c, q in zip(codes, questions_)]
        x, mask = self._left_pad(seqs, ids.pad)
        logits, past = self._step(x, mask, None)
        out = [[] for _ in seqs]
        done = torch.zeros(len(seqs), dtype=torch.bool)
        for _ in range(max_new):
            nxt = logits.argmax(-1)
            for i in range(len(seqs)):
                if not done[i]:
                    if int(nxt[i]) == ids.eos:
                        done[i] = True
                    else:
                        out[i].append(int(nxt[i]))
            if bool(done.all()):
                break
            mask = torch.cat([mask, torch.ones((mask.shape[0], 1), dtype=torch.long)], 1)
            logits, past = self._step(nxt[:, None], mask, past)
        return [self.tok.decode(o) for o in out]


def caption_names_objects(text: str, scene) -> bool:
    return all(f"{o.colour} {o.shape}" in text for o in scene.objects)


def summarize(rows):
    """The share of images with each attribute right, and how many images."""
    keys = rows[0].keys() if rows else []
    return dict({k: round(sum(r[k] for r in rows) / len(rows), 3) for k in keys}, images=len(rows))


def eval_vq(t: VisionTokenizer, n=256):
    rng = random.Random(1000)
    scenes = [random_scene(rng, held_out=True) for _ in range(n)]
    imgs = np.stack([render(s) for s in scenes])
    rec = t.decode(t.encode(imgs))
    p = psnr(torch.from_numpy(rec).float() / 127.5 - 1, torch.from_numpy(imgs).float() / 127.5 - 1)
    found = [detect(r) for r in rec]
    exact = np.mean([set(f.objects) == set(s.objects) and f.background == s.background for f, s in zip(found, scenes)])
    colour = np.mean([sorted(o.colour for o in f.objects) == sorted(o.colour for o in s.objects)
                      for f, s in zip(found, scenes)])
    return {"heldout_psnr_db": round(p, 2), "detector_exact_after_roundtrip": round(float(exact), 3),
            "detector_colours_after_roundtrip": round(float(colour), 3)}


def eval_code_locality(t: VisionTokenizer):
    """How local the codes are, over every single-object scene (shape × colour × size ×
    background × position): the codes an empty scene takes, how many of the 64 codes change when
    one object is added (and how many of them outside the 4×4 cells around it), and how many of a
    held-out (shape, colour) object's codes training scenes also put in that cell (same size,
    background and position). A decoder can draw an unseen pair only from codes it has seen there."""
    keys = list(itertools.product(SHAPES, COLOURS, SIZES, BACKGROUNDS, POSITIONS))
    codes = t.encode(np.stack([render(Scene((Obj(sh, co, sz, pos),), bg)) for sh, co, sz, bg, pos in keys]))
    empty = dict(zip(BACKGROUNDS, t.encode(np.stack([render(Scene((), bg)) for bg in BACKGROUNDS]))))
    near = locality_probe.near_windows()
    changed = [c != empty[k[3]] for k, c in zip(keys, codes)]
    seen: dict[tuple, set] = {}
    for k, c in zip(keys, codes):
        if (k[0], k[1]) not in HELD_OUT:
            for cell in zip(*np.nonzero(near[k[4]])):
                seen.setdefault(k[2:] + cell, set()).add(int(c[cell]))
    found = [int(c[cell]) in seen.get(k[2:] + cell, ()) for k, c in zip(keys, codes) if (k[0], k[1]) in HELD_OUT
             for cell in zip(*np.nonzero(near[k[4]]))]
    book = t.vq.quantize.embedding.weight
    return {"codes_reachable": int((book.norm(dim=1) < FAR / 2).sum()),    # not removed by vq.py --merge-codes
            "codes_in_empty_scene": round(float(np.mean([len(np.unique(e)) for e in empty.values()])), 1),
            "codes_changed_by_one_object": round(float(np.mean([ch.sum() for ch in changed])), 1),
            "codes_changed_away_from_it": round(float(np.mean([(ch & ~near[k[4]]).sum() for k, ch in zip(keys, changed)])), 1),
            "heldout_object_codes_seen_there": round(float(np.mean(found)), 3)}


def eval_locality_probe(t: VisionTokenizer):
    """What carries one object's influence to far cells (locality_probe.py): the codes changed
    away from the object and the latents' movement there, as trained and with every encoder
    GroupNorm using the empty scene's statistics."""
    return {"as_trained": locality_probe.probe(t.vq, freeze_norms=False, drop_attention=False),
            "empty_scene_norm_statistics": locality_probe.probe(t.vq, freeze_norms=True, drop_attention=False)}


def t2i_prompts(n, held_out, seed=2000):
    rng = random.Random(seed + (1 if held_out else 0))
    return [prompt_scene(rng, held_out) for _ in range(n)]


def eval_t2i(t: Tiny, prompts, seeds, cfg, top_k):
    rows = []
    for s in range(seeds):
        imgs = t.generate_images([p for _, p in prompts], seed=s, cfg=cfg, top_k=top_k)
        rows += [check(sc, detect(im)) for (sc, _), im in zip(prompts, imgs)]
    return summarize(rows)


def vqa_set(n_scenes=60, seed=3000, held_out=True):
    rng = random.Random(seed)
    items = []
    for _ in range(n_scenes):
        s = random_scene(rng, held_out=held_out)
        for q, a in questions(s):
            items.append((s, q, a))
    return items


def eval_vqa(t: Tiny, items):
    imgs = np.stack([render(s) for s, _, _ in items])
    codes = t.encode(imgs)
    answers = []
    for i in range(0, len(items), 64):
        answers += t.answer(codes[i:i + 64], [q for _, q, _ in items[i:i + 64]])
    return score_vqa(items, answers), answers


def score_vqa(items, answers):
    scored = [(question_kind(q), a.strip() == want) for (s, q, want), a in zip(items, answers)
              if q != "Describe the image."]
    short = [ok for _, ok in scored]
    caps = [caption_names_objects(a, s) for (s, q, _), a in zip(items, answers) if q == "Describe the image."]
    mean = lambda xs: round(float(np.mean(xs)), 3) if xs else None  # noqa: E731
    kinds: dict[str, list[bool]] = {}
    for kind, ok in scored:
        kinds.setdefault(kind, []).append(ok)
    return {"vqa_exact": mean(short), "vqa_pairs": len(short), "captions_name_objects": mean(caps),
            "captions": len(caps), "vqa_exact_by_kind": {k: mean(v) for k, v in sorted(kinds.items())}}


def question_kind(q: str) -> str:
    """The question with its shape and position left out ("What colour is the star?" → "What colour
    is the …", "What shape is on the left?" → "What shape is …"), so figures group by what is asked."""
    for shape in SHAPES:
        q = q.replace(f"the {shape}", "the …")
    for phrase in PHRASE.values():
        q = q.replace(phrase, "…")
    return q.rstrip("?")


# MARK: - the same through the Swift services

def image_psnr(a: np.ndarray, b: np.ndarray) -> float:
    """PSNR in dB between two uint8 images (inf when identical)."""
    mse = float(((a.astype(np.float64) - b.astype(np.float64)) ** 2).mean())
    return math.inf if mse == 0 else 10 * math.log10(255 ** 2 / mse)


def eval_swift(bin_dir, model_dir, prompts, seeds, items, cfg, greedy_reference):
    """Through the Swift services: sampled images for prompts (the detector), greedy images for the
    same prompts against PyTorch's (greedy_reference), and greedy answers to items."""
    orch = os.path.join(bin_dir, "emu3-orchestrator")
    run = tempfile.mkdtemp(prefix="emu3-eval-")
    os.chmod(run, 0o700)
    env = dict(os.environ, EMU3_RUNTIME_DIR=run)
    subprocess.run([orch, "up", "--model", model_dir], env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        rows = []
        for s in range(seeds):
            for i, (scene, p) in enumerate(prompts):
                out = os.path.join(run, f"g{s}-{i}.png")
                subprocess.run([orch, "generate", p, "-o", out, "--seed", str(s), "--cfg", str(cfg), "--model", model_dir], env=env,
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                rows.append(check(scene, detect(np.asarray(Image.open(out).convert("RGB")))))
        greedy = []
        for i, ((scene, p), ref) in enumerate(zip(prompts, greedy_reference)):
            out = os.path.join(run, f"greedy{i}.png")
            subprocess.run([orch, "generate", p, "-o", out, "--top-k", "1", "--cfg", str(cfg), "--model", model_dir],
                           env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            img = np.asarray(Image.open(out).convert("RGB"))
            greedy.append((image_psnr(img, ref), check(scene, detect(img)) == check(scene, detect(ref))))
        db = sorted(v for v, _ in greedy if math.isfinite(v))
        greedy_summary = {"prompts": len(greedy), "identical": len(greedy) - len(db),
                          "psnr_db_min": round(db[0], 1) if db else None,
                          "psnr_db_median": round(float(np.median(db)), 1) if db else None,
                          "psnr_db_max": round(db[-1], 1) if db else None,
                          "same_detection": round(float(np.mean([same for _, same in greedy])), 3)}
        answers = []
        for j, (scene, q, _) in enumerate(items):
            img = os.path.join(run, f"u{j}.png")
            Image.fromarray(render(scene)).save(img)
            r = subprocess.run([orch, "understand", img, q, "--json", "--model", model_dir], env=env, check=True, capture_output=True,
                               text=True)
            answers.append(json.loads(r.stdout)["text"])
        return summarize(rows), score_vqa(items, answers), answers, greedy_summary
    finally:
        subprocess.run([orch, "down"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--out")
    ap.add_argument("--swift", help="folder with emu3-orchestrator (and the services) to measure them too")
    ap.add_argument("--prompts", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=10, help="images per prompt (PyTorch)")
    ap.add_argument("--swift-seeds", type=int, default=5, help="images per prompt through the Swift services")
    ap.add_argument("--swift-vqa", type=int, default=120, help="VQA pairs to ask the Swift pipeline")
    ap.add_argument("--tokenizer-only", action="store_true",
                    help="MODEL_DIR is a bare vision tokenizer (vq.py's output): print its VQ figures only")
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("EMU3_TINY_THREADS", "2")))
    torch.manual_seed(0)
    if args.tokenizer_only:
        vq = VisionTokenizer(args.model)
        print(json.dumps({"vq": eval_vq(vq), "vq_code_locality": eval_code_locality(vq),
                          "vq_locality_probe": eval_locality_probe(vq)}, indent=1))
        return
    t = Tiny(args.model)
    d = t.defaults
    cfg, top_k = float(d.get("cfg_scale", 3.0)), int(d.get("top_k", 2048))
    t0 = time.time()
    m = {"vq": eval_vq(t), "vq_code_locality": eval_code_locality(t), "vq_locality_probe": eval_locality_probe(t)}
    held, seen = t2i_prompts(args.prompts, True), t2i_prompts(args.prompts, False)
    m["t2i_heldout_default_cfg"] = dict(eval_t2i(t, held, args.seeds, cfg, top_k), cfg=cfg)
    m["t2i_heldout_no_cfg"] = ({k: v for k, v in m["t2i_heldout_default_cfg"].items() if k != "cfg"} if cfg == 1.0
                               else eval_t2i(t, held, args.seeds, 1.0, top_k))
    m["t2i_heldout_cfg3"] = eval_t2i(t, held, args.seeds, 3.0, top_k)
    m["t2i_seen_default_cfg"] = eval_t2i(t, seen, args.seeds, cfg, top_k)
    m["t2i_first_cell_colour"] = first_cell.measure(t)
    items = vqa_set()
    m["understanding_heldout"], _ = eval_vqa(t, items)
    # the same questions on scenes of the training distribution: what is composition, what is training
    m["understanding_seen"], _ = eval_vqa(t, vqa_set(seed=4000, held_out=False))
    m["pytorch_seconds"] = round(time.time() - t0, 1)
    if args.swift:
        sub = random.Random(5).sample(items, min(args.swift_vqa, len(items)))
        model_dir = os.path.abspath(args.model)
        greedy_reference = t.generate_images([p for _, p in held], seed=0, cfg=cfg, top_k=1)
        t2i, vqa, swift_answers, greedy = eval_swift(args.swift, model_dir, held, args.swift_seeds, sub, cfg,
                                                     greedy_reference)
        m["swift_t2i_heldout_default_cfg"] = t2i
        m["swift_greedy_images_vs_pytorch"] = greedy
        m["swift_understanding_heldout"] = vqa
        m["pytorch_understanding_same_subset"], torch_answers = eval_vqa(t, sub)
        same = [a.strip() == b.strip() for a, b in zip(swift_answers, torch_answers)]
        m["swift_pytorch_identical_answers"] = round(float(np.mean(same)), 3)
        # the sampler itself: Swift's draws per rank of PyTorch's top k, against PyTorch's probabilities
        m["swift_sampler_check"] = check_sampler.sampler_check(
            t, args.swift, model_dir, t2i_prompts(check_sampler.PROMPTS, True), check_sampler.SEEDS, top_k)
    print(json.dumps(m, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(m, f, indent=1)


if __name__ == "__main__":
    main()
