"""Trains emu3-tiny's decoder (transformers Emu3ForCausalLM) on the Emu3 sequence format:
text-to-image samples (caption → image rows, 10% with an empty caption for the CFG stream)
and understanding samples (image + questions → answers; up to QAS_PER_IMAGE questions share one
image prefix, each seeing only the prefix and itself), next-token loss with vision tokens
weighted 0.5 (paper §2.3). `make tiny-model` runs it with `--factorised-visual 27,83 --bf16
--isolate-words 0.8 --tune-steps 800 --tune-t2i 0.15 --tune-smoothing 0.2 --tune-colour-noise 0.3
--tune-pattern-noise 0.3 --noise-main --invariance 0.1`: for the supervised codes of vq.py --supervised-codes (27
colour pairs x 83 patterns), each visual code's rows are a colour row plus a pattern row
(FactorisedVisual), trained under bfloat16 autocast where the CPU has AVX512_BF16 (float32
elsewhere), with the colour words of four in five captions hidden from the caption's later words
(`isolated_words`: the image reads an object's colour from its own word), the drawn object cells
of its text-to-image samples read now and then in another colour or another shape's pattern and
scored as drawn (`noisy_inputs`, in the main schedule and the pass), a few captions a step read
again with a shape or colour word swapped (seen pairs only) asked for the same colours or patterns
at an object's first cell (invariance.py); after the main schedule, an
understanding pass (85% understanding samples) teaches binding, with label smoothing within the
colour words and within the shape words (below).
Without `--factorised-visual` the visual tokens' embeddings and output rows start from what each
code looks like (`--init random` keeps transformers' initialisation). Writes OUT/backbone
(save_pretrained), OUT/backbone_curve.json and OUT/backbone_run.json (precision, CPU, threads).

Training stops after --steps N steps (the schedule runs over them; on one thread, EMU3_TINY_THREADS=1,
a seed gives the same weights again; on two, some of PyTorch's CPU kernels add in varying order,
so the weights differ in their last bits and the figures by a run's noise), or without it after
--minutes M of wall-clock time (for trials).

`--tune-steps N` adds, after the main schedule, an understanding pass of N steps (mostly
questions on two-object scenes, which must find an object by its shape; with `--tune-smoothing
EPS`, a colour or shape word's loss is smoothed by EPS over its class, so that the words around it
never rule a colour or a shape out and the image decides; with `--tune-recolour SHARE` (a trial),
that share of its understanding samples show an image recoloured cell by cell and ask no colour;
`--tune-only` reruns the pass alone from OUT/backbone_main.pt, which a run with --tune-steps saves).
`--save-main-every N` also saves the decoder every N main-schedule steps (OUT/backbone_main_stepS.pt:
its weights and factorised rows, no optimiser), for probes of when in training composition is decided
(saved_decoder.py turns one, or backbone_main.pt, into a folder that export.py reads).

Trials, off by default and not in the recipe (the card has their figures): `--factor-captions P`
leaves out an object's colour or shape in captions (`--factor-drop` picks which; with
`--marginal-factors` only the other half of that object's codes is scored); `--binding-questions`
always asks each object's colour and position of two-object scenes; `--tune-draw-smoothing EPS`
smooths the object colours of drawn cells in the understanding pass; `--smooth-main` applies both
smoothings in the main schedule too; `--isolated both` makes
`--isolate-words` hide the shape words too.

Usage: backbone.py OUT [--steps N | --minutes M] [--seed S] [--init appearance|random]
                       [--factor-captions P [--factor-drop WHAT] [--marginal-factors]] [--binding-questions]
                       [--factorised-visual C,P] [--bf16] [--tune-steps N [--tune-lr LR] [--tune-t2i SHARE]
                       [--tune-smoothing EPS] [--tune-draw-smoothing EPS] [--tune-recolour SHARE]
                       [--tune-colour-noise Q] [--tune-pattern-noise Q]
                       [--tune-only]] [--smooth-main] [--noise-main] [--isolate-words SHARE [--isolated colour|both]]
                       [--invariance LAMBDA [--invariance-pairs K]] [--save-main-every N]
                       (needs OUT/vq and OUT/tokenizer)
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import invariance  # noqa: E402
from budget import Budget  # noqa: E402
from scenes import COLOURS, HELD_OUT, SHAPES, caption, questions, random_scene, render  # noqa: E402
from sequences import Builder  # noqa: E402
from supervised_codes import COLOUR_PAIRS, GRID, PATTERN_GRIDS, PATTERNS, code_of, code_parts  # noqa: E402
from transformers import Emu3ForCausalLM, Emu3TextConfig, Emu3VQVAE  # noqa: E402
from vq import encode_latent, quantize, to_pixels  # noqa: E402

TEXT_CONFIG = dict(hidden_size=256, intermediate_size=768, num_hidden_layers=4, num_attention_heads=4,
                   num_key_value_heads=2, max_position_embeddings=512, rms_norm_eps=1e-5,
                   attention_dropout=0.0, tie_word_embeddings=False,
                   rope_parameters={"rope_theta": 10000.0, "rope_type": "default"})
CAPTION_DROPOUT = 0.1
T2I_SHARE = 0.7       # of the samples; an understanding sample holds several questions
QAS_PER_IMAGE = 6
MARGINAL_COLOUR, MARGINAL_PATTERN = 1, 2   # --marginal-factors: score only that half of a code


def answer_classes(builder: Builder) -> list[torch.Tensor]:
    """For `--tune-smoothing`: the token ids of the object colours and of the shapes, as answers
    ("cyan") and as caption words (" cyan"), one class per list (each word is one token)."""
    out = []
    for words in (list(COLOURS), SHAPES):
        for space in ("", " "):
            ids = [builder.enc(space + w) for w in words]
            assert all(len(x) == 1 for x in ids), "colour and shape words must be single tokens"
            out.append(torch.tensor([x[0] for x in ids]))
    return out


def smoothed(logits, targets, ce, classes, eps: float):
    """Label smoothing within a closed class of words: where the target token is one of a class
    (a colour, a shape), the loss becomes (1 - eps) * ce + eps * the mean cross-entropy over the
    class's words, so no colour (shape) is ever pushed towards probability zero after a question
    or a word; elsewhere ce is unchanged. `logits` (N, V), `targets` and `ce` (N,)."""
    if not eps:
        return ce
    for cls in classes:
        at = torch.isin(targets, cls).nonzero().squeeze(1)
        ce = smooth_at(logits, ce, at, cls.expand(len(at), -1), eps)
    return ce


def smooth_at(logits, ce, at, cols, eps: float):
    """ce with its entries `at` (n,) smoothed: (1 - eps) * ce + eps * the mean cross-entropy over the
    token ids `cols` (n, K) of each, from `logits` (N, V)."""
    if not at.numel():
        return ce
    sub = logits[at].float()
    spread = torch.logsumexp(sub, -1) - sub.gather(1, cols).mean(-1)
    return ce.index_put((at,), (1 - eps) * ce[at] + eps * spread)


def encode_scenes(vq: Emu3VQVAE, scenes, batch: int = 64) -> np.ndarray:
    out = []
    with torch.no_grad():
        for i in range(0, len(scenes), batch):
            x = to_pixels(np.stack([render(s) for s in scenes[i:i + batch]]))
            idx, _ = quantize(vq, encode_latent(vq, x))
            out.append(idx.numpy().astype(np.int16))
    return np.concatenate(out)


def code_appearance(scenes, codes, n_codes: int, cell: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """The mean RGB patch (in [-1, 1]) each visual code stands for in the training scenes:
    (n_codes, cell*cell*3) features and the number of patches each code was used for."""
    sums = np.zeros((n_codes, cell * cell * 3))
    counts = np.zeros(n_codes)
    for scene, grid in zip(scenes, codes):
        img = render(scene).astype(np.float64) / 127.5 - 1.0
        h, w = grid.shape
        patches = img.reshape(h, cell, w, cell, 3).transpose(0, 2, 1, 3, 4).reshape(h * w, -1)
        np.add.at(sums, grid.reshape(-1), patches)
        np.add.at(counts, grid.reshape(-1), 1)
    return sums / np.maximum(counts, 1)[:, None], counts


def init_visual_rows(model, feats: np.ndarray, counts: np.ndarray, visual0: int, seed: int,
                     components: int = 48):
    """Starts the visual tokens' input embeddings and output rows from what the codes look like
    (whitened principal components of their mean patches, randomly projected to the hidden size,
    plus some noise), at the scale of the default initialisation, so that codes that look alike
    start alike. Only the initial values change; the architecture and format stay Emu3's."""
    used = np.flatnonzero(counts > 0)
    x = feats[used] - feats[used].mean(0)
    _, sv, vt = np.linalg.svd(x, full_matrices=False)
    k = min(components, len(sv))
    z = x @ vt[:k].T / np.maximum(sv[:k], 1e-8) * math.sqrt(len(used))   # unit variance per component
    g = torch.Generator().manual_seed(seed)
    hidden = model.config.hidden_size
    proj = torch.randn(k, hidden, generator=g) / math.sqrt(k)
    std = model.config.initializer_range
    rows = std * (0.8 * torch.from_numpy(z).float() @ proj + 0.6 * torch.randn(len(used), hidden, generator=g))
    ids = torch.from_numpy(used + visual0)
    with torch.no_grad():
        model.model.embed_tokens.weight[ids] = rows
        model.lm_head.weight[ids] = rows


