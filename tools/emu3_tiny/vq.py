"""Trains emu3-tiny's vision tokenizer: transformers' Emu3VQVAE at 8x downsampling, on 64x64
synthetic scenes.

`make tiny-model` runs `--supervised-codes --codebook 2241 --code-dim 14 --local-encoder` for
3,000 steps (about 20 minutes on 2 cores): every cell's code is given by the scene, as its colour
pair and its alpha pattern (supervised_codes.py); the encoder learns to read it, the decoder to draw
from it (39.3 dB on held-out scenes, 99.99% of their cells read right). The rest of this file is the
earlier, unsupervised recipe (a 1,024-entry codebook), kept with its trials: transformers' module
returns code indices only, so the training forward is assembled here from its own submodules
(straight-through estimator, commitment loss, an EMA codebook with dead-code restarts); for images
the 2-D encoder runs once and is repeated over the temporal frames, and only frame 0 is decoded
(both exact). `--decoder-only --resume DIR` then trains the decoder alone: the encoder and codebook
stay as they are, so every image keeps its codes (a decoder trained on them needs no retraining),
and the reconstruction improves (the model before the supervised codes ran 3,000 steps of the
first, 21 to 37 minutes on 2 cores as the CPU's speed varies, then 470 of the second, 2 to 4). With
`--merge-codes EPS` (0.3 in that model) that stage first thins the codebook (merge_codes), which
makes the codes far more local than any training loss tried below.

The codes this recipe learns are not local: one object changes almost every code of the image
(`evaluate.py --tokenizer-only` measures it). `--consistency W` adds a loss asking the latents of
cells whose neighbourhood did not change to stay put; it is off by default because at W = 1 for
35 minutes it made the latents far more local but the codes not (the codebook packs the
background so densely that small shifts still change codes), and reconstruction fell to 21 dB.

`--local-encoder` (on in `make tiny-model`, both recipes) holds the encoder's convolutions on the
code grid at 1x1 and its middle attention silent (the weights stay zero; the architecture is
Emu3's). It trains faster: in a 1,500-step one-thread trial beside the plain recipe, 25.6 against
22.7 dB on 256 held-out scenes. It does not make the codes local by itself: the GroupNorms still
normalise each channel over the whole image, and `locality_probe.py` shows that they then carry
most of an object's influence on far cells. `--norm-statistics W` (a trial, off by default) asks
them to stay as on the empty scene: at W = 1 for 1,000 steps on one thread (with --local-encoder)
it cut the codes an object changes away from it from 46.0 to 32.2, but cost 2.5 dB and an encoder
pass per step; in the full first stage (2 threads) it stood at 22.2 dB at step 2,600 against 30.7
without it.

`--product-codes C,P` (a trial, off by default) makes the codebook the product of a colour and a
pattern codebook over the two halves of the code, held to their meaning by an invariance loss
(product_codes.py).

Training stops after --steps N steps (the schedule runs over them, so a seed gives the same
weights again on the same kind of CPU with the same thread count), or without it after --minutes M
of wall-clock time (the schedule runs over the time; for trials).

Usage: vq.py OUT_DIR [--steps N | --minutes M] [--seed S] [--consistency W [--consistency-shift N]]
             [--local-encoder] [--norm-statistics W] [--restart-from all|busy] [--codebook K]
             [--product-codes C,P [--invariance W]] [--supervised-codes [--empty-scenes SHARE]]
             [--code-dim D]
             [--resume DIR [--decoder-only [--merge-codes EPS]]]
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import product_codes  # noqa: E402
import supervised_codes  # noqa: E402
from budget import Budget  # noqa: E402
from scenes import random_scene, render  # noqa: E402
from transformers import Emu3VQVAE, Emu3VQVAEConfig  # noqa: E402

VQ_CONFIG = dict(
    codebook_size=1024, embed_dim=4, latent_channels=4, double_latent=False, in_channels=3, out_channels=3,
    temporal_downsample_factor=4, base_channels=32, channel_multiplier=[1, 1, 2, 4], num_res_blocks=1,
    attn_resolutions=[], hidden_size=128, num_attention_heads=1, attention_dropout=0.0,
)


def to_pixels(batch_uint8: np.ndarray) -> torch.Tensor:
    """(B,64,64,3) uint8 → (B,3,64,64) in [-1, 1] (Emu3 processor: rescale 1/255, mean/std 0.5)."""
    x = torch.from_numpy(batch_uint8).permute(0, 3, 1, 2).float()
    return x / 127.5 - 1.0


def encode_latent(vq: Emu3VQVAE, x: torch.Tensor) -> torch.Tensor:
    """Continuous latents (B, C, h, w) before quantisation, as Emu3VQVAE.encode computes them."""
    enc = vq.encoder
    h = enc.conv_in(x)
    h = enc.down_block(h)
    h = enc.middle_block(h)
    h = enc.norm_out(h)
    h = h * torch.sigmoid(h)
    h = enc.conv_out(h)                                       # (B, C, h, w)
    t = vq.config.temporal_downsample_factor
    h = h.unsqueeze(2).expand(-1, -1, t, -1, -1).contiguous()  # (B, C, T, h, w)
    for conv in enc.time_conv:
        h = conv(h)
        h = h * torch.sigmoid(h)
    for layer in enc.time_res_stack:
        h = layer(h)
    z = vq.quant_conv(h)                                      # (B, C, 1, h, w)
    return z[:, :, 0]


def decode_frame0(vq: Emu3VQVAE, quant: torch.Tensor) -> torch.Tensor:
    """Frame 0 of Emu3VQVAE.decode for quantised latents (B, C, h, w)."""
    q = quant.unsqueeze(2)                                    # (B, C, 1, h, w)
    post = vq.post_quant_conv(q)
    dec = vq.decoder
    hq = torch.cat((post, q), dim=0)                          # (2B, C, 1, h, w)
    for layer in dec.time_res_stack:
        hq = layer(hq)
    for layer in dec.time_conv:
        hq = layer(hq)
        hq = hq * torch.sigmoid(hq)
    hs, qs = torch.chunk(hq[:, :, 0], 2, dim=0)               # frame 0 only
    h = dec.conv_in(hs)
    h = dec.middle_block(h, qs)
    h = dec.up_block(h, qs)
    h = dec.norm_out(h, qs)
    h = h * torch.sigmoid(h)
    return dec.conv_out(h)


def quantize(vq: Emu3VQVAE, z: torch.Tensor):
    """Nearest codes for (B, C, h, w) latents: (indices (B,h,w), quantised (B,C,h,w))."""
    b, c, hh, ww = z.shape
    flat = z.permute(0, 2, 3, 1).reshape(-1, c)
    emb = vq.quantize.embedding.weight
    d = flat.pow(2).sum(1, keepdim=True) + emb.pow(2).sum(1) - 2 * flat @ emb.t()
    idx = d.argmin(1)
    q = emb[idx].view(b, hh, ww, c).permute(0, 3, 1, 2)
    return idx.view(b, hh, ww), q


def psnr(a: torch.Tensor, b: torch.Tensor) -> float:
    """PSNR in dB of images in [-1, 1], measured on 8-bit pixels."""
    pa = ((a.clamp(-1, 1) + 1) * 127.5).round()
    pb = ((b.clamp(-1, 1) + 1) * 127.5).round()
    mse = ((pa - pb) ** 2).mean().item()
    return 10 * math.log10(255 ** 2 / max(mse, 1e-10))


def consistency(vq: Emu3VQVAE, x: torch.Tensor, z: torch.Tensor, rng, shift: int = 3) -> torch.Tensor:
    """How much a code's latent depends on anything but its own neighbourhood, relative to the
    latents' variance. The scenes are rolled by up to `shift` whole code cells and a band of cells is replaced
    by another scene; every cell whose 3x3 cell neighbourhood did not change (away from the
    band and the roll's wrap seam) must keep its latent, rolled. Zero when codes say what their
    patch shows, not where it is or what else is in the image."""
    cell = x.shape[-1] // z.shape[-1]
    h, w = z.shape[-2:]
    dy, dx = (int(v) for v in rng.integers(0, shift + 1, 2))
    xr, zr = torch.roll(x, (dy * cell, dx * cell), dims=(2, 3)), torch.roll(z, (dy, dx), dims=(2, 3))
    keep = torch.ones(h, w, dtype=torch.bool)
    if dy:
        keep[[dy - 1, dy]] = False
    if dx:
        keep[:, [dx - 1, dx]] = False
    band = torch.zeros(h, w, dtype=torch.bool)
    k = int(rng.integers(2, 6))
    if rng.random() < 0.5:
        band[:, k:] = True
        keep[:, k - 1:] = False
    else:
        band[k:] = True
        keep[k - 1:] = False
    pix = band.repeat_interleave(cell, 0).repeat_interleave(cell, 1)
    z2 = encode_latent(vq, torch.where(pix, torch.roll(x, 1, dims=0), xr))
    if not keep.any():                 # the band and the seam left no cell to compare
        return z2.sum() * 0.0
    d = (z2 - zr.detach()).pow(2).mean(1)[:, keep]
    return d.mean() / z.detach().var().clamp(min=1e-6)


def local_encoder_masks(vq: Emu3VQVAE) -> list[tuple[torch.nn.Parameter, torch.Tensor]]:
    """For `--local-encoder`: (weight, mask) of every encoder convolution that runs on the code
    grid (the last level, the middle block, conv_out and the temporal convolutions), masking all
    but the centre tap of their 3x3 spatial kernels. With those taps zero these layers mix nothing
    across cells, and a code's latent sees about 22 pixels (under 3 cells) around its cell instead
    of the whole image, except through the GroupNorms' per-image statistics. The middle block's
    attention is silenced the same way (its output projection zero). The architecture is
    unchanged: the weights are only kept at zero."""
    enc = vq.encoder
    grid_level = [enc.down_block.down[-1], enc.middle_block, enc.conv_out, enc.time_conv, enc.time_res_stack]
    out = []
    for part in grid_level:
        for m in part.modules():
            if isinstance(m, (torch.nn.Conv2d, torch.nn.Conv3d)) and m.weight.shape[-1] == 3:
                mask = torch.zeros_like(m.weight)
                mask[..., 1, 1] = 1
                out.append((m.weight, mask))
    attn = enc.middle_block.attn_1.out_proj
    out += [(attn.weight, torch.zeros_like(attn.weight)), (attn.bias, torch.zeros_like(attn.bias))]
    return out


class NormStatistics:
    """For `--norm-statistics W` (a trial): records the encoder's GroupNorm statistics (per group:
    mean and log variance) during the forward passes made while it is installed."""

    def __init__(self, vq: Emu3VQVAE):
        self.norms = [m for m in vq.encoder.modules() if isinstance(m, torch.nn.GroupNorm)]
        self.seen: list[torch.Tensor] = []

    def _hook(self, module, inputs):
        g = inputs[0].reshape(inputs[0].shape[0], module.num_groups, -1)
        self.seen.append(torch.stack([g.mean(-1), (g.var(-1, unbiased=False) + 1e-6).log()], -1))

    @contextlib.contextmanager
    def recording(self):
        self.seen = []
        handles = [m.register_forward_pre_hook(self._hook) for m in self.norms]
        try:
            yield self.seen
        finally:
            for h in handles:
                h.remove()

    def loss(self, vq: Emu3VQVAE, x: torch.Tensor, with_object: list[torch.Tensor]) -> torch.Tensor:
        """How far the statistics recorded on the batch (`with_object`, from its own forward pass)
        are from those on the empty scenes of the same backgrounds (each image's corner colour).
        The statistics are what carries an object's influence to far cells once the convolutions
        on the code grid are local (locality_probe.py); this asks the encoder to keep them as
        without it."""
        with self.recording() as empty:
            encode_latent(vq, x[:, :, :1, :1].expand_as(x).contiguous())
        return sum(F.mse_loss(a, b) for a, b in zip(with_object, empty)) / len(self.norms)


FAR = 1000.0   # where --merge-codes puts the codes it removes: no latent is ever nearer to them


def merge_codes(vq: Emu3VQVAE, images: np.ndarray, eps: float) -> int:
    """For `--merge-codes EPS`: thins the codebook so that latents a little apart share a code.
    Codes are taken in order of use on `images` (the most used first); one closer than EPS times
    the latents' spread to a code already kept is removed (moved to FAR, so that it is never
    chosen), as are unused ones. Returns the number kept. The codebook keeps its size (the
    architecture is unchanged); the removed codes' latents go to their nearest kept code.

    Why: the EMA codebook follows the latents' density, and 83% of the cells are flat (one colour
    of 11): in make tiny-model's first stage, 700 of the 949 codes in use on 2,000 training scenes
    stand mostly for flat cells, packed so densely that the small shift an object makes to far
    latents (through the encoder's GroupNorms) changes their codes, and a held-out object's cells
    get codes training never put there. On the model before this option, at EPS 0.3: 956 codes in
    use became 45, codes changed away from an object 46.0 → 23.1, held-out object codes seen there
    in training 46.5% → 95.3%, at 32.07 → 30.81 dB before the decoder is trained on the kept codes."""
    emb = vq.quantize.embedding.weight
    with torch.no_grad():
        zs = [encode_latent(vq, to_pixels(images[i:i + 500])) for i in range(0, len(images), 500)]
        spread = torch.cat([z.permute(0, 2, 3, 1).reshape(-1, z.shape[1]) for z in zs]).std(0).norm()
        usage = sum(torch.bincount(quantize(vq, z)[0].flatten(), minlength=len(emb)) for z in zs)
        kept: list[int] = []
        for i in torch.argsort(usage, descending=True, stable=True).tolist():
            if usage[i] == 0:
                break
            if not kept or (emb[kept] - emb[i]).norm(dim=1).min() >= eps * spread:
                kept.append(i)
        removed = torch.ones(len(emb), dtype=torch.bool)
        removed[kept] = False
        emb[removed] = FAR
    return len(kept)


def hold_at_zero(masks: list[tuple[torch.nn.Parameter, torch.Tensor]]):
    """Multiplies each weight by its mask (local_encoder_masks), in place."""
    with torch.no_grad():
        for w, m in masks:
            w.mul_(m)


def busy_cells(x: torch.Tensor, grid: int) -> torch.Tensor:
    """(B*grid*grid,) whether each cell's patch has more than one colour, in latent order."""
    b, c, hh, ww = x.shape
    p = x.reshape(b, c, grid, hh // grid, grid, ww // grid)
    spread = (p.amax((3, 5)) - p.amin((3, 5))).amax(1)        # (B, grid, grid)
    return (spread > 1e-3).flatten()


def make_scenes(n: int, seed: int, held_out: bool | None) -> list:
    rng = random.Random(seed)
    return [random_scene(rng, held_out) for _ in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, help="train this many steps (reproducible; the schedule runs over them)")
    ap.add_argument("--minutes", type=float, default=35.0, help="without --steps: train this long (wall clock)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--train-images", type=int, default=30000)
    ap.add_argument("--mult", default=",".join(map(str, VQ_CONFIG["channel_multiplier"])),
                    help="channel multipliers per level")
    ap.add_argument("--decay", type=float, default=0.5, help="share of the time spent decaying the rate")
    ap.add_argument("--restarts", type=float, default=None,
                    help="share of the time during which dead codes are restarted (default: until the decay)")
    ap.add_argument("--consistency", type=float, default=0.0,
                    help="weight of the consistency loss (default 0, off): latents that depend on their own"
                         " neighbourhood only (see `consistency`), so that the decoder could compose codes")
    ap.add_argument("--consistency-shift", type=int, default=3,
                    help="the consistency loss rolls scenes by up to this many cells (0: only a band is replaced)")
    ap.add_argument("--restart-from", choices=["all", "busy"], default="all",
                    help="dead codes restart at latents of any cell, or of cells whose patch is not flat")
    ap.add_argument("--codebook", type=int, default=VQ_CONFIG["codebook_size"], help="codebook entries")
    ap.add_argument("--local-encoder", action="store_true",
                    help="keep the encoder's convolutions on the code grid 1x1 and its middle attention"
                         " silent (weights held at zero; see local_encoder_masks): only GroupNorm still sees the whole image")
    ap.add_argument("--norm-statistics", type=float, default=0.0,
                    help="weight of NormStatistics.loss (a trial; default 0, off)")
    ap.add_argument("--resume", help="start from this saved tokenizer instead of a random one")
    ap.add_argument("--merge-codes", type=float, default=0.0, metavar="EPS",
                    help="with --decoder-only: first thin the codebook, keeping codes at least EPS times the"
                         " latents' spread apart (see merge_codes; default 0, off)")
    ap.add_argument("--product-codes", metavar="C,P",
                    help="a trial: the codebook as the product of C colour and P pattern entries over the two"
                         " halves of the code (product_codes.py; C*P must be the codebook size)")
    ap.add_argument("--invariance", type=float, default=1.0,
                    help="with --product-codes: weight of the loss that keeps the pattern half still under"
                         " recolouring and the colour half under reshaping")
    ap.add_argument("--code-dim", type=int, default=VQ_CONFIG["embed_dim"],
                    help="channels of a code (embed_dim and latent_channels; Emu3's is 4)")
    ap.add_argument("--supervision", type=float, default=1.0,
                    help="with --product-codes: weight of ProductCodebook.supervision (colour half, empty cells);"
                         " with --supervised-codes: weight of the encoder's pull to its cells' codes")
    ap.add_argument("--supervised-codes", action="store_true",
                    help="every cell's code is given by the scene as a (colour pair, pattern) pair (make tiny-model)"
                         " (supervised_codes.py; needs --codebook 2241 --code-dim above 6): the encoder is pulled"
                         " to it (weight --supervision) and the decoder draws from the exact codes")
    ap.add_argument("--empty-scenes", type=float, default=0.0, metavar="SHARE",
                    help="with --supervised-codes: show this share of the training scenes without their objects"
                         " (default 0; see supervised_codes.with_empty_scenes)")
    ap.add_argument("--decoder-only", action="store_true",
                    help="train only the decoder (with --resume): the encoder and codebook are frozen, so"
                         " every image keeps the codes it had")
    args = ap.parse_args()
    if args.supervised_codes and args.product_codes:
        sys.exit("vq.py: --supervised-codes and --product-codes are two codebooks: pick one")
    VQ_CONFIG["channel_multiplier"] = [int(m) for m in args.mult.split(",")]
    VQ_CONFIG["codebook_size"] = args.codebook
    VQ_CONFIG["embed_dim"] = VQ_CONFIG["latent_channels"] = args.code_dim
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    torch.set_num_threads(int(os.environ.get("EMU3_TINY_THREADS", "2")))

    t0 = time.time()
    train_scenes = make_scenes(args.train_images, args.seed, held_out=False)
    train = np.stack([render(s) for s in train_scenes])
    test_scenes = make_scenes(256, args.seed + 1000, held_out=True)
    test = np.stack([render(s) for s in test_scenes])
    print(f"data: {len(train)} train, {len(test)} held-out scenes ({time.time() - t0:.0f}s)", flush=True)

    vq = Emu3VQVAE.from_pretrained(args.resume) if args.resume else Emu3VQVAE(Emu3VQVAEConfig(**VQ_CONFIG))
    vq.train()  # the constructor leaves it in eval mode (temporal BatchNorm)
    print(f"params: {sum(p.numel() for p in vq.parameters()) / 1e6:.2f} M", flush=True)
    # The codebook follows the encoder by exponential moving averages (VQ-VAE-2), not by
    # gradients: stabler code usage early on, which is what the decoder and the backbone need.
    codebook = vq.quantize.embedding.weight
    codebook.requires_grad_(False)
    if args.decoder_only:
        if not args.resume:
            sys.exit("vq.py: --decoder-only needs --resume DIR (a trained encoder and codebook)")
        for part in (vq.encoder, vq.quant_conv, vq.quantize):
            part.requires_grad_(False)
            part.eval()                   # inference statistics: the codes it will give when served
    if args.merge_codes > 0:
        if not args.decoder_only:
            sys.exit("vq.py: --merge-codes needs --decoder-only (the codes must stay as merged)")
        kept = merge_codes(vq, train[:4000], args.merge_codes)
        print(f"merged the codebook at {args.merge_codes} of the latents' spread: {kept} codes kept", flush=True)
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "merge_codes.json"), "w") as f:   # for card.py
            json.dump({"eps": args.merge_codes, "codes_kept": kept}, f)
    product = None
    if args.product_codes and not args.decoder_only:
        product = product_codes.ProductCodebook(vq, *product_codes.parse(args.product_codes))
        twin_rng = random.Random(args.seed + 7)
    supervised = None
    if args.supervised_codes and not args.decoder_only:
        supervised = supervised_codes.SupervisedCodebook(vq)
        test_codes = supervised_codes.cell_codes(test_scenes[:128])
    masks = local_encoder_masks(vq) if args.local_encoder and not args.decoder_only else []
    hold_at_zero(masks)
    norm_stats = NormStatistics(vq) if args.norm_statistics > 0 and not args.decoder_only else None
    params = [p for p in vq.parameters() if p.requires_grad]
    opt = torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.99))
    k = vq.config.codebook_size
    ema_count = torch.ones(k)
    ema_sum = codebook.detach().clone()
    start = time.time()
    budget = Budget(args.steps, args.minutes)
    curve = []
    step = 0
    hold = 1.0 - args.decay                       # the rate is constant until here, then a cosine
    restart_until = hold if args.restarts is None else args.restarts
    usage = torch.zeros(k)
    rng = np.random.default_rng(args.seed)
    test_x = to_pixels(test)

    def report(step, elapsed, lr, rec):
        """Held-out PSNR on the first 128 held-out scenes, in inference mode; appended to the curve."""
        vq.eval()
        with torch.no_grad():
            ti, tq = quantize(vq, encode_latent(vq, test_x[:128]))
            p = psnr(decode_frame0(vq, tq), test_x[:128])
            if supervised:
                exact = psnr(decode_frame0(vq, supervised.codes(test_codes)), test_x[:128])
        for part in (vq.decoder, vq.post_quant_conv) if args.decoder_only else (vq,):
            part.train()
        point = {"minutes": round(elapsed / 60, 2), "step": step, "loss": round(rec.item(), 5),
                 "heldout_psnr_db": round(p, 2)}
        if supervised:
            point["codes_right"] = round((ti == test_codes).float().mean().item(), 4)
            point["psnr_from_exact_codes_db"] = round(exact, 2)
        elif product:
            point["codes_in_use"] = product.in_use()
        elif not args.decoder_only:
            point["codes_in_use"] = int((ema_count > 1e-3).sum())
        curve.append(point)
        codes = "codebook frozen" if args.decoder_only else (
            f"codes right {point['codes_right']:.2%}, {exact:.2f} dB from exact codes" if supervised
            else f"{point['codes_in_use']} codes in use")
        print(f"vq step {step} {elapsed / 60:.1f} min lr {lr:.2e} mse {rec.item():.5f} held-out PSNR {p:.2f} dB,"
              f" {codes}", flush=True)

    def learn_codebook(x, z, idx, step, frac):
        """The codebook follows the latents by EMA; dead codes restart at latents of this batch."""
        with torch.no_grad():
            flat = z.detach().permute(0, 2, 3, 1).reshape(-1, z.shape[1])
            onehot = F.one_hot(idx.flatten(), k).float()
            ema_count.mul_(0.99).add_(onehot.sum(0), alpha=0.01)
            ema_sum.mul_(0.99).add_(onehot.t() @ flat, alpha=0.01)
            n = ema_count.sum()
            count = (ema_count + 1e-5) / (n + k * 1e-5) * n
            codebook.copy_(ema_sum / count[:, None])
            usage.add_(onehot.sum(0))
            if step % 100 == 0 and frac < restart_until:
                dead = (usage == 0).nonzero().flatten()
                if len(dead):
                    pool = flat[busy_cells(x, z.shape[-1])] if args.restart_from == "busy" else flat
                    pool = pool if len(pool) else flat
                    pick = pool[torch.randint(0, len(pool), (len(dead),))]
                    codebook[dead] = pick
                    ema_sum[dead] = pick
                    ema_count[dead] = 1.0
                usage.zero_()

    # with --decoder-only the codes are fixed: no gradient reaches the encoder, and there is no
    # straight-through estimator, commitment loss, consistency loss, EMA or restart
    learn_codes = not args.decoder_only
    while True:
        elapsed = time.time() - start
        frac = budget.fraction(step, elapsed)
        if frac >= 1:
            break
        decay = 1.0 if frac < hold else 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (frac - hold) / args.decay))
        lr = args.lr * min(1.0, (step + 1) / 100) * decay
        for g in opt.param_groups:
            g["lr"] = lr
        pick = rng.integers(0, len(train), args.batch)
        x = to_pixels(train[pick])
        if supervised:
            batch_scenes = [train_scenes[i] for i in pick]
            if args.empty_scenes > 0:
                batch_scenes = supervised_codes.with_empty_scenes(batch_scenes, rng, args.empty_scenes)
                x = to_pixels(np.stack([render(s) for s in batch_scenes]))
        with torch.set_grad_enabled(learn_codes), \
                (norm_stats.recording() if norm_stats else contextlib.nullcontext()) as with_object:
            z = encode_latent(vq, x)
            if supervised:
                target = supervised_codes.cell_codes(batch_scenes)
                q = supervised.codes(target)
            elif product:
                idx, q, halves = product.quantize(z)
                cell_colour, busy = product_codes.cell_targets([train_scenes[i] for i in pick], z.shape[-1])
            else:
                idx, q = quantize(vq, z)
        # straight-through; with --supervised-codes the decoder draws from the exact codes
        y = decode_frame0(vq, z + (q - z).detach() if learn_codes and not supervised else q)
        rec = F.mse_loss(y, x)
        loss = rec + 0.1 * F.l1_loss(y, x)
        if supervised:
            loss = loss + args.supervision * supervised.encoder_loss(z, target)
        elif learn_codes:
            loss = loss + 0.25 * F.mse_loss(z, q.detach())
            if norm_stats:
                loss = loss + args.norm_statistics * norm_stats.loss(vq, x, with_object)
            if args.consistency > 0:
                loss = loss + args.consistency * consistency(vq, x, z, rng, args.consistency_shift)
            if product:
                loss = loss + args.supervision * product.supervision(z, cell_colour, busy)
            if product and args.invariance > 0:
                loss = loss + args.invariance * product_codes.invariance(
                    encode_latent, vq, z, [train_scenes[i] for i in pick], busy, twin_rng, product.half)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        hold_at_zero(masks)
        step += 1
        if product:
            product.learn(*halves, busy, step, frac < restart_until)
        elif learn_codes and not supervised:
            learn_codebook(x, z, idx, step, frac)
        if step % 200 == 0:
            report(step, elapsed, lr, rec)
    if step % 200:
        report(step, time.time() - start, lr, rec)   # the stage's last point: where it ended
    vq.eval()
    vq.save_pretrained(args.out)
    with open(os.path.join(args.out, "curve.json"), "w") as f:
        json.dump(curve, f, indent=1)
    print(f"saved {args.out} after {step} steps", flush=True)


if __name__ == "__main__":
    main()
