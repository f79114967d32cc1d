"""Writes models/emu3-tiny/README.md (the model card) from the training curves and the
evaluation figures, and prints each target as met or not. `--check` only verifies that the
card's figures are those of metrics.json and exits 1 when they are not.

Usage: card.py WORK_DIR MODEL_DIR [--check]
"""
from __future__ import annotations

import json
import math
import os
import struct
import sys
import textwrap

# the understanding pass's label smoothing (train_all.sh: --tune-smoothing 0.2), for Training
PASS_EXTRA = """Its answer and caption words are scored with label smoothing within their class
(`--tune-smoothing 0.2`: where the next word is a colour, the loss is 0.8 of its cross-entropy plus
0.2 of the mean cross-entropy over the eight colour words; shapes likewise over the six shapes).
Without it the decoder learns from the words around an answer which answers never follow them: "What
colour is the ring?" is never answered with the ring's held-out colour in training, and a red
object is never a cross, so for a held-out object the words (or the colour) ruled out the right
answer and the image could not win. Smoothing is uniform over the class whatever the question, so
it says nothing about which pairs are held out; it only keeps every colour and every shape possible
after any words, and leaves the image to decide. (The pass's answer-token losses in the curve
include the smoothing term, so they stay well above the main schedule's.) Its text-to-image samples
read their object cells now and then in another colour or pattern, as the main schedule's do. """

# the noisy object cells of the text-to-image samples (train_all.sh: --tune-colour-noise 0.3
# --tune-pattern-noise 0.3 --noise-main), for Training
NOISE = """Its text-to-image samples read each object cell, with probability 0.3, in another colour, and
with probability 0.3 with the pattern the same cell has in another shape of that colour, size and
place (`--tune-colour-noise 0.3 --tune-pattern-noise 0.3 --noise-main`; never a held-out pair,
never an empty cell), while the loss scores the true code: a cell's colour and pattern must then
follow the caption's words, whatever the cells drawn before it say. Without it, a held-out object
began in the prompted colour and turned to another at its next row, drawn as a pair seen in
training; with it in the understanding pass alone, the colour held better but the shape gave way
(Previous models). (The image-token losses include the noisy cells.)"""

# the hidden colour words of the text-to-image captions (train_all.sh: --isolate-words 0.8), for Training
ISOLATE = """In four of five text-to-image captions the object colour words are hidden from the caption's
later words (`backbone.py --isolate-words 0.8`): the attention mask lets only the image (from
`<|image start|>` on) see them, so the shape, size and position words after a colour word hold
the same whatever the colour, and the image can take an object's colour only from the colour word
itself. Without it the decoder learnt, for four of the six shapes, to read the colour at an
object's first cell from the shape word, which has seen the colour before it: for a held-out pair
that word holds a (shape, colour) pair it never saw, and the colour drawn was another (Previous
models). The checkpoint and its serving are plain Emu3: only the training mask changes, and the
image's predictions are the same to three decimals with the training mask and with the plain causal
one (measured on a trial that hid the shape words too, Limits)."""

# the invariance loss (train_all.sh: --invariance 0.1), for Training
INVARIANCE = """Each step also reads eight captions twice, up to the first cell of the object that comes
first in raster order (only background cells before it, so both readings see the same cells): as
they are, and with that object's shape word swapped for another shape that has the object's colour
in training, or its colour word for another colour that its shape has in training
(`backbone.py --invariance 0.1`, `tools/emu3_tiny/invariance.py`). With the shape swapped, the
object colours' logits there (centred over the eight colours) must stay the same; with the colour
swapped, the patterns' logits; the loss is their Huber distance, times 0.1, in the main schedule and
the pass. Only seen pairs are ever read: no held-out caption, drawing or score. Without it the
decoder learns that a star is never blue (after star words blue is only ever pushed down) as a
shape-dependent bias on the colour logits, and how far a held-out pair's colour survives that is
the luck of the run: the held-out first cell spread from 48% to 86% between runs of the previous
recipe and wandered while training went on (Limits). With it, 98.5% after the main schedule of the
run this model comes from (every pair 97.9% or more)."""

TARGETS = [
    ("VQ held-out PSNR (dB)", ("vq", "heldout_psnr_db"), 30.0),
    ("T2I held-out, shape+colour+position, default CFG", ("t2i_heldout_default_cfg", "all"), 0.90),
    ("Understanding held-out VQA exact", ("understanding_heldout", "vqa_exact"), 0.90),
]


def tokenizer_verdict(m) -> str:
    """One sentence on the vision tokenizer against its goal, for Limits."""
    psnr, exact = m["vq"]["heldout_psnr_db"], m["vq"]["detector_exact_after_roundtrip"]
    if psnr < TARGETS[0][2]:
        return f"The vision tokenizer still misses the {TARGETS[0][2]:.0f} dB goal ({psnr} dB)."
    tail = "" if exact >= 1 else f", though the detector misreads {fmt(1 - exact)} of the round-tripped scenes"
    return f"The vision tokenizer meets the {TARGETS[0][2]:.0f} dB goal ({psnr} dB){tail}."


def get(m, path):
    for k in path:
        m = m.get(k) if isinstance(m, dict) else None
    return m


def reached(m) -> list[bool]:
    """Whether each of TARGETS is met by metrics `m`, in order."""
    return [(get(m, path) or 0) >= goal for _, path, goal in TARGETS]


def fmt(v):
    if v is None:
        return "—"
    return f"{v:.1%}" if isinstance(v, float) and v <= 1.0 else f"{v}"