def text_config(tok: Tokenizer) -> dict:
    b = Builder(tok).ids
    return dict(TEXT_CONFIG, vocab_size=tok.get_vocab_size(), pad_token_id=b.pad, bos_token_id=b.bos,
                eos_token_id=b.eos)


def binding_questions(qa):
    """The questions that name one object of a scene and ask for its colour or position."""
    return [(q, a) for q, a in qa if q.startswith(("What colour is the ", "Where is the ")) and "background" not in q]


def sample(builder: Builder, rng: random.Random, scene, codes, factor: float = 0.0, binding: bool = False,
           drops: tuple[str, ...] = ("colour", "shape"), marginal: bool = False, isolate: float = 0.0,
           isolated: str = "colour", noise: tuple[float, float] = (0.0, 0.0)):
    """One training sample: (ids, loss weights, segments, positions), text to image with
    probability T2I_SHARE (`t2i_sample`, with `noise`: see `noisy_inputs`), else understanding. With `binding`, an understanding
    sample of a two-object scene always holds the questions that find one object by its shape (its
    colour, its position), and the rest of its questions at random."""
    if rng.random() < T2I_SHARE:
        return t2i_sample(builder, rng, scene, codes, factor, drops, marginal, isolate, isolated, noise)
    if binding and len(scene.objects) > 1:
        qa = questions(scene)
        bind = binding_questions(qa)
        rest = [x for x in qa if x not in bind]
        return builder.image_to_texts(codes, bind + rng.sample(rest, max(0, QAS_PER_IMAGE - len(bind))))
    return understanding_sample(builder, rng, scene, codes)


def t2i_sample(builder: Builder, rng: random.Random, scene, codes, factor: float = 0.0,
               drops: tuple[str, ...] = ("colour", "shape"), marginal: bool = False, isolate: float = 0.0,
               isolated: str = "colour", noise: tuple[float, float] = (0.0, 0.0)):
    """A text-to-image sample (CAPTION_DROPOUT of them with an empty caption). With `marginal`, a
    fifth list: per token, MARGINAL_COLOUR or MARGINAL_PATTERN on the cells of an object whose
    shape or colour the caption left out (see FactorisedVisual.loss), else 0. With `isolate`, a
    sixth: per token, from which index on the later tokens may see it (`isolated_words`). With
    `noise` (colour and pattern probabilities, and a caption), a seventh: the ids the model reads
    (`noisy_inputs`; the targets stay `ids`)."""
    left_out: list = []
    text = "" if rng.random() < CAPTION_DROPOUT else caption(scene, rng, factor, drops, left_out)
    ids, w = builder.text_to_image(text, codes)
    out = ids, w, [0] * len(ids), list(range(len(ids)))
    if marginal or isolate or any(noise):
        out += (marginal_flags(builder, scene, ids, left_out) if marginal else [0] * len(ids),)
    if isolate or any(noise):
        hide = bool(text) and rng.random() < isolate
        out += (isolated_words(builder, ids, isolated) if hide else list(range(len(ids))),)
    if any(noise) and text:
        out += (noisy_inputs(builder, rng, scene, ids, len(builder.generation_prompt(text, *np.shape(codes))), *noise),)
    return out


def noisy_inputs(builder: Builder, rng: random.Random, scene, ids: list[int], first: int, q: float,
                 qp: float = 0.0) -> list[int]:
    """For `--tune-colour-noise` and `--tune-pattern-noise`: the ids a text-to-image sample's model reads, each object cell's
    code (from index `first`, rows of GRID codes and an end of line) with probability `q` given
    another object colour that the scene's shapes all have in training (never a held-out pair), its
    background and pattern kept; with probability `qp` (`--tune-pattern-noise`) its pattern is the one
    the same cell has in another shape of the object's colour, size and place (never a held-out
    pair; never an empty cell). The targets stay the true codes, so a cell's colour and pattern must
    follow the caption's words, whatever the cells drawn before it say."""
    out = list(ids)
    v0 = builder.ids.visual0
    for o in scene.objects:
        colour = list(COLOURS).index(o.colour)
        others = [k for k, c in enumerate(COLOURS)   # held out with none of the scene's shapes, as cells may overlap
                  if c != o.colour and all((p.shape, c) not in HELD_OUT for p in scene.objects)]
        for r, c in zip(*np.nonzero(PATTERN_GRIDS[o.shape, o.size, o.position])):
            at = first + int(r) * (GRID + 1) + int(c)
            fg, bg, pattern = code_parts(out[at] - v0)
            if fg != colour:
                continue
            if q and rng.random() < q:
                fg = rng.choice(others)
            if qp and rng.random() < qp:
                alt = {int(PATTERN_GRIDS[s, o.size, o.position][r, c]) for s in SHAPES if (s, o.colour) not in HELD_OUT}
                alt -= {0, int(pattern)}
                pattern = rng.choice(sorted(alt)) if alt else pattern
            out[at] = v0 + int(code_of(fg, bg, pattern))
    return out


def isolated_words(builder: Builder, ids: list[int], which: str = "colour") -> list[int]:
    """For `--isolate-words`: per token of a text-to-image sample, the index from which later
    tokens may see it: the caption's object colour words (`which` "colour"; "both": and its shape
    words) from the image's first token (<|image start|>) on, so that no caption token after them
    holds them, and every other token from itself on (plain causal). The image then reads an
    object's colour from its own word, and never from a word that has seen a (shape, colour) pair
    together, which for a held-out pair it has never seen; and the words after a colour word (the
    shape, the position) read the same whatever the colour."""
    classes = answer_classes(builder)   # colours, " colours", shapes, " shapes"
    words = set(torch.cat(classes[1::2] if which == "both" else classes[1:2]).tolist())
    image = ids.index(builder.ids.sov)
    return [image if k < image and t in words else k for k, t in enumerate(ids)]


def understanding_sample(builder: Builder, rng: random.Random, scene, codes):
    """QAS_PER_IMAGE of the scene's questions at random, sharing one image prefix."""
    qa = questions(scene)
    return builder.image_to_texts(codes, rng.sample(qa, min(QAS_PER_IMAGE, len(qa))))


def tuning_sample(builder: Builder, rng: random.Random, scenes, codes, two: list[int], t2i: float,
                  recolour: float = 0.0, noise: tuple[float, float] = (0.0, 0.0), **opts):
    """A sample of the understanding pass (--tune-steps): text to image with probability `t2i` (so
    that drawing is kept), else an understanding sample, of a two-object scene 80% of the time,
    where questions must find an object by its shape; with probability `recolour` that sample is
    `recoloured_sample` instead; `noise`: see `noisy_inputs`."""
    if rng.random() < t2i:
        i = rng.randrange(len(scenes))
        return t2i_sample(builder, rng, scenes[i], codes[i], noise=noise, **opts)
    i = rng.choice(two) if rng.random() < 0.8 else rng.randrange(len(scenes))
    if recolour and rng.random() < recolour:
        return recoloured_sample(builder, rng, scenes[i], codes[i])
    return understanding_sample(builder, rng, scenes[i], codes[i])