def parameter_counts(path):
    """Millions of parameters of the vision tokenizer and of the decoder, from the safetensors header."""
    with open(path, "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
    vq = sum(math.prod(v["shape"]) for k, v in header.items() if k.startswith("model.vqmodel."))
    text = sum(math.prod(v["shape"]) for k, v in header.items() if k != "__metadata__" and not k.startswith("model.vqmodel."))
    return vq / 1e6, text / 1e6


def table(rows, header):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def curve_rows(curve, keys, every):
    """Every `every`-th point of a curve and the last of each phase; a point's phase shows as "main"
    or as its `phase` (the understanding pass's points carry one)."""
    last = lambda i: i == len(curve) - 1 or curve[i + 1].get("phase") != curve[i].get("phase")  # noqa: E731
    rows = [p for i, p in enumerate(curve) if i % every == 0 or last(i)]
    return [[p["minutes"]] + [p.get(k, "main") if k == "phase" else p.get(k) for k in keys] for p in rows]


def stage_end(curve) -> tuple[int, float]:
    """A training stage's steps and minutes, from its curve's last point (where it ended)."""
    return (curve[-1]["step"], curve[-1]["minutes"]) if curve else (0, 0.0)


def locality(m, codes_right) -> str:
    """How local the codes are (evaluate.py's eval_code_locality), and why they are not quite."""
    c = m.get("vq_code_locality")
    if not c:
        return ""
    return f"""
The encoder gives {codes_right:.2%} of the cells of the first 128 held-out scenes the code their scene
defines (the last point of the curve above), so a held-out object's code grid is its shape's
patterns in its colour, and the cells away from it keep their background's code. Over all 1,440
single-object scenes, against the empty scene of the same background, adding one object changes
{c['codes_changed_by_one_object']} of the 64 codes, {c['codes_changed_away_from_it']} of them outside the 4×4 cells around the object: those far
changes are the empty scenes' alone. The scene generator never draws an empty scene, so the
tokenizer never saw one, and it reads the flat gray image as flat brown (every cell); with any
object in the image the background is read right. `vq.py --empty-scenes SHARE` shows it empty
scenes; it is not in the recipe yet."""


def refill(text: str, width: int = 100) -> str:
    """Rewraps the prose paragraphs that have a line longer than `width`, or one (not the last) far
    shorter (the figures filled into the templates change line lengths); tables, headings, lists,
    code and short paragraphs stay as written."""
    out = []
    end = "\n" if text.endswith("\n") else ""
    for block in text.rstrip("\n").split("\n\n"):
        lines = block.split("\n")
        head = [lines.pop(0)] if lines[0].startswith("#") else []     # a heading right above its paragraph
        prose = lines and not any(line.startswith(("|", "#", "```", "- ")) for line in lines)
        if prose and (any(len(line) > width for line in lines)
                      or any(len(line) < width - 30 for line in lines[:-1])):
            lines = textwrap.fill(" ".join(lines), width, break_long_words=False, break_on_hyphens=False).split("\n")
        out.append("\n".join(head + lines))
    return "\n\n".join(out) + end


def run_info(work) -> dict:
    """How the decoder ran (backbone.py writes OUT/backbone_run.json: bf16, cpu, threads)."""
    path = os.path.join(work, "backbone_run.json")
    run = json.load(open(path)) if os.path.exists(path) else {"bf16": True}
    return dict(run, cpu=run.get("cpu") or "unknown")


def precision(work) -> str:
    """How the decoder's arithmetic ran (backbone.py writes backbone_run.json), as a sentence."""
    run = run_info(work)
    if run["bf16"]:
        return (f"It trained under bfloat16 autocast (`--bf16`: weights and optimiser in float32), about 1.5 times"
                f" faster per step on a CPU with AVX512_BF16, as this model's ({run['cpu']}) has.")
    return ("`--bf16` asks for bfloat16 autocast (weights and optimiser in float32), about 1.5 times faster per step"
            f" on a CPU with AVX512_BF16; this model's CPU ({run['cpu']}, {run.get('threads', '?')} threads) has neither"
            " it nor AMX-BF16, where PyTorch's bfloat16 products run a slow reference kernel, so it trained in float32.")


def budget_verdict(work, minutes: float) -> str:
    """A sentence when the training went over the 90 minutes `make tiny-model` is meant to fit in."""
    if minutes <= 90:
        return ""
    run = run_info(work)
    why = ("" if run["bf16"] else f" This CPU ({run['cpu']}) has no AVX512_BF16, so the decoder trained in"
           " float32; under bfloat16 autocast on an AVX512_BF16 Intel CPU its stages, measured in earlier runs, add up"
           " to about 58 minutes.")
    return f" That is over the 90 minutes the recipe is meant to fit in.{why}"


def swift_agreement(m) -> str:
    """How the Swift services' images agree with PyTorch's: greedy images, and the sampler's draws."""
    g, c = m.get("swift_greedy_images_vs_pytorch"), m.get("swift_sampler_check")
    if not g or not c:
        return "run evaluate.py with --swift to compare them."
    span = (f"{g['psnr_db_min']}–{g['psnr_db_max']} dB, median {g['psnr_db_median']}" if g["psnr_db_min"] is not None
            else "all identical")
    if g["identical"] and g["psnr_db_min"] is not None:
        span = f"{g['identical']} identical, the others {span}"
    k = c["top_k"]
    fits = c["p"] >= 0.05 and not c["outside_top_k"]
    swift_all = get(m, ("swift_t2i_heldout_default_cfg", "all"))
    torch_all = get(m, ("t2i_heldout_default_cfg", "all"))
    return f"""greedy images through the Swift services
against PyTorch's for the {g['prompts']} held-out prompts measure {span} (the detector reads the
same from both for {fmt(g['same_detection'])}), and `tools/emu3_tiny/check_sampler.py` finds the Swift
sampler drawing each rank of PyTorch's top {k} {"as often as" if fits else "NOT as often as"} PyTorch's probabilities say, given the
tokens drawn before ({c['tokens']:,} tokens from {c['images']} images: drawn {' / '.join(f'{v:,}' for v in c['drawn'])}
against {' / '.join(f'{v:,}' for v in c['expected'])} expected, χ² {c['chi2']} on {k - 1} degrees of freedom, p =
{c['p']}; {c['outside_top_k'] or 'none'} outside the top {k}). The "all" column is noisy at these rates: Swift
measures {fmt(swift_all)} and PyTorch {fmt(torch_all)}, on {get(m, ("swift_t2i_heldout_default_cfg", "images")) or "?"} and
{get(m, ("t2i_heldout_default_cfg", "images")) or "?"} images."""


def first_cell_figures(m) -> str:
    """The sentence on where a drawn object's colour is decided (evaluate.py's first_cell figures)."""
    f = m.get("t2i_first_cell_colour")
    if not f:
        return ""
    pairs = ", ".join(f"{k} {fmt(v)}" for k, v in f["heldout_by_pair"].items())
    where = f.get("heldout_by_position")
    places = (f" By the object's position: {', '.join(f'{k} {fmt(v)}' for k, v in where.items())} (on the"
              " left the object's first cell is the row's first or second, read from the row's start)."
              if where else "")
    return f"""

Where an object's colour is decided, its first cell (teacher-forced on the scene's own codes, over
every single-object scene of a pair: `tools/emu3_tiny/first_cell.py`), the decoder gives the
prompted colour a probability of {fmt(f["heldout"])} on held-out pairs ({f["heldout_scenes"]} scenes) and {fmt(f["seen"])} on seen ones
({f["seen_scenes"]}). By held-out pair: {pairs}.{places} The detector finds the prompted colour in
{fmt(get(m, ("t2i_heldout_default_cfg", "colour")))} of the sampled images{later_cells(f, get(m, ("t2i_heldout_default_cfg", "colour")))}."""


def later_cells(f, drawn) -> str:
    """Whether the object's later cells keep the colour its first cell gets (first_cell_figures)."""
    if drawn is None or drawn >= f["heldout"] - 0.15:
        return ", about as often as the first cell gets it: the cells after it keep it"
    return ", so where the first cell gets it, the object's later cells still lose it"


def render(work, model):
    m = json.load(open(os.path.join(model, "metrics.json")))
    vq_curve = json.load(open(os.path.join(work, "vq", "curve.json")))
    bb_curve = json.load(open(os.path.join(work, "backbone_curve.json")))
    cfg = json.load(open(os.path.join(model, "config.json")))
    d = json.load(open(os.path.join(model, "emu3_defaults.json")))
    t, v = cfg["text_config"], cfg["vq_config"]
    size = os.path.getsize(os.path.join(model, "model.safetensors")) / 1e6
    vq_params, text_params = parameter_counts(os.path.join(model, "model.safetensors"))
    (vq_steps, vq_minutes), (bb_steps, bb_minutes) = stage_end(vq_curve), stage_end(bb_curve)
    main_curve = [p for p in bb_curve if "phase" not in p]
    main_steps, main_minutes = stage_end(main_curve)
    pass_steps, pass_minutes = bb_steps - main_steps, bb_minutes - main_minutes
    train_minutes = vq_minutes + bb_minutes
    codes_right = vq_curve[-1].get("codes_right")
    goals_met = reached(m)
    met = sum(goals_met)
    held_shape = get(m, ("t2i_heldout_default_cfg", "shape")) or 0.0
    held_colour = get(m, ("t2i_heldout_default_cfg", "colour")) or 0.0
    t2i_keys = ["shape", "colour", "position", "size", "background", "all"]
    t2i = [[name] + [fmt(get(m, (key, k))) for k in t2i_keys]
           for name, key in [("PyTorch, default CFG", "t2i_heldout_default_cfg"),
                             ("PyTorch, no CFG", "t2i_heldout_no_cfg"),
                             ("PyTorch, CFG 3 (Emu3's default)", "t2i_heldout_cfg3"),
                             ("PyTorch, seen prompts, default CFG", "t2i_seen_default_cfg"),
                             ("Swift services, default CFG", "swift_t2i_heldout_default_cfg")] if key in m]
    und = [[name] + [fmt(get(m, (key, "vqa_exact"))), get(m, (key, "vqa_pairs")),
                     fmt(get(m, (key, "captions_name_objects"))), get(m, (key, "captions"))]
           for name, key in [("PyTorch, all held-out pairs", "understanding_heldout"),
                             ("PyTorch, training-distribution scenes", "understanding_seen"),
                             ("PyTorch, subset asked of Swift", "pytorch_understanding_same_subset"),
                             ("Swift services, same subset", "swift_understanding_heldout")] if key in m]
    kinds = get(m, ("understanding_heldout", "vqa_exact_by_kind")) or {}
    seen_kinds = get(m, ("understanding_seen", "vqa_exact_by_kind")) or {}
    by_kind = [[f"{k}?", fmt(v), fmt(seen_kinds.get(k))] for k, v in kinds.items()]
    targets = [[name, fmt(get(m, path)), fmt(goal), "met" if ok else "**not met**"]
               for (name, path, goal), ok in zip(TARGETS, goals_met)]
    return f"""# emu3-tiny

A small Emu3 trained by this project on synthetic scenes, so that `emu3-orchestrator generate`
and `understand` work out of the box. It has the exact layout of a transformers-converted Emu3
checkpoint (`Emu3ForConditionalGeneration`: `config.json` with `vq_config`, `text_config` and
`vocabulary_map`; `model.safetensors`; a byte-level BPE `tokenizer.json` with Emu3's special and
visual token names), so both this project and `transformers` load it. It knows nothing but
64×64 images of one or two flat shapes.

Retrain with `make tiny-model` (CPU; fixed seeds and step counts, so the same data stream again;
on 2 threads some of PyTorch's CPU kernels add in varying order, so a retrained model differs in
the last bits of its weights and in its figures by a run's noise, which for drawing held-out
prompts is large (Limits: a second run of this recipe drew them right in 37.5% of the images), while 1 thread,
`EMU3_TINY_THREADS=1`, gives the same weights again; this model trained for {train_minutes:.0f} minutes on 2 cores). This card is written by
`tools/emu3_tiny/card.py` from `metrics.json` (made by `tools/emu3_tiny/evaluate.py`).

## Model
| part | shape | parameters | stored as |
|---|---|---|---|
| vision tokenizer (`Emu3VQVAE`) | base {v['base_channels']}, multipliers {v['channel_multiplier']}, {v['num_res_blocks']} res block/level, codebook {v['codebook_size']}×{v['embed_dim']}, 8× down, temporal factor {v['temporal_downsample_factor']} | {vq_params:.2f} M | F16 |
| decoder (`Emu3TextModel` + head) | {t['num_hidden_layers']} layers, hidden {t['hidden_size']}, {t['num_attention_heads']} heads / {t['num_key_value_heads']} KV heads, MLP {t['intermediate_size']}, vocab {t['vocab_size']}, context {t['max_position_embeddings']} | {text_params:.2f} M | BF16 |

`model.safetensors` is {size:.1f} MB. Images are 64×64 (an 8×8 code grid, the only grid trained:
`emu3_defaults.json` fixes it). Generation defaults: CFG {d['cfg_scale']}, top-k {d['top_k']},
temperature {d['temperature']}, no quality suffix, empty negative prompt (the unconditional stream was
trained with an empty caption). Understanding is greedy, up to {d['understanding']['max_new_tokens']} tokens.

## Data
Seeded scenes (`tools/emu3_tiny/scenes.py`): shapes circle, square, triangle, star, ring, cross;
colours red, green, blue, yellow, purple, cyan, orange, white; sizes small, large; positions left,
right, top, bottom, centre; backgrounds black, gray, brown; one object or a left/right or
top/bottom pair. Captions ("a large red circle on the left on a black background"; sizes and the
background are left out at random) and questions ("What colour is the circle?", "Where is the
star?", "How many objects are there?", "Describe the image." ...). Six (shape, colour) pairs,
one per shape, never appear in training; every figure below is measured on scenes or prompts that
contain one of them.

## Training
Sequences in the Emu3 format (spec §5): `BOS caption <|image start|> 8*8 <|image token|> rows
EOL… EOF <|image end|> EOS` for text-to-image (10% with an empty caption) and the chat template
`BOS You are a helpful assistant. USER: <image> question. ASSISTANT: answer EOS` for
understanding; next-token loss with vision tokens weighted 0.5.

The vision tokenizer is trained first, with supervised codes ({vq_steps:,} steps, {vq_minutes:.0f} minutes here; `vq.py
--supervised-codes`, `tools/emu3_tiny/supervised_codes.py`). Every object of these scenes is
centred on a corner of the 8×8-pixel code grid, and two objects never touch the same cell, so a
cell's pixels are background + α·(object − background), where the coverage patch α depends only
on the object's shape and size and on where the cell lies in it: over all shapes, sizes and
positions there are 82 such patches (13 of them shared by more than one shape). A cell's code is
therefore exact as a pair: its colours (the object's colour or none, and the background: 27
pairs) and its pattern (one of the 82 patches, or empty: 83), code = colour × 83 + pattern, so
the codebook has 27 × 83 = 2,241 rows (Emu3's layout; the vocabulary has as many visual tokens). A
row is [the object's RGB (the background's where none), the background's RGB, a pattern point]:
the pattern points are 83 fixed points in 8 dimensions (the empty one at the origin, the others
spread on a sphere), so a code has 14 channels, and nearest-row quantisation picks the two halves
independently. The rows are fixed; the encoder is pulled to its cell's row (MSE), and the decoder
learns to draw the scene from the exact rows (teacher forcing: MSE + 0.1·L1), so it draws what the
Emu3 decoder will write. Adam 1e-3, constant for half the steps then a cosine, batch 8; the
encoder's eleven 3×3 convolutions on the code grid are held at 1×1 and its middle attention silent
(`--local-encoder`: a cell's code is a function of its own patch). Held-out PSNR through the
encoder's codes and from the exact codes, and the share of held-out cells given their code
(first 128 held-out scenes), by minutes of training:

{table(curve_rows(vq_curve, ["step", "loss", "heldout_psnr_db", "psnr_from_exact_codes_db", "codes_right"], max(1, len(vq_curve) // 12)),
       ["minutes", "step", "train MSE", "held-out PSNR (dB)", "from exact codes (dB)", "share of cells given their code"])}

Earlier tokenizers learned their codes without supervision (Previous models): an EMA codebook
fused each object's colour and shape in every code, and spread one object's influence over far
cells, so a held-out (shape, colour) pair needed code configurations training never showed.

Then the decoder ({main_steps:,} steps, {main_minutes:.0f} minutes here; AdamW 2e-3 with warm-up and a
cosine, batch 32 samples, 70% text-to-image, 30% understanding) on 12,000 encoded training
scenes, with fresh caption variants and questions drawn every step. An understanding sample asks
up to six questions about one image: they share the image prefix, and each sees only the prefix
and itself (a block mask, positions as if alone), so one sample is worth six single-question sequences, exactly, for 1.5× the tokens of one; samples
are packed into rows of 208 tokens. (The previous recipe spent 40% of its sequences on one
question each, one or two answer tokens to learn from in about 117 tokens.) The visual tokens' rows are
factorised as the codes are (`backbone.py --factorised-visual 27,83`): code c × 83 + p has the
input embedding colour_in[c] + pattern_in[p] and the output row colour_out[c] + pattern_out[p], so
its logit is a colour logit plus a pattern logit, and a held-out pair's code is made of rows that
training shaped; the sums are exported as ordinary rows (a plain Emu3 checkpoint). {precision(work)}
{ISOLATE} {NOISE} {INVARIANCE}

Last, an understanding pass ({pass_steps:,} steps, {pass_minutes:.0f} minutes here; `backbone.py --tune-steps
{pass_steps} --tune-t2i 0.15`): AdamW at a peak of 5e-4 (30 steps of warm-up, then a cosine down to 5%),
batches of 85% understanding samples, four in five of them of two-object scenes, and 15% text to
image, and the invariance loss. (This model's pass was run with `--tune-only` from the saved main
schedule of a full run whose own pass had no invariance loss, Limits, run to run; `make tiny-model`
runs both stages in one command.)
{PASS_EXTRA}After the main schedule the decoder answers a question that names one of two objects ("What
colour is the star?") about as often for the other object as for it. That is an optimisation
plateau, not a limit of the model: a decoder fine-tuned on two-object questions alone stays at
chance for about 200 steps, then climbs (58.5% → 81% at 400 steps, 89% at 900). With the noisy cells
in the main schedule, a pass of 30% text to image left "Where is the X?" and "How big is the X?" at
chance between the two objects (Limits); with 15%, "Where is the X?" is bound. Mean next-token loss (nats) by minutes of training (the pass's rows marked):

{table(curve_rows(bb_curve, ["phase", "step", "tokens", "image_loss", "text_loss"], max(1, len(bb_curve) // 14)),
       ["minutes", "phase", "step", "tokens", "image tokens", "answer tokens"])}

## Results (held-out attribute combinations)
Vision tokenizer on {256} held-out scenes: PSNR **{m['vq']['heldout_psnr_db']} dB**; the detector reads
the same scene back from {fmt(m['vq']['detector_exact_after_roundtrip'])} of the round-tripped images
(colours right on {fmt(m['vq']['detector_colours_after_roundtrip'])}).
{locality(m, codes_right)}

Text to image: the detector (`tools/emu3_tiny/detector.py`, exact on the generator's renders) on
images for held-out prompts (20 prompts, 10 seeds each in PyTorch, 5 through the Swift services):

{table(t2i, ["run"] + t2i_keys)}

("all" = the prompted shape, colour and position all found.) The defaults (no CFG, top-k 4) were
chosen by `tools/emu3_tiny/sweep.py` on prompts from the training distribution with the first
model, where every CFG scale above 1 lowered every figure (the unconditional stream is weak); with
this one CFG 3 lowers every figure too, as the table shows. On prompts from the training
distribution the model draws what it is asked in {fmt(get(m, ("t2i_seen_default_cfg", "all")))} of the images. On held-out (shape,
colour) pairs it draws the prompted shape in {fmt(held_shape)} of the images, the prompted colour in
{fmt(held_colour)}, and both (with the position) in {fmt(get(m, ("t2i_heldout_default_cfg", "all")))}. The tokenizer is not in the way (a held-out
pair's codes are seen patterns in a seen colour, and it draws them at {m['vq']['heldout_psnr_db']} dB), and a code's
logit is a colour logit plus a pattern logit. What held drawing back was where the decoder read a
colour: the afternoon model (Previous models) read it, for four of the six shapes, from the shape word, which
for a held-out pair holds a pair it never saw, and drew held-out prompts right in 14.5% of the
images (shape 59.0%, colour 31.0%). With the colour words hidden from the caption's later words
(Training), the shape words hold no colour: the night model drew the prompted shape in 94.5% of the
images, but the object turned to another colour at its next row (35.0%), a pair seen in training.
With the cells read now and then in another colour and pattern in its understanding pass only, the
late-night model drew the prompted colour more often (53.0%) and the shape less (79.0%): 37.0% in
all. With them from the main schedule on (Training), the previous model drew both in 85.0%, as the
better of its recipe's runs (Limits). With the invariance loss as well (Training), this one draws
both in 91.0%. The Swift
sampler draws other random numbers than `torch.multinomial`, so its row is other images from
the same distribution, not the same images: {swift_agreement(m)}{first_cell_figures(m)}

Understanding, greedy (held-out scenes unless the row says otherwise):

{table(und, ["run", "exact answers", "pairs", "captions name the objects", "captions"])}

Exact answers by question (PyTorch). With the pass's label smoothing the held-out shape question is
answered {fmt(kinds.get("What shape is …"))} (the midday model, Previous models: 75.3%, a red cross read as a triangle in nearly all
its errors) and captions of held-out scenes name their objects in {fmt(get(m, ("understanding_heldout", "captions_name_objects")))} (43.3%). What stays
wrong is the colour question, {fmt(kinds.get("What colour is the …"))} on held-out scenes ({fmt(seen_kinds.get("What colour is the …"))} on the training distribution's),
and "Where is the X?", {fmt(kinds.get("Where is the …"))} ({fmt(seen_kinds.get("Where is the …"))}); the size question is answered {fmt(kinds.get("How big is the …"))}
({fmt(seen_kinds.get("How big is the …"))}). (The previous model, Previous models, answered the colour question 91.0% and the
size question 83.1%: asked how big one of two objects of different sizes is, it answered about as
often with the other object's size. Its colour errors, and an earlier model's, were the other
object's colour or, asked the colour of a held-out object alone, a run of caption words; this
model's are not yet read one by one.) Binding, answering
about the object a question names when there are two, was the weak point of the models before the
understanding pass: asked "What colour is the X?" and "Where is the X?" on scenes of the training
distribution, an earlier model answered 83 of 84 right with one object, but with two only 33 of 72,
and 34 with the other object's colour or position. With the pass, "Where is the X?" and "How big
is the X?" are answered {fmt(kinds.get("Where is the …"))} and {fmt(kinds.get("How big is the …"))} on held-out scenes (the late-night model: 87.6% and 100%).

{table(by_kind, ["question", "held-out scenes", "training-distribution scenes"])}

The same greedy answers from PyTorch and from the Swift services: {fmt(m.get('swift_pytorch_identical_answers'))}
identical.

## Targets
{table(targets, ["target", "measured", "goal", ""])}

## Previous models
The model shipped before this one (4 December, early morning; the previous model) had this
model's tokenizer and recipe without the invariance loss. It measured text to image on held-out
prompts 85.0% (shape 99.5%, colour 85.5%, position 100%; CFG 3 38.5%; through the Swift services
83.0% of 100 images), on seen prompts 100%; held-out VQA 95.2% (the colour question 91.0%, where
100%, how big 83.1%; captions naming the objects 100%), on seen scenes 96.5%. The first cell of a
held-out object got the prompted colour with probability 88.0% (the blue star 71.6%; on the left
72.7%).

The one before it (3 December, late night) had this model's tokenizer and the
night model's main schedule (below) without the noisy cells; its pass (30% text to image) read its
cells with both noises at 0.3. It measured text to image on held-out prompts 37.0% (shape 79.0%,
colour 53.0%, position 97.0%; CFG 3 16.5%; through the Swift services 40.0% of 100 images), on seen
prompts 100%; held-out VQA 92.2% (the colour question 70.8%, where 87.6%, how big 100.0%, the shape
question 100.0%; captions naming the objects 100.0%), on seen scenes 93.6%. The first cell of a
held-out object got the prompted colour with probability 59.7% (the purple square 26.3%, the white
triangle 43.4%).

The one before it (3 December, night) had the same tokenizer and main schedule, byte for byte
(the late-night model's pass was rerun from it with `--tune-only`), and a pass without the
noisy cells. It measured text to image on held-out prompts 29.5% (shape 94.5%, colour 35.0%,
position 100%; CFG 3 19.0%; through the Swift services 28.0% of 100 images), on seen prompts 100%;
held-out VQA 92.4% (the colour question 83.1%, where 82.0%, how big 94.4%, the shape question
100.0%; captions naming the objects 100.0%), on seen scenes 92.9%. The first cell of a held-out
object got the prompted colour with probability 86.4% (the purple square 49.8%), but drawn greedily
most held-out objects turned to another colour at the next cell or row (a white triangle's second
row green, a blue star's red, a purple square's cyan): teacher-forced on the true codes, the
prompted colour's probability was 0.87 at the first cell, 0.85 on the rest of the first row, 0.74
on the second row and 0.89 below it, against 0.997 or more on every cell of seen objects, and the
same with the training mask and the plain causal one.

The one before it (3 December, afternoon) had the night model's tokenizer and recipe
without the hidden colour words (its main schedule was that of the model before it, below, and its
pass smoothed the words as this one's does). It measured text to image on held-out prompts 14.5%
(shape 59.0%, colour 31.0%; CFG 3 4.0%; through the Swift services 17.0% of 100 images), on seen
prompts 87.5%; held-out VQA 94.3% (the colour question 77.5%, where 94.4%, how big 97.8%, the shape
question 100.0%; captions naming the objects 100.0%), on seen scenes 94.7% (the colour question
88.0%, where 90.4%, how big 92.8%); the Swift services gave the same answers (100% identical). The
first cell of a held-out object got the prompted colour with probability 33.5% (seen pairs 99.9%):
99.8% for the green circle and 99.5% for the cyan ring, whose first cells read the colour word in
layers 2 and 3, but 0.2% for the red cross, 0.0% for the purple square and the blue star and 1.3%
for the white triangle, whose first cells read the shape word there instead.

The one before it (3 December, midday) had the same tokenizer and main schedule, byte for byte
(the afternoon model's pass was rerun from its saved main schedule with `--tune-only`), and
recoloured three in ten of the pass's understanding images (`--tune-recolour
0.3`) instead of smoothing its words. It measured text to image on held-out prompts 20.0% (shape
36.5%, colour 38.0%; no CFG the same, CFG 3 9.0%; through the Swift services 18.0% of 100 images),
on seen prompts 88.5%; held-out VQA 88.9% (the colour question 71.9%, where 95.5%, how big 97.8%,
the shape question 75.3%; captions naming the objects 43.3%), on seen scenes 97.1% (the colour
question 94.0%, where 94.0%, how big 96.4%, the shape question 100.0%; captions 100.0%); the Swift
services gave the same answers (100% identical).

Before it, the model shipped on 3 December (morning) was the afternoon model's recipe without the understanding
pass: the same tokenizer recipe (39.31 dB, 100% of round trips read back) and the same main
schedule (1,830 steps, 23 minutes under bfloat16 on an AVX512_BF16 CPU). It measured text to image on held-out prompts
19.0% (shape 41.5%, colour 33.5%; no CFG the same, CFG 3 0.0%; through the Swift services 19.0% of
100 images), on seen prompts 100.0%; held-out VQA 74.2% (the colour question 70.8%, where 67.4%, how
big 80.9%, the shape question 42.7%; captions naming the objects 13.3%), on seen scenes 86.7% (the
colour question 74.7%, where 72.3%, how big 80.7%, the shape question 100.0%; captions 100.0%). Its
held-out errors: on one-object scenes every question was right but a held-out object's shape, and
on two-object scenes the questions that name a shape were at chance (binding), on seen scenes too.
A second run of its main schedule (two threads, so not the same weights) measured held-out VQA
79.4% and held-out prompts 14.5% (shape 44.5%, colour 40.0%), and the pass on that run: 88.9% and
8.5% (shape 63.0%, colour 18.0%).

Before it, the model shipped on 2 December learned its tokenizer's codes without supervision:
3,000 steps with an EMA codebook of 1,024 codes and dead-code restarts (MSE + 0.1·L1 +
0.25·commitment, `--local-encoder`), then the codebook thinned to the 45 codes at least 0.3 of the
latents' spread apart (`vq.py --merge-codes 0.3`: the EMA codebook packs most codes around the
background colours, so the small shift an object makes to far latents flipped their codes) and
470 steps of its decoder alone; its Emu3 decoder (1,830 steps in float32) had plain visual rows,
started from the mean patch each code stands for. It measured VQ 30.85 dB with 85.5% of round trips
read back exactly; an empty scene took 7.3 codes, one object changed 36.3 codes, 23.1 of them away
from it; text to image on held-out prompts 17.0% (shape 27.5%, colour 85.0%; CFG 3 20.5%), on seen
prompts 78.5%; held-out VQA 73.9% (the shape question 53.9%, captions naming the objects 30%), on
seen scenes 85.4% (the shape question 94.0%, captions 95%); final losses 0.155 nats on image tokens
and 0.050 on answer tokens. A second seed of its Emu3 decoder (`backbone.py --seed 3`) drew
held-out prompts in 11.0% of images and answered 70.2% of held-out questions: one run of a recipe
tells its held-out drawing to about 6 points and its answers to about 4. The model after it
(supervised codes, 3 December in the morning, above), against it: VQ 39.31 dB, round trips 100.0%; text to image 19.0% on
held-out prompts (shape 41.5%, colour 33.5%), 100.0% on seen ones; held-out VQA 74.2% (the shape
question 42.7%, captions 13.3%), on seen scenes 86.7% (the shape question 100.0%, captions 100.0%);
final losses 0.036 and 0.0324 nats. The training distribution was learnt all but perfectly, and the
two held-out targets moved within the noise of one run; but the held-out drawings changed in kind
(the prompted colour 85.0% → 33.5%, the shape 27.5% → 41.5%), and captions of held-out scenes named
the objects less often (30% → 13.3%).

Before it, one had the same recipe without `--merge-codes` (3,000, 470 and 1,830 steps; 54
minutes of training on a fast day of this CPU; its first tokenizer stage was the thinned model's,
byte for byte at the stored precision). Its codebook had 956 codes in use on training scenes, and
it measured VQ 32.07 dB (first stage 31.47 dB on the first 128 held-out scenes, then 32.03) with
94.1% of round trips read back exactly; an empty scene took 22.0 codes, one object changed 61.8
codes, 46.0 of them away from it, and 46.5% of a held-out object's codes occurred there in
training; text to image on held-out prompts 4.0% (shape 5.5%, colour 93.0%), on seen prompts
45.0%; held-out VQA 69.5% (the shape question 20.2%, captions naming the objects 0%), on seen
scenes 79.9% (the shape question 65.1%, captions 65.0%); final losses 0.55 nats on image tokens
and 0.11 on answer tokens. Thinning its codebook (fewer, more local codes) cost PSNR and round
trips read back, and the Emu3 decoder learnt the thinned codes far better, on held-out scenes too:
held-out text to image 4.0% → 17.0%, seen prompts 45.0% → 78.5%, held-out VQA 69.5% → 73.9%, more
than the noise of one run.

The one before it had the same recipe without `--local-encoder` (78 minutes in one `make
tiny-model` on a slower day of this CPU). It measured VQ 30.73 dB (first stage 29.5 dB on the first
128 held-out scenes, then 30.54) with 87.1% of round trips read back exactly; one object changed
63.3 codes, 47.4 of them away from it, and 44.9% of a held-out object's codes occurred there in
training; text to image on held-out prompts 4.5% (shape 8.0%, colour 84.0%), on seen prompts 24.5%;
held-out VQA 67.6% (the shape question 25.8%), on seen scenes 77.7% (the shape question 54.2%).
With the local encoder, the model after it learnt the training distribution better (seen prompts
24.5% → 45.0%, the shape question on seen scenes 54.2% → 65.1%, captions naming the objects 53.3%
→ 65.0%; final losses 0.55 against 0.92 nats on image tokens, 0.11 against 0.15 on answer tokens;
an empty scene took 22.0 codes instead of 50.0); the held-out figures stayed within the noise: its
codes were no more local, and it composed no better.

The one before that was a second run of that recipe, except that each stage ran for a time (35, 4
and 41 minutes: 2,974, 469 and 1,827 steps on that run, with the rates following the clock)
instead of a number of steps; the step counts above are those, rounded. So the two differ by
run-to-run noise (the rates at each step, and what the slightly other codes lead to), and the
differences show how large that noise is. It measured VQ 30.61 dB (first stage 29.52 dB on the
first 128 held-out scenes, then 30.41) with 87.1% of round trips read back exactly; text to image
on held-out prompts 5.0% (shape 8.0%, colour 78.5%), on seen prompts 23.5%; held-out VQA 69.1%
(the shape question 34.8%), on seen scenes 76.8% (the shape question 50.6%). The held-out shape
question moved from 34.8% to 25.8% between the two runs, the held-out VQA figure from 69.1% to
67.6%, text to image on held-out prompts from 5.0% to 4.5%: single runs cannot tell apart recipe
changes of the size of those differences.

Before it, one had the same first tokenizer stage as that run (its codes were the same) but
no decoder-only stage, and its decoder trained for 45 minutes instead of 41 (2,045 steps
and 7.56 M tokens; that run 1,827 and 6.75 M). It measured VQ 29.72 dB with 81.2% of round trips
read back exactly; text to image on held-out prompts 4.5% over 200 images (shape 9.0%, colour
78.5%, position 96.5%), on seen prompts 28.5%; held-out VQA 68.3% (77.9% on seen scenes; the
shape question 31.5% and 60.2%; captions naming the objects on seen scenes 61.7%). Moving those
4 minutes to the tokenizer's decoder met the PSNR goal (29.72 → 30.61 dB, round trips read back
exactly 81.2% → 87.1%; on the first 128 held-out scenes the first stage ended at 29.52 dB and the
second at 30.41). The held-out figures did not move beyond their noise (text to image 4.5% →
5.0%, VQA 68.3% → 69.1%); the training-distribution ones fell a little (seen prompts 28.5% →
23.5%, VQA on seen scenes 77.9% → 76.8%, the shape question there 60.2% → 50.6%, captions 61.7%
→ 53.3%); with noise of up to 9 points on one question between two runs of one recipe (above),
those are not clear effects either.

Before it, one with the same tokenizer and decoder recipe, but with the default random
initialisation of the visual rows (and 1,892 steps in 45 minutes). It measured: text to image on
held-out prompts 10.0% over 200 images (shape 16.5%, colour 72.0%, position 95.5%), on seen
prompts 17.0%; held-out VQA 66.4% (73.7% on seen scenes; the shape question 20.2% and 33.7%).
It drew about random shapes for held-out prompts (16.5% right, about 1 in 6, and 1/6 × 72.0%
colour × 95.5% position is 11.5%); with the visual rows started from what the codes look like,
the decoder learnt the training distribution better (seen prompts 17.0% → 28.5%, the shape
question on seen scenes 33.7% → 60.2%) and draws the shapes it has seen in the prompted colour.
Neither composes. The init, not the extra steps, made that change: a second run with the new
init that got only 1,709 steps (the CPU ran slower) measured held-out text to image 5.5% (shape
10.5%), seen prompts 20.5%, held-out VQA 69.7%.

Before those, a model with the tokenizer trained for 34 minutes and the decoder for 40 minutes
(one question per understanding sequence, 60% text-to-image) measured VQ 28.96 dB with 77.0% of
round trips read back exactly; text to image on held-out prompts 8.3% over 60 images (shape 10%,
colour 78.3%, position 93.3%), on seen prompts 11.7%; held-out VQA 58.4% (67.7% on seen scenes).
The first one (tokenizer multipliers [1, 2, 2, 4], decay over the last 30%, 32 minutes) measured
VQ 26.2 dB, held-out text to image 0%, held-out VQA 59.7%.

## Limits
Trained for {train_minutes:.0f} minutes on a 2-core CPU.{budget_verdict(work, train_minutes)} {tokenizer_verdict(m)} The decoder learns the training distribution, and composes unseen (shape, colour) pairs only in
part: it draws held-out prompts right in {fmt(get(m, ("t2i_heldout_default_cfg", "all")))} of the images (the shape in {fmt(held_shape)}, the colour in
{fmt(held_colour)}), and it understands only the questions it was trained on.
The understanding pass taught it to bind the attributes of two objects and, with its label smoothing, to name held-out
pairs (below); drawing on seen prompts stands at {fmt(get(m, ("t2i_seen_default_cfg", "all")))} after it, against 100% before it.
{["None", "One", "Two", "All"][met]} of the three targets {"is" if met <= 1 else "are"} met.

With this model's supervised codes, composition rests on the Emu3 decoder alone: the tokenizer
reads and draws a held-out pair exactly, as codes made of seen parts. The levers measured, in order:
- **Invariance loss** (`backbone.py --invariance 0.1`, this model): the held-out first cell after
  the main schedule 85.2% (the previous model's, its recipe's better draw; 47.9% in another) →
  98.5%, every pair 97.9% or more; held-out prompts 85.0% → 91.0% (shape 94.0%, colour 97.0%).
- **Noisy cells** (`backbone.py --tune-colour-noise 0.3 --tune-pattern-noise 0.3 --noise-main`,
  the previous model): held-out prompts 29.5% (the night model) → 37.0% with the noise in the
  understanding pass alone → 83.0% and 85.0% with it from the main schedule on (two passes, below):
  a drawn cell's colour and pattern follow the caption's words, not the cells drawn before it.
- **Hidden colour words** (`--isolate-words 0.8`, the night model): 14.5% → 29.5%, the first cell
  of a held-out object in the prompted colour 33.5% → 86.4% (Previous models).
- **Supervised codes with factorised rows** (`vq.py --supervised-codes`, `backbone.py
  --factorised-visual 27,83`, the model shipped on 3 December in the morning, whose recipe this one
  continues): VQ
  30.85 → 39.31 dB and the training distribution learnt all but perfectly, but the two held-out
  targets within the noise of one run (Previous models).
- **Thinning the codebook** (`vq.py --merge-codes`, the model shipped on 2 December): the largest step
  among tokenizers that learn their codes (Previous models). A larger EPS made the codes more local
  still but cost PSNR: thinning that model's first stage without training anything after it gave
  242 codes and 31.97 dB at EPS 0.1, 91 and 31.52 at 0.2, 45 and 30.81 at 0.3, 27 and 29.68 at 0.4,
  20 and 28.59 at 0.5 (codes changed away from an object 37.5, 30.7, 23.1, 18.5 and 15.5). Two full
  runs from the same first stage bracket 0.3 (17.0% on held-out prompts, 78.5% on seen ones,
  held-out VQA 73.9%). At 0.2 (91 codes; VQ 31.44 dB, 91.8% of round trips read back) it drew
  held-out prompts in 8.5% of images and seen ones in 72.5%, and answered 75.8% of held-out
  questions. At 0.4 with a decoder-only stage twice as long (940 steps; 27 codes, 30.61 dB, 76.2%
  read back) it drew 8.5% and 73.0%, and answered 76.1%. These differences are within the noise of
  one run: the 0.3 recipe with another seed (`backbone.py --seed 3`: other scenes, other
  initialisation) drew held-out prompts in 11.0% of images (shape 16.5%) and seen ones in 79.0%,
  and answered 70.2% of held-out questions (the shape question 34.8%; on seen scenes 66.3%, against
  94.0%). So one run of a recipe tells its held-out drawing to about 6 points and its answers to
  about 4, far more than the noise measured on the older, weaker models.
- **The encoder's reach.** With `locality_probe.py` on the model before the local encoder, the
  eleven 3×3 convolutions on the code grid carried an object's influence (with the empty scene's
  GroupNorm statistics, without the middle attention, or both, one object still changed 46.5, 47.3
  and 46.4 codes away from it; 47.4 as trained). `vq.py --local-encoder` holds them at 1×1 and the
  attention silent (weights kept at zero: Emu3's architecture unchanged). That trains faster but
  left the codes about as global, because GroupNorm, which normalises each channel over the whole
  image, then carries the reach.
- **GroupNorm's statistics** (`vq.py --norm-statistics W`, a loss keeping them as on the empty scene
  of the same background): in a 1,000-step one-thread trial with the local encoder, W = 1 brought
  the codes changed away from an object from 46.0 to 32.2, but the full first stage with it stood at
  22.2 dB at step 2,600 against 30.7 without it. Not in the recipe.
- Earlier attempts: `vq.py --consistency W` adds a loss asking the latents of cells whose
  neighbourhood did not change to stay put (the scene shifted by whole cells and a band of it
  replaced); at W = 1 for 35 minutes it made the latents far more local (about 0.1 of their spread
  instead of 0.5 to 1) but not the codes (53 of 64 changed) and reached only 21.1 dB; W = 0.25
  without the shift cost 3 dB in a 22-minute trial (19.8 against 22.8 dB) for 52 changed codes
  instead of 63. Training with a smaller codebook from the start did not make the codes local either
  (with W = 1 for 24 minutes: 1,024 codes 18.9 dB and 43.8 changed codes, 256 codes 18.9 dB and 57.8,
  64 codes 13.1 dB and 32.8); thinning a trained codebook keeps its most used codes instead.

For composition on the text side, captions that leave out an object's colour or its shape
(`backbone.py --factor-captions 0.3`: per object, "a red shape" or "a star"), meant to teach
the shape words apart from the colour words, did the opposite in a full run on the first model
thinned at 0.3: held-out prompts 1.5% (shape 12.0%), seen prompts 50.5%, held-out VQA 69.3% (the
shape question 37.1%), against 17.0%, 78.5%, 73.9% and 53.9%. Not in the recipe.

On this model's codes the same option did what it was meant to for understanding, not for drawing
(a full run, `--factor-captions 0.3` added to the previous model's recipe, without the understanding
pass): held-out VQA 80.5% (the shape question 77.5%, captions naming the objects 30.0%), against
that model's 74.2%, 42.7% and 13.3%: the answers' gain is
beyond the noise of one run. But held-out prompts fell to 4.0% (shape 54.5%, colour 11.5%; seen
prompts 99.5%): a caption without its colour ("a star") teaches each shape its seen colours, and
the decoder then draws the prompted shape in one of those (in 40 images for 20 held-out prompts, 12.5%
of the object cells had the prompted colour). Not in the recipe. With `--marginal-factors` added (on an
object whose colour the caption left out only the pattern half of its codes is scored, and only
the colour half when it left out the shape), the pattern half composed and the colour half did not:
held-out prompts drew the prompted shape in 79.0% of the images but the prompted colour in 1.0%
(all 1.0%; seen prompts 98.5%); held-out VQA 76.7% (the shape question 57.3%, captions 1.7%). So the
decoder's colour logits for a shape word exclude the colours that shape never had. Not in the
recipe.

For binding, understanding samples of two-object scenes that always ask each object's colour and
position (`backbone.py --binding-questions`: 1.8 times as many of those questions) did not help.
Asked "What colour is the X?" and "Where is the X?" about each object of 60 two-object training
scenes, the first model thinned at 0.3 answered 126 of 240 right and 107 with the other object's
answer; with the option, 129 and 108: chance between the two objects either way. Its other
figures: held-out VQA 72.1% (the shape question 39.3%), held-out prompts 10.0%, seen prompts 74.0%.
The decoder goes from a position to a shape (the shape question, 94% on seen scenes) but not from
a shape's name to where it is: in Emu3's format the image comes before the question and attention
is causal, so the image tokens themselves must carry "a star here", and only an object's last
cells see all of it. Its other figures are within the noise of one run (the seed run above). Not
in the recipe.

The understanding pass (Training) was first measured without recolouring, in a full run of the
previous model's recipe plus `--tune-steps 800`: held-out VQA 88.9% (the colour question 66.3%,
where 100%, how big 100%, the shape question 74.2%; captions naming the objects 45.0%), VQA on
scenes of the training distribution 100% on every question; held-out prompts 8.5% (shape 63.0%,
colour 18.0%; CFG 3 3.0%), seen prompts 100%. The same main schedule without the pass measured
held-out VQA 79.4% and held-out prompts 14.5% (shape 44.5%, colour 40.0%), so the pass gains about
9.5 points of answers and costs about 6 of drawing. What stayed wrong on held-out scenes was
composition: a held-out object's colour named as a colour its shape had in training, and its shape
as another shape. Rerun from the same main schedule (`--tune-only`), half of the pass's samples
text to image (`--tune-t2i 0.5`) measured the same (88.0%; 9.5%, shape 66.0%, colour 26.5%), and
factored captions in the pass's text to image (`--factor-captions 0.3`) worse (86.8%; 4.5%, shape
48.5%, colour 15.5%). The midday model added recoloured images (`--tune-recolour
0.3`), aimed at the shape question: held-out VQA 88.9% (the shape question 75.3%, the colour
question 71.9%), VQA on training-distribution scenes 97.1%; held-out prompts 20.0% (shape 36.5%,
colour 38.0%), seen prompts 88.5%. Its main schedule was not that first run's (another CPU, and
float32), so the two differ by a run's noise as well as by the recolouring. Within that noise the
recolouring did not do what it was aimed at: the held-out shape question stood where it stood
(74.2% in the first run). The pass without recolouring, rerun from that model's own main schedule
(`--tune-only`), measured held-out VQA 89.3% (the shape question 83.1%, the colour question 68.5%;
captions naming the objects 66.7%), VQA on training-distribution scenes 97.8%, held-out prompts
16.5% (shape 57.5%, colour 34.0%), seen prompts 88.0%: the recolouring did not help. Its errors
showed why: nearly every wrong held-out shape was a red cross read as a triangle (red is the
cross's held-out colour), and nearly every wrong held-out colour was the other object's, so the
decoder had learnt that the words "What colour is the ring?" are never followed by cyan, and that
a red object is never a cross. The afternoon model's pass, rerun from the same saved main schedule, drops
the recolouring for label smoothing within the colour and the shape words (`--tune-smoothing 0.2`,
Training): held-out VQA 94.3% (the shape question 100.0%, the colour question 77.5%,
captions naming the objects 100.0%), VQA on training-distribution scenes 94.7% (the colour
question there 88.0%: binding lost a little of what it had without smoothing); held-out prompts
14.5% (shape 59.0%, colour 31.0%), seen prompts 87.5%. Against the pass without it from the
same main schedule (89.3%), the held-out answers gain 5.0 points (one run of a recipe tells its answers to about
4); the drawing figures move within a run's noise. Smoothing the drawn colours as well
(`--tune-draw-smoothing 0.1`: on an object's cells, 0.1 of the loss spread over the eight codes with
the same pattern and background and any object colour), from the same main schedule, did not lift
held-out drawing: held-out prompts 17.5% (shape 60.0%, colour 32.0%), seen prompts 81.5% (the colour
right in 93.0%: the sampler now puts other colours in some of an object's cells); held-out VQA
92.2%, on training-distribution scenes 94.2%. Not in the recipe. Both smoothings in the main
schedule as well (`--smooth-main`, a full run of the decoder; 1.5 times slower per step, 55 minutes),
measured after its main schedule alone (its pass was not finished): held-out VQA 85.3% (the shape
question already 100%, the colour question 69.7%, where 70.8%: binding still needs the pass),
against 74.2% and 79.4% for two main schedules without smoothing; held-out prompts 14.5% (shape 18.5%, colour
33.5%), seen prompts 92.5% (the colour right in 92.5%). So smoothing the words works from the
start, and smoothing the drawn colours does not make the decoder draw a held-out pair's colour even
when the prior is never learnt: drawing needs something else. What it needed was found by where the colour is decided
(`tools/emu3_tiny/first_cell.py`): the afternoon model read it, for four of the six shapes,
from the shape word (Previous models). This model hides the colour words from the caption's later
words (Training). A trial that hid the shape words too (`--isolate-words 0.8 --isolated both`),
measured after its main schedule alone (its pass was stopped for the night model's run): the first cell
of a held-out object got the prompted colour with probability 99.0% (every pair 98% or more), and
held-out prompts were drawn in the prompted colour in 85.0% of 60 images but in the prompted shape
in 20.0% (all 6.7%), and seen prompts right in 53.3%: read from its own word, apart from the size
and position words, a shape is drawn worse. Teacher-forced over all of an object's cells, that
trial's figures were the same to three decimals with the training mask and with the plain causal
one. The night model's own main schedule, measured alone (60 images per set, so rough): the first cell
of a held-out object got the prompted colour with probability 74.2% (the purple square 47.3%, the
white triangle 59.4%), held-out prompts were drawn right in 33.3% of the images (shape 88.3%,
colour 40.0%), seen prompts in 96.7%. Hiding the colour words in every caption (`--isolate-words 1.0`, a full run of
the decoder with the night model's options otherwise) moved the figures about rather than up: the first
cell of a held-out object in the prompted colour 81.5%, held-out prompts drawn right in 14.5%
(shape 53.0%, colour 50.0%, position 91.5%), seen prompts 98.0%; held-out VQA 97.9% and VQA on
training-distribution scenes 100%, but captions naming the objects of held-out scenes 40.0%. Reading the pass's object cells in another colour now and
then (`--tune-colour-noise 0.3`: each object cell of a captioned text-to-image sample, with
probability 0.3, is read in a colour no shape of the scene has held out, and scored as drawn), from
the night model's main schedule, without the pattern noise: held-out prompts drawn in the prompted colour in 85.0% of the images
(the night model: 35.0%), but in the prompted shape in only 29.5% (94.5%), all 28.5%; seen prompts 100%;
held-out VQA 91.8%, on training-distribution scenes 89.8%. The colour now follows its word past the
first cell, and the shape gives way instead: whichever attribute follows its word, the decoder
draws the other as in a pair it has seen. With both noises at 0.3 (the late-night model, pass only,
from the same main schedule), both attributes followed their words more often, neither well: 37.0%
in all; at 0.5, held-out prompts 30.5% (shape 70.0%, colour 52.5%; through the Swift services
36.0%), held-out VQA 90.1%: no better. With both noises at 0.3 in the main schedule as well
(`--noise-main`, a full run of the decoder, its pass that of the late-night model with 30% text to
image), the decoder drew held-out prompts right in 83.0% of the images (shape 98.5%, colour 84.5%,
position 100%; through the Swift services 84.0%), seen prompts 99.0%; after its main schedule alone
the first cell of a held-out object got the prompted colour with probability 85.2%. But its
held-out VQA was 86.6%: "Where is the X?" 67.4% and "How big is the X?" 80.9%, as after its main
schedule alone (67.4% and 80.9%; held-out VQA 78.6%), on two objects that differ in place or size
about half right: the pass had not crossed the binding plateau for place and size (it bound colours:
the colour question 53.9% → 85.4%). The previous model's pass, from that same main schedule with 15% text to
image, bound places too (Results). The same pass with colour noise 0.5 (pattern 0.3) bound sizes as
well (held-out VQA 96.8%: how big 97.8%, where 97.8%, the colour question 87.6%; seen scenes 100%),
but drew held-out prompts no better (82.0%: shape 98.5%, colour 84.0%; Swift 83.0%): the drawn
colour is settled by the main schedule. Colour noise 0.5 from the main schedule on (a full run of
the decoder, the previous model's options otherwise) did worse in its one run: held-out prompts 45.5% (shape 63.0%,
colour 69.0%; Swift 48.0%), the first cell of a held-out object in the prompted colour 61.4%,
held-out VQA 75.0% (the shape question 48.3%, captions naming the objects 31.7%), seen prompts
100%. Not in the recipe.

**Run to run.** Without the invariance loss (Training), how well the decoder drew held-out prompts was not settled by the recipe. The
recipe was run again as one continuous decoder run (`backbone.py` with the previous model's options, on its
tokenizer and codes): the same seed and data stream (the same token counts at every logged step)
and about the same losses (at step 1,800 of the main schedule image 0.0367 and text 0.0360, against
0.0369 and 0.0433), differing only in the order in which PyTorch's two threads add. After its main
schedule the first cell of a held-out object got the prompted colour with probability 47.9%, against
85.2% for the previous model's main schedule (seen pairs 99.9% in both; by pair green circle 85.7%, red cross
42.6%, cyan ring 44.6%, purple square 33.2%, blue star 56.6%, white triangle 24.6%). After its pass
it drew held-out prompts right in 37.5% of the images (shape 47.5%, colour 85.5%, position 99.5%;
through the Swift services 33.0% of 100), seen prompts 99.5%, and answered 97.7% of held-out
questions (captions naming the objects 100%; the Swift services' answers identical to PyTorch's on
all 103). So the held-out drawing figure spreads from about 40% to 85% between runs of one recipe,
and the previous model was the better draw. The single-run comparisons of recipes above lie inside that
spread (colour noise 0.5 from the main schedule on: 45.5%) and say less than they seem; a recipe
that composes in every run was the open problem (the invariance loss: below). A third run of the main schedule alone (saving
the decoder every 300 steps, `--save-main-every 300`) drew the good way: the held-out first cell
41.0%, 39.6%, 54.1%, 69.3%, 84.2% and 86.4% at steps 300 to 1,800 (seen pairs 99.9% from step
1,500). So two of three main schedules of the recipe composed about as the previous model's did, and where
it composes it does so late in the schedule, not early. Hiding the colour words in nine captions of ten
(`--isolate-words 0.9`, a full decoder run, the previous model's options otherwise) lies inside that spread too:
after its main schedule the first cell 28.3%; after its pass held-out prompts 43.0% (shape 90.0%,
colour 50.5%; Swift 46.0%), seen prompts 100%, held-out VQA 94.5% (the colour question 71.9%).
Soups do not help either: averaging the weights of three main schedules of the recipe (or of the
two good ones) lost the seen pairs too (45.7%, 52.4%; the runs end in different basins), and
continuing the bad draw's main schedule 600 more steps left its held-out first cell at 52.5%, the
pairs wandering meanwhile (green circle 85.7% → 21.3% → 88.5%, blue star 56.6% → 12.9%). With the
invariance loss (Training), the run this model comes from got the held-out first cell 70.9%, 88.2%
and 98.5% at steps 600, 1,200 and 1,800 of its main schedule (every pair 97.9% or more after it,
every position 98.2% or more; seen 98.8%). Its own pass, without the loss, brought that down to
92.0% and drew held-out prompts right in 84.0% of the images (shape 91.0%, colour 92.0%; Swift 86.0%),
held-out VQA 95.0%; this model's pass keeps the loss. One run of this recipe so far: whether it
composes in every run is not yet measured.

For composition on the tokenizer side, product codes (`vq.py --product-codes C,P` with `backbone.py
--factorised-visual C,P`; product_codes.py) make each code a colour entry times a pattern entry, so
that an unseen (shape, colour) pair would reuse seen patterns with a seen colour. On the first model
thinned at 0.3, a held-out object's code grid is nearer to another shape in its colour than to its
own shape in another colour in 82% of cases, and for held-out prompts the decoder draws a pair seen
in training 81% of the time (a star as a triangle in 17 of 24 images, a cross as a circle in 13 of
28). No product tokenizer came near 30 dB: with both halves learned, 26.2 dB and 51% of round trips
read back; with the colour half supervised as the object's and the background's RGB, the most local
codes measured (4.5 changed away from an object) and the colours drawn, but 25.4 dB and 30.5% read
back, small objects coming back as round blobs (25.3 dB with four times the pattern entries). No
Emu3 decoder was trained on them. This model's supervised codes end that line: both halves are
given by the scene, and the tokenizer is exact.

In one run, more Emu3-decoder steps did not help composition: 2,700 steps under bfloat16 autocast
(`backbone.py --bf16`, 1.5 times faster per step, in 28.9 minutes) on the tokenizer of the model
shipped on 2 December drew seen prompts in 86.0% of images but held-out ones in 5.5% (shape 18.5%), and
answered 73.9% of held-out questions: the decoder learns the seen pairs harder. It is a test and
demo model whose value is that it has the exact Emu3 format and that the Swift services reproduce
transformers on it.
"""


def main():
    work, model = sys.argv[1], sys.argv[2]
    if "--check" not in sys.argv:
        with open(os.path.join(work, "metrics.json")) as f:
            metrics = f.read()
        with open(os.path.join(model, "metrics.json"), "w") as f:
            f.write(metrics)
        text = refill(render(work, model))
        with open(os.path.join(model, "README.md"), "w") as f:
            f.write(text)
    card = open(os.path.join(model, "README.md")).read()
    m = json.load(open(os.path.join(model, "metrics.json")))
    ok = True
    for (name, path, goal), goal_met in zip(TARGETS, reached(m)):
        v = get(m, path)
        shown = fmt(v) in card
        ok &= shown
        print(f"{name}: {fmt(v)} (goal {fmt(goal)}) {'met' if goal_met else 'NOT met'}"
              f"{'' if shown else ' — not in the card'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