def recoloured_sample(builder: Builder, rng: random.Random, scene, codes):
    """For `--tune-recolour`: the scene's codes with every object cell's colour drawn anew, cell by
    cell, from the colours the object's shape has in training (never a held-out pair), asked only
    what does not depend on colour (shape, place, size, count, background). A shape is then read
    from its patterns whatever their colours, as it must be for a held-out pair."""
    grid = np.array(codes, copy=True)
    for o in scene.objects:
        allowed = [k for k, c in enumerate(COLOURS) if (o.shape, c) not in HELD_OUT]
        for r, c in zip(*np.nonzero(PATTERN_GRIDS[o.shape, o.size, o.position])):
            _, bg, pattern = code_parts(int(grid[r, c]))
            grid[r, c] = code_of(rng.choice(allowed), bg, pattern)
    qa = [(q, a) for q, a in questions(scene)
          if q != "Describe the image." and not (q.startswith("What colour is the ") and "background" not in q)]
    return builder.image_to_texts(grid, rng.sample(qa, min(QAS_PER_IMAGE, len(qa))))


class FactorisedVisual(torch.nn.Module):
    """For `--factorised-visual C,P` (with a vq.py --supervised-codes or --product-codes tokenizer):
    visual code a*P + p gets the input embedding colour_in[a] + pattern_in[p] and the output row
    colour_out[a] + pattern_out[p], so its logit is the sum of a colour logit and a pattern logit
    and a shape's words can pick patterns whatever the colour. `write` stores the sums as ordinary
    rows: the exported model is a plain Emu3 checkpoint."""

    def __init__(self, model, visual0: int, colours: int, patterns: int, std: float):
        super().__init__()
        hidden = model.config.hidden_size
        self.visual0, self.nc, self.np = visual0, colours, patterns
        s = std / math.sqrt(2)
        self.colour_in, self.pattern_in, self.colour_out, self.pattern_out = (
            torch.nn.Parameter(torch.randn(n, hidden) * s) for n in (colours, patterns, colours, patterns))

    def rows(self, colour, pattern) -> torch.Tensor:
        return (colour[:, None, :] + pattern[None, :, :]).reshape(self.nc * self.np, -1)

    def colour_smoothed(self, logits, targets, ce, eps: float):
        """For `--tune-draw-smoothing`: label smoothing over the object colours on the drawn cells of
        an object: where the target is a code with an object colour, the loss becomes (1 - eps) * ce
        + eps * the mean cross-entropy over the eight codes with the same background and pattern and
        any object colour (supervised codes only: `code_parts`). `logits` (N, V), `targets` and `ce` (N,)."""
        fg, bg, pattern = code_parts((targets - self.visual0).clamp(min=0))
        at = ((targets >= self.visual0) & (fg < len(COLOURS))).nonzero().squeeze(1)
        alt = code_of(torch.arange(len(COLOURS))[None, :], bg[at][:, None], pattern[at][:, None])
        return smooth_at(logits, ce, at, self.visual0 + alt, eps)

    def loss(self, model, ids, w, mask, pos, flags=None, smoothing=None, draw_smoothing: float = 0.0, inputs=None):
        """weighted_loss with the factorised rows. Where `flags` (batch_tensors) marks a target
        token MARGINAL_COLOUR or MARGINAL_PATTERN, only that half of its code is scored: the loss is
        the colour (or pattern) logits' cross-entropy over the colour (pattern) rows alone. `smoothing`
        ((classes, eps), for `smoothed`) and `draw_smoothing` (eps, for `colour_smoothed`) smooth the loss
        of words and of drawn colours. `inputs` (default `ids`) are the ids the model reads."""
        hidden = self.hidden(model, ids if inputs is None else inputs, mask, pos)[:, :-1]
        head = torch.cat([model.lm_head.weight[:self.visual0], self.rows(self.colour_out, self.pattern_out)])
        logits = hidden @ head.t()
        flat, targets = logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1)
        ce = F.cross_entropy(flat, targets, reduction="none")
        if smoothing:
            ce = smoothed(flat, targets, ce, *smoothing)
        if draw_smoothing:
            ce = self.colour_smoothed(flat, targets, ce, draw_smoothing)
        if flags is not None and bool((flags > 0).any()):
            target = (ids[:, 1:] - self.visual0).clamp(min=0)
            f = flags[:, 1:]
            col = F.cross_entropy((hidden @ self.colour_out.t()).transpose(1, 2), target // self.np, reduction="none")
            pat = F.cross_entropy((hidden @ self.pattern_out.t()).transpose(1, 2), target % self.np, reduction="none")
            ce = torch.where(f.reshape(-1) == MARGINAL_COLOUR, col.reshape(-1),
                             torch.where(f.reshape(-1) == MARGINAL_PATTERN, pat.reshape(-1), ce))
        ww = w[:, 1:].reshape(-1)
        return (ce * ww).sum() / ww.sum(), ce.view(ids.shape[0], -1), w[:, 1:]

    def hidden(self, model, inputs, mask, pos) -> torch.Tensor:
        """The decoder's last hidden states for `inputs`, visual tokens embedded by the factorised rows."""
        vis = inputs >= self.visual0
        code = (inputs - self.visual0).clamp(min=0)
        emb = model.model.embed_tokens(inputs)
        emb = torch.where(vis[..., None], self.colour_in[code // self.np] + self.pattern_in[code % self.np], emb)
        return model.model(inputs_embeds=emb, attention_mask=mask, position_ids=pos).last_hidden_state

    @torch.no_grad()
    def write(self, model):
        model.model.embed_tokens.weight[self.visual0:] = self.rows(self.colour_in, self.pattern_in)
        model.lm_head.weight[self.visual0:] = self.rows(self.colour_out, self.pattern_out)


def pack(samples, row: int = 208):
    """Packs samples into rows of `row` tokens (or the longest sample's length), first fit,
    longest first, so that short text-to-image samples do not pad to a row of questions."""
    rows: list[list] = []
    cap = max(row, max(len(s[0]) for s in samples))
    for s in sorted(samples, key=lambda s: -len(s[0])):
        fit = next((r for r in rows if sum(len(x[0]) for x in r) + len(s[0]) <= cap), None)
        if fit is None:
            rows.append([s])
        else:
            fit.append(s)
    return rows


def marginal_flags(builder: Builder, scene, ids, left_out) -> list[int]:
    """For `--marginal-factors`: per token of a text-to-image sample, MARGINAL_PATTERN on the code
    cells of an object whose colour the caption left out (its colour is not the caption's to say),
    MARGINAL_COLOUR on those of one whose shape it left out, else 0."""
    grid = np.zeros((GRID, GRID), np.int64)
    for o, drop in zip(scene.objects, left_out):
        if drop:
            grid[PATTERN_GRIDS[o.shape, o.size, o.position] > 0] = MARGINAL_PATTERN if drop == "colour" else MARGINAL_COLOUR
    flags = [0] * len(ids)
    for k, at in enumerate(i for i, t in enumerate(ids) if t >= builder.ids.visual0):
        flags[at] = int(grid.flat[k])
    return flags


def batch_tensors(samples, pad: int, with_flags: bool = False, with_inputs: bool = False):
    """Packed, padded ids, weights, positions and the (B, 1, L, L) mask: causal, within one
    sample, and a token sees its sample's shared prefix (segment 0) and its own segment only,
    and a token another only from the index the sample's sixth list gives for it on (where it has
    one: `isolated_words`). `with_flags` adds the samples' marginal flags (sample's fifth list; 0
    where none) as a fifth tensor; `with_inputs` then the ids the model reads (a sample's seventh
    list where it has one, `noisy_inputs`; else its ids)."""
    rows = pack(samples)
    n = max(sum(len(s[0]) for s in r) for r in rows)
    ids = torch.full((len(rows), n), pad, dtype=torch.long)
    w = torch.zeros((len(rows), n))
    seg = torch.zeros((len(rows), n), dtype=torch.long)
    doc = torch.full((len(rows), n), -1, dtype=torch.long)   # padding: a sample of its own
    pos = torch.zeros((len(rows), n), dtype=torch.long)
    flags = torch.zeros((len(rows), n), dtype=torch.long)
    seen_from = torch.arange(n).repeat(len(rows), 1)
    inputs = torch.full((len(rows), n), pad, dtype=torch.long) if with_inputs else None
    for i, row in enumerate(rows):
        at = 0
        for d, (s, ws, sg, ps, *fl) in enumerate(row):
            span = slice(at, at + len(s))
            ids[i, span], w[i, span] = torch.tensor(s), torch.tensor(ws)
            if inputs is not None:
                inputs[i, span] = torch.tensor(fl[2] if len(fl) > 2 else s)
            if fl:
                flags[i, span] = torch.tensor(fl[0])
            if len(fl) > 1:
                seen_from[i, span] = torch.tensor(fl[1]) + at
            seg[i, span], pos[i, span], doc[i, span] = torch.tensor(sg), torch.tensor(ps), d
            at += len(s)
    causal = torch.ones(n, n, dtype=torch.bool).tril()
    same_doc = doc[:, None, :] == doc[:, :, None]
    visible = same_doc & ((seg[:, None, :] == 0) | (seg[:, None, :] == seg[:, :, None]))
    visible &= (torch.arange(n)[None, :, None] >= seen_from[:, None, :]) | torch.eye(n, dtype=torch.bool)
    out = ids, w, (causal & visible)[:, None], pos
    out += (flags,) if with_flags else ()
    return out + (inputs,) if with_inputs else out


def weighted_loss(model, ids, w, mask, pos, smoothing=None):
    logits = model(input_ids=ids, attention_mask=mask, position_ids=pos).logits[:, :-1]
    flat, targets = logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1)
    ce = F.cross_entropy(flat, targets, reduction="none")
    if smoothing:
        ce = smoothed(flat, targets, ce, *smoothing)
    ww = w[:, 1:].reshape(-1)
    return (ce * ww).sum() / ww.sum(), ce.view(ids.shape[0], -1), w[:, 1:]


def cosine(frac: float) -> float:
    """The learning-rate schedule's factor at `frac` of a phase: cosine from 1 down to 0.05."""
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * frac))


def cpu_info() -> tuple[str, set[str]]:
    """The CPU's model name and feature flags, from /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo") as f:
            lines = f.read().splitlines()
    except OSError:
        return "", set()
    field = lambda key: next((x.split(":", 1)[1].strip() for x in lines if x.startswith(key)), "")  # noqa: E731
    return field("model name"), set(field("flags").split())


def cpu_has_bf16() -> bool:
    """Whether this CPU computes in bfloat16 (AVX512_BF16 or AMX-BF16). Without it PyTorch's bfloat16
    matrix products fall back to a slow reference kernel: on an AVX2-only AMD EPYC a --bf16 run did
    not reach step 100 in 22 minutes (in float32: 2 minutes)."""
    return bool(cpu_info()[1] & {"avx512_bf16", "amx_bf16"})


def report(curve, acc, step, elapsed, tokens, lr, phase: str | None = None):
    """Appends the mean losses since the last point to the curve (with `phase`, a point of that
    phase), and empties the accumulators."""
    mean = lambda xs: round(float(np.mean(xs)), 4) if xs else None  # noqa: E731
    point = {"minutes": round(elapsed / 60, 2), "step": step, "tokens": tokens,
             "image_loss": mean(acc["image"]), "text_loss": mean(acc["text"])}
    if acc.get("invariance"):
        point["invariance_loss"] = mean(acc["invariance"])
        acc["invariance"].clear()
    if phase:
        point["phase"] = phase
    curve.append(point)
    acc["image"].clear()
    acc["text"].clear()
    print(f"backbone {point} lr {lr:.2e} {tokens / max(elapsed, 1):.0f} tok/s", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, help="train this many steps (reproducible; the schedule runs over them)")
    ap.add_argument("--minutes", type=float, default=41.0, help="without --steps: train this long (wall clock)")
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--scenes", type=int, default=12000)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--init", choices=["appearance", "random"], default="appearance",
                    help="visual token rows: from what the codes look like, or the default random init")
    ap.add_argument("--factor-captions", type=float, default=0.0, metavar="P",
                    help="per object in a text-to-image caption, leave out its colour or its shape with probability P")
    ap.add_argument("--binding-questions", action="store_true",
                    help="understanding samples of two-object scenes always ask each object's colour and position")
    ap.add_argument("--factor-drop", choices=["either", "colour", "shape"], default="either",
                    help="with --factor-captions: what a caption may leave out (default: either, at random)")
    ap.add_argument("--marginal-factors", action="store_true",
                    help="with --factor-captions and --factorised-visual: on an object whose colour (shape) the"
                         " caption left out, score only the pattern (colour) half of its codes")
    ap.add_argument("--isolate-words", type=float, default=0.0, metavar="SHARE",
                    help="hide the object colour words of that share of the text-to-image captions from the caption's"
                         " later tokens (the image sees them), so that the image reads a colour from its own word"
                         " (the recipe: 0.8; --isolated both hides the shape words too, a trial)")
    ap.add_argument("--isolated", choices=["colour", "both"], default="colour",
                    help="with --isolate-words: hide the colour words only (default), or the shape words too")
    ap.add_argument("--factorised-visual", metavar="C,P",
                    help="for a vq.py --supervised-codes (27,83) or --product-codes C,P tokenizer: visual rows as"
                         " colour + pattern rows")
    ap.add_argument("--tune-steps", type=int, default=0, metavar="N",
                    help="after the main schedule, N steps of an understanding pass: mostly questions on two-object"
                         " scenes, which must find an object by its shape (binding), plus some text to image")
    ap.add_argument("--tune-lr", type=float, default=5e-4, help="the understanding pass's peak learning rate")
    ap.add_argument("--tune-t2i", type=float, default=0.3, metavar="SHARE",
                    help="the share of text-to-image samples in the understanding pass (the recipe: 0.15)")
    ap.add_argument("--tune-recolour", type=float, default=0.0, metavar="SHARE",
                    help="the share of the pass's understanding samples whose objects are recoloured cell by cell"
                         " (colours their shape has in training) and asked no colour")
    ap.add_argument("--tune-smoothing", type=float, default=0.0, metavar="EPS",
                    help="in the understanding pass, label smoothing EPS within the colour words and within the shape"
                         " words (answers and caption words), so that no colour or shape is ruled out by the words"
                         " around it")
    ap.add_argument("--tune-draw-smoothing", type=float, default=0.0, metavar="EPS",
                    help="with --factorised-visual 27,83, in the understanding pass: label smoothing EPS over the object"
                         " colours on the drawn cells of an object (a trial)")
    ap.add_argument("--tune-colour-noise", type=float, default=0.0, metavar="Q",
                    help="with --factorised-visual 27,83, in the understanding pass: each object cell of a captioned"
                         " text-to-image sample is read (not scored) with probability Q in another object colour, one no"
                         " shape of the scene has held out, so that drawn colours follow the colour word (the recipe: 0.3)")
    ap.add_argument("--tune-pattern-noise", type=float, default=0.0, metavar="Q",
                    help="the same for the cells' patterns: read with probability Q as the same cell of another shape"
                         " of that colour, size and place (the recipe: 0.3)")
    ap.add_argument("--noise-main", action="store_true",
                    help="apply --tune-colour-noise and --tune-pattern-noise in the main schedule too (the recipe)")
    ap.add_argument("--smooth-main", action="store_true",
                    help="apply --tune-smoothing and --tune-draw-smoothing in the main schedule too (a trial)")
    ap.add_argument("--invariance", type=float, default=0.0, metavar="LAMBDA",
                    help="with --factorised-visual 27,83, in the main schedule and the pass: LAMBDA times the invariance loss"
                         " (invariance.py: a few captions read again with a shape or colour word swapped, on seen"
                         " pairs only, must predict the same colours or patterns at the object's first cell; the recipe: 0.1)")
    ap.add_argument("--invariance-pairs", type=int, default=8, metavar="K",
                    help="with --invariance: captions read twice per step (default 8)")
    ap.add_argument("--save-main-every", type=int, default=0, metavar="N",
                    help="every N steps of the main schedule, save the decoder (its weights and factorised rows, no"
                         " optimiser) to OUT/backbone_main_stepS.pt, to measure when composition is decided (a trial;"
                         " saved_decoder.py makes a folder of one for export.py)")
    ap.add_argument("--tune-only", action="store_true",
                    help="skip the main schedule: resume from OUT/backbone_main.pt, which a run with --tune-steps saves"
                         " after its main schedule, and run the understanding pass alone (for trials)")
    ap.add_argument("--bf16", action="store_true",
                    help="forward and backward under bfloat16 autocast (weights and optimiser stay float32): "
                         "about 1.5x faster per step on CPUs with AVX512_BF16; ignored (float32) on CPUs without it")
    args = ap.parse_args()
    if args.marginal_factors and not (args.factorised_visual and args.factor_captions > 0):
        sys.exit("backbone.py: --marginal-factors needs --factorised-visual and --factor-captions")
    for option in ("tune_draw_smoothing", "tune_colour_noise", "tune_pattern_noise", "invariance"):   # they assume code_of's layout
        if getattr(args, option) and args.factorised_visual != f"{COLOUR_PAIRS},{PATTERNS}":
            sys.exit(f"backbone.py: --{option.replace('_', '-')} needs the supervised codes' --factorised-visual"
                     f" {COLOUR_PAIRS},{PATTERNS}")
    noise = (args.tune_colour_noise, args.tune_pattern_noise)
    noisy = any(noise)
    if args.tune_only and not (args.tune_steps > 0 and os.path.exists(os.path.join(args.out, "backbone_main.pt"))):
        sys.exit(f"backbone.py: --tune-only needs --tune-steps N and {os.path.join(args.out, 'backbone_main.pt')},"
                 " which a run with --tune-steps saves after its main schedule")
    if args.bf16 and not cpu_has_bf16():
        print("backbone.py: this CPU has neither AVX512_BF16 nor AMX-BF16, and PyTorch's bfloat16 matrix products"
              " would run a slow reference kernel: --bf16 ignored, training in float32", flush=True)
        args.bf16 = False
    torch.manual_seed(args.seed)
    torch.set_num_threads(int(os.environ.get("EMU3_TINY_THREADS", "2")))
    tok = Tokenizer.from_file(os.path.join(args.out, "tokenizer", "tokenizer.json"))
    builder = Builder(tok)
    vq = Emu3VQVAE.from_pretrained(os.path.join(args.out, "vq")).eval()

    cache = os.path.join(args.out, "codes.npz")
    # the cached codes belong to one tokenizer and one scene list: reuse them only for those
    weights = os.stat(os.path.join(args.out, "vq", "model.safetensors"))
    key = f"{weights.st_size}-{weights.st_mtime_ns}-{args.scenes}-{args.seed}"
    rng = random.Random(args.seed)
    scenes = [random_scene(rng, held_out=False) for _ in range(args.scenes)]
    t0 = time.time()
    cached = np.load(cache) if os.path.exists(cache) else None
    if cached is not None and "key" in cached and str(cached["key"]) == key:
        codes = cached["codes"]
    else:
        codes = encode_scenes(vq, scenes)
        np.savez_compressed(cache, codes=codes, key=key)
    print(f"data: {len(scenes)} scenes encoded in {time.time() - t0:.0f}s", flush=True)

    model = Emu3ForCausalLM(Emu3TextConfig(**text_config(tok)))
    factorised = None
    if args.factorised_visual:
        c, p = (int(v) for v in args.factorised_visual.split(","))
        assert builder.ids.visual0 + c * p == tok.get_vocab_size(), "visual tokens must be the last ids"
        factorised = FactorisedVisual(model, builder.ids.visual0, c, p, model.config.initializer_range)
        print(f"visual rows factorised: {c} colour x {p} pattern rows", flush=True)
    elif args.init == "appearance":
        feats, counts = code_appearance(scenes, codes, builder.ids.visual_count)
        init_visual_rows(model, feats, counts, builder.ids.visual0, args.seed)
        print(f"init: visual rows from the mean patches of {int((counts > 0).sum())} codes", flush=True)
    model.train()
    print(f"params: {sum(p.numel() for p in model.parameters()) / 1e6:.2f} M, vocab {tok.get_vocab_size()}", flush=True)
    decay = [p for n, p in model.named_parameters() if p.ndim >= 2]
    decay += list(factorised.parameters()) if factorised else []
    trained = list(model.parameters()) + (list(factorised.parameters()) if factorised else [])
    other = [p for n, p in model.named_parameters() if p.ndim < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": other, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    drops = ("colour", "shape") if args.factor_drop == "either" else (args.factor_drop,)
    opts = dict(factor=args.factor_captions, drops=drops, marginal=args.marginal_factors, isolate=args.isolate_words,
                isolated=args.isolated)
    budget = Budget(args.steps, args.minutes)
    start = time.time()
    step, tokens, curve = 0, 0, []
    acc = {"image": [], "text": [], "invariance": []}
    inv_rng = random.Random(args.seed + 1000)   # its own stream: the main data stream stays as without it

    def invariance_pairs():
        if not args.invariance:
            return None
        out = []
        while len(out) < args.invariance_pairs:
            i = inv_rng.randrange(len(scenes))
            p = invariance.pair(builder, inv_rng, scenes[i], codes[i], args.isolate_words,
                                lambda b, ids: isolated_words(b, ids, args.isolated))
            if p:
                out.append(p)
        return out

    def train_step(samples, lr: float, smoothing=None, draw_smoothing: float = 0.0, pairs=None) -> int:
        for g in opt.param_groups:
            g["lr"] = lr
        ids, w, mask, pos, *flags = batch_tensors(samples, builder.ids.pad, args.marginal_factors, noisy)
        inputs = flags.pop() if noisy else None
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=args.bf16):
            if factorised:
                loss, ce, ww = factorised.loss(model, ids, w, mask, pos, *flags, smoothing=smoothing,
                                                draw_smoothing=draw_smoothing, inputs=inputs)
                if pairs:
                    extra = invariance.loss(factorised, model, pairs, builder.ids.pad)
                    loss = loss + args.invariance * extra
                    acc["invariance"].append(float(extra.detach()))
            else:
                loss, ce, ww = weighted_loss(model, ids, w, mask, pos, smoothing)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trained, 1.0)
        opt.step()
        with torch.no_grad():
            img = ww == 0.5
            txt = ww == 1.0
            if img.any():
                acc["image"].append(float(ce[img].mean()))
            if txt.any():
                acc["text"].append(float(ce[txt].mean()))
        return int((ids != builder.ids.pad).sum())

    smoothing = (answer_classes(builder), args.tune_smoothing) if args.tune_smoothing else None
    main_smoothing = (smoothing, args.tune_draw_smoothing) if args.smooth_main else (None, 0.0)
    main_noise = noise if args.noise_main else (0.0, 0.0)
    main_state = os.path.join(args.out, "backbone_main.pt")

    def decoder_state() -> dict:
        """The decoder's weights and factorised rows, as backbone_main.pt and the --save-main-every files hold them."""
        return {"model": model.state_dict(), "factorised": factorised.state_dict() if factorised else None}
    if args.tune_only:   # resume after a main phase that ran with --tune-steps
        st = torch.load(main_state, weights_only=False)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        if factorised:
            factorised.load_state_dict(st["factorised"])
        rng.setstate(st["rng"])
        step, tokens, curve = st["step"], st["tokens"], st["curve"]
        start -= curve[-1]["minutes"] * 60
    while not args.tune_only:
        elapsed = time.time() - start
        frac = budget.fraction(step, elapsed)
        if frac >= 1:
            break
        lr = args.lr * min(1.0, (step + 1) / 150) * cosine(frac)
        picks = [rng.randrange(len(scenes)) for _ in range(args.batch)]
        tokens += train_step([sample(builder, rng, scenes[i], codes[i], binding=args.binding_questions,
                                     noise=main_noise, **opts)
                              for i in picks], lr, *main_smoothing, invariance_pairs())
        step += 1
        if step % 100 == 0:
            report(curve, acc, step, elapsed, tokens, lr)
        if args.save_main_every and step % args.save_main_every == 0:
            torch.save({**decoder_state(), "step": step}, os.path.join(args.out, f"backbone_main_step{step}.pt"))
    if step % 100 and not args.tune_only:
        report(curve, acc, step, time.time() - start, tokens, lr)   # the stage's last point: where it ended
    if args.tune_steps and not args.tune_only:   # so that --tune-only can try other passes from here
        torch.save({**decoder_state(), "opt": opt.state_dict(), "rng": rng.getstate(), "step": step,
                    "tokens": tokens, "curve": curve}, main_state)

    # the understanding pass: questions that must find an object by its shape, at a lower rate
    two = [i for i, s in enumerate(scenes) if len(s.objects) == 2]
    for k in range(args.tune_steps):
        lr = args.tune_lr * min(1.0, (k + 1) / 30) * cosine(k / args.tune_steps)
        tokens += train_step([tuning_sample(builder, rng, scenes, codes, two, args.tune_t2i, args.tune_recolour,
                                            noise, **opts)
                              for _ in range(args.batch)], lr, smoothing, args.tune_draw_smoothing, invariance_pairs())
        step += 1
        if (k + 1) % 100 == 0 or k + 1 == args.tune_steps:
            report(curve, acc, step, time.time() - start, tokens, lr, phase="understanding pass")
    if factorised:
        factorised.write(model)
    model.eval()
    model.save_pretrained(os.path.join(args.out, "backbone"))
    with open(os.path.join(args.out, "backbone_curve.json"), "w") as f:
        json.dump(curve, f, indent=1)
    with open(os.path.join(args.out, "backbone_run.json"), "w") as f:   # how it ran, for the model card
        json.dump({"bf16": bool(args.bf16), "cpu": cpu_info()[0], "threads": torch.get_num_threads()}, f, indent=1)
    print(f"saved after {step} steps, {tokens} tokens", flush=True)


if __name__ == "__main__":
    main()
