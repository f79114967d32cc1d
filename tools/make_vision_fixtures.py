#!/usr/bin/env python3
"""Golden fixtures for the vision tokenizer (issue 5): Pillow resize, PNG decoding, and two tiny
random `Emu3VQVAE` checkpoints with encode/decode goldens from transformers.

Reference: transformers 5.24.0 (`models/emu3/modeling_emu3.py`, `image_processing_emu3.py`),
torch 2.15 CPU, Pillow 13.0.0. Run with the project venv:

    /work/main/tools/.venv/bin/python tools/make_vision_fixtures.py --out Tests/Fixtures/vision

Everything is seeded; re-running gives the same files (MANIFEST.json lists their sha256).

Layout written under --out:
  resize/   source PNGs, Pillow BICUBIC goldens (raw RGB8) and cases.json
  png/      PNGs of every colour type / depth / tRNS / Adam7 and their RGB8 goldens (cases.json)
  models/tiny-a/  transformers naming, F16 storage (weights are F16-exact), spatial 4, temporal 4
  models/tiny-b/  original BAAI naming (spec §3.8 renamed back), BF16 storage, spatial 8, temporal 2
  keys/     the full-size key lists (both namings) copied from the spec directory
     each: config.json, preprocessor_config.json, model.safetensors, golden.safetensors,
           golden.json, inputs/*.png
"""
import argparse
import hashlib
import io
import json
import math
import os
import struct
import zlib

import numpy as np
import torch
from PIL import Image
from safetensors.torch import save_file
from transformers import Emu3VQVAE, Emu3VQVAEConfig
from transformers.image_transforms import convert_to_rgb
from transformers.models.emu3.image_processing_emu3 import Emu3ImageProcessor

# ----------------------------------------------------------------------------------------------
# Hand-written PNG writer (every colour type, bit depth, tRNS, Adam7), so the decoder is tested
# on files Pillow cannot write.

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_row(samples, bit_depth):
    """samples: 1-D array of ints for one scanline (all channels interleaved)."""
    if bit_depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    if bit_depth == 8:
        return bytes(int(s) for s in samples)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(samples), per_byte):
        byte = 0
        for j in range(per_byte):
            value = int(samples[i + j]) if i + j < len(samples) else 0
            byte |= value << (8 - bit_depth * (j + 1))
        out.append(byte)
    return bytes(out)


def make_png(array, bit_depth, color_type, interlace=False, extra_chunks=b""):
    """array: [H, W, C] ints in the sample range for bit_depth."""
    h, w, c = array.shape
    assert c == CHANNELS[color_type]
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    raw = b""
    if not interlace:
        for y in range(h):
            raw += b"\x00" + pack_row(array[y].reshape(-1), bit_depth)
    else:
        for x0, y0, dx, dy in ADAM7:
            sub = array[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for y in range(sub.shape[0]):
                raw += b"\x00" + pack_row(sub[y].reshape(-1), bit_depth)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + extra_chunks
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


# ----------------------------------------------------------------------------------------------
# Small helpers

def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def smooth_image(rng, h, w, channels=3):
    """A smooth gradient plus noise, so resizes and codes are not trivial."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    base = []
    for c in range(channels):
        fx, fy, ph = rng.uniform(0.05, 0.4), rng.uniform(0.05, 0.4), rng.uniform(0, 6.28)
        base.append(127.5 + 100 * np.sin(fx * xx + fy * yy + ph))
    img = np.stack(base, -1) + rng.normal(0, 18, (h, w, channels))
    return np.clip(img, 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------------------------
# 1. Pillow BICUBIC resize goldens

def make_resize(out, rng):
    cases = []
    sources = {"src-61x47": smooth_image(rng, 47, 61), "src-200x150": smooth_image(rng, 150, 200)}
    for name, arr in sources.items():
        write(f"{out}/resize/{name}.png", png_bytes(Image.fromarray(arr, "RGB")))
    targets = [
        ("src-61x47", 128, 96, "up both"), ("src-61x47", 20, 15, "down both"), ("src-61x47", 100, 30, "up x, down y (Pillow 13: vertical pass first)"),
        ("src-61x47", 50, 12, "down both, y more (vertical first)"),
        ("src-61x47", 7, 5, "strong down"), ("src-61x47", 80, 47, "width only"), ("src-61x47", 61, 90, "height only"),
        ("src-61x47", 61, 47, "identity"), ("src-200x150", 87, 65, "down 2.3x"), ("src-200x150", 40, 150, "down 5x, height kept"),
    ]
    for src, w, h, note in targets:
        img = Image.fromarray(sources[src], "RGB").resize((w, h), resample=Image.BICUBIC)
        fname = f"{src}-to-{w}x{h}.rgb"
        write(f"{out}/resize/{fname}", np.asarray(img, dtype=np.uint8).tobytes())
        cases.append({"source": f"{src}.png", "width": w, "height": h, "golden": fname, "note": note})
    write(f"{out}/resize/cases.json", json.dumps({"filter": "PIL.Image.BICUBIC", "cases": cases}, indent=1).encode())


def png_bytes(img, **kw):
    buf = io.BytesIO()
    img.save(buf, format="PNG", **kw)
    return buf.getvalue()


# ----------------------------------------------------------------------------------------------
# 2. PNG decoding goldens (every colour type); golden = transformers convert_to_rgb on Pillow,
#    except 16-bit grey, where Pillow clamps I;16 values to 255 and we keep the high byte.

def make_png_cases(out, rng):
    h, w = 17, 19
    cases = []

    def add(name, data, golden, note):
        write(f"{out}/png/{name}.png", data)
        write(f"{out}/png/{name}.rgb", golden.astype(np.uint8).tobytes())
        cases.append({"file": f"{name}.png", "golden": f"{name}.rgb", "width": w, "height": h, "note": note})

    def pillow_rgb(data):
        return convert_to_rgb(Image.open(io.BytesIO(data)), return_numpy=True)

    def high_byte_grey(values16, transparent=None):
        g = (values16 >> 8).astype(np.uint8)
        rgb = np.repeat(g[..., None], 3, -1)
        if transparent is not None:
            rgb[values16 == transparent] = 255
        return rgb

    rgb8 = rng.integers(0, 256, (h, w, 3))
    rgb16 = rng.integers(0, 65536, (h, w, 3))
    alpha8 = rng.integers(0, 256, (h, w, 1))
    alpha8[0, :3] = [[0], [255], [128]]
    alpha16 = rng.integers(0, 65536, (h, w, 1))
    grey8 = rng.integers(0, 256, (h, w, 1))
    grey16 = rng.integers(0, 65536, (h, w, 1))
    for depth in (1, 2, 4):
        g = rng.integers(0, 1 << depth, (h, w, 1))
        data = make_png(g, depth, 0)
        add(f"grey{depth}", data, pillow_rgb(data), f"grey {depth}-bit, scaled to 8 bits")
    data = make_png(grey8, 8, 0)
    add("grey8", data, pillow_rgb(data), "grey 8-bit")
    data = make_png(grey16, 16, 0)
    add("grey16", data, high_byte_grey(grey16[..., 0]), "grey 16-bit: high byte (Pillow would clamp to 255)")
    tr = int(grey8[2, 3, 0])
    data = make_png(grey8, 8, 0, extra_chunks=png_chunk(b"tRNS", struct.pack(">H", tr)))
    add("grey8-trns", data, pillow_rgb(data), "grey 8-bit with tRNS: that value becomes white")
    tr16 = int(grey16[4, 5, 0])
    data = make_png(grey16, 16, 0, extra_chunks=png_chunk(b"tRNS", struct.pack(">H", tr16)))
    add("grey16-trns", data, high_byte_grey(grey16[..., 0], tr16), "grey 16-bit with tRNS (high byte)")
    data = make_png(np.concatenate([grey8, alpha8], -1), 8, 4)
    add("greyalpha8", data, pillow_rgb(data), "grey+alpha 8-bit over white")
    data = make_png(np.concatenate([grey16, alpha16], -1), 16, 4)
    add("greyalpha16", data, pillow_rgb(data), "grey+alpha 16-bit over white")
    data = make_png(rgb8, 8, 2)
    add("rgb8", data, pillow_rgb(data), "RGB 8-bit")
    data = make_png(rgb16, 16, 2)
    add("rgb16", data, pillow_rgb(data), "RGB 16-bit: high byte")
    t = rgb8[1, 1]
    data = make_png(rgb8, 8, 2, extra_chunks=png_chunk(b"tRNS", struct.pack(">HHH", *[int(v) for v in t])))
    add("rgb8-trns", data, pillow_rgb(data), "RGB 8-bit with tRNS colour")
    data = make_png(np.concatenate([rgb8, alpha8], -1), 8, 6)
    add("rgba8", data, pillow_rgb(data), "RGBA 8-bit over white")
    data = make_png(np.concatenate([rgb16, alpha16], -1), 16, 6)
    add("rgba16", data, pillow_rgb(data), "RGBA 16-bit over white")
    palette = rng.integers(0, 256, (16, 3))
    plte = png_chunk(b"PLTE", bytes(int(v) for v in palette.reshape(-1)))
    idx8 = rng.integers(0, 16, (h, w, 1))
    data = make_png(idx8, 8, 3, extra_chunks=plte)
    add("palette8", data, pillow_rgb(data), "palette 8-bit")
    data = make_png(idx8, 4, 3, extra_chunks=plte)
    add("palette4", data, pillow_rgb(data), "palette 4-bit")
    trns = png_chunk(b"tRNS", bytes([0, 64, 128, 255, 200]))
    data = make_png(idx8, 8, 3, extra_chunks=plte + trns)
    add("palette8-trns", data, pillow_rgb(data), "palette with tRNS alpha for the first 5 entries")
    data = make_png(rgb8, 8, 2, interlace=True)
    add("rgb8-adam7", data, pillow_rgb(data), "RGB 8-bit, Adam7 interlaced")
    data = make_png(idx8, 4, 3, interlace=True, extra_chunks=plte + trns)
    add("palette4-trns-adam7", data, pillow_rgb(data), "palette 4-bit, tRNS, Adam7")
    data = make_png(np.concatenate([rgb16, alpha16], -1), 16, 6, interlace=True)
    add("rgba16-adam7", data, pillow_rgb(data), "RGBA 16-bit, Adam7")
    text = png_chunk(b"tEXt", b"Comment\x00hello") + png_chunk(b"zTXt", b"Big\x00\x00" + zlib.compress(b"x" * 100000))
    data = make_png(rgb8, 8, 2, extra_chunks=text)
    add("rgb8-text", data, pillow_rgb(data), "RGB 8-bit with tEXt and a zTXt that inflates to 100 kB (skipped)")
    write(f"{out}/png/cases.json", json.dumps({"cases": cases}, indent=1).encode())


# ----------------------------------------------------------------------------------------------
# 3. Tiny VQ models and their goldens

MODELS = {
    "tiny-a": dict(
        seed=1234, naming="transformers", storage=torch.float16,
        config=dict(codebook_size=64, embed_dim=4, latent_channels=4, double_latent=False, in_channels=3,
                    out_channels=3, temporal_downsample_factor=4, base_channels=32, channel_multiplier=[1, 2, 1],
                    num_res_blocks=2, attn_resolutions=[2], hidden_size=32, num_attention_heads=2,
                    attention_dropout=0.0),
        processor=dict(min_pixels=32 * 32, max_pixels=48 * 64, spatial_factor=4),
        images=[("rgb-45x37", "rgb", 37, 45), ("rgba-30x20", "rgba", 20, 30)],
        random_codes=(5, 7), video=(8, 16, 16)),
    "tiny-b": dict(
        seed=5678, naming="original", storage=torch.bfloat16,
        config=dict(codebook_size=128, embed_dim=4, latent_channels=4, double_latent=False, in_channels=3,
                    out_channels=3, temporal_downsample_factor=2, base_channels=32, channel_multiplier=[1, 1, 1, 2],
                    num_res_blocks=1, attn_resolutions=[3], hidden_size=64, num_attention_heads=1,
                    attention_dropout=0.0),
        processor=dict(min_pixels=32 * 32, max_pixels=64 * 64, spatial_factor=8),
        images=[("palette-70x50", "palette", 50, 70), ("rgb-40x40", "rgb", 40, 40)],
        random_codes=(3, 4), video=(4, 24, 24)),
}


def randomise(model, seed):
    """Non-trivial random weights, including GroupNorm affine and BatchNorm running statistics."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.GroupNorm):
                module.weight.copy_(torch.rand(module.weight.shape, generator=g) + 0.5)
                module.bias.copy_(torch.randn(module.bias.shape, generator=g) * 0.2)
            elif isinstance(module, torch.nn.BatchNorm3d):
                module.weight.copy_(torch.rand(module.weight.shape, generator=g) + 0.5)
                module.bias.copy_(torch.randn(module.bias.shape, generator=g) * 0.2)
                module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=g) * 0.3)
                module.running_var.copy_(torch.rand(module.running_var.shape, generator=g) * 1.5 + 0.5)
                module.num_batches_tracked.fill_(seed)


def calibrate_codebook(model, seed, frames, size):
    """Spread the codebook over the encoder's output distribution so codes are diverse."""
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        x = torch.rand((2, frames, 3, size, size), generator=g) * 2 - 1
        z = model.quant_conv(model.encoder(x).permute(0, 2, 1, 3, 4))  # [B, C, t, h, w]
        flat = z.permute(0, 2, 3, 4, 1).reshape(-1, z.shape[1])
        mean, std = flat.mean(0), flat.std(0)
        book = model.quantize.embedding.weight
        book.copy_(mean + std * torch.randn(book.shape, generator=g))


def round_weights(model, dtype):
    with torch.no_grad():
        for tensor in list(model.parameters()) + list(model.buffers()):
            if tensor.is_floating_point():
                tensor.copy_(tensor.to(dtype).float())


def to_original_name(name):
    """transformers → original BAAI names: the inverse of the spec §3.8 table."""
    import re
    name = re.sub(r"^encoder\.down_block\.down\.(\d+)\.attn_norms\.(\d+)\.", r"encoder.down.\1.attn.\2.norm.", name)
    name = re.sub(r"^decoder\.up_block\.up\.(\d+)\.attn_norms\.(\d+)\.", r"decoder.up.\1.attn.\2.norm.", name)
    name = name.replace("encoder.down_block.down.", "encoder.down.").replace("decoder.up_block.up.", "decoder.up.")
    name = re.sub(r"^(encoder|decoder)\.middle_block\.attn_norm\.", r"\1.mid.attn_1.norm.", name)
    name = re.sub(r"^(encoder|decoder)\.middle_block\.", r"\1.mid.", name)
    for new, old in (("q_proj", "q"), ("k_proj", "k"), ("v_proj", "v"), ("out_proj", "proj_out")):
        name = re.sub(rf"\.(attn\.\d+|attn_1)\.{new}\.", rf".\1.{old}.", name)
    return name


def original_config(cfg):
    return {
        "architectures": ["Emu3VisionVQModel"], "model_type": "Emu3VisionVQ",
        "codebook_size": cfg["codebook_size"], "embed_dim": cfg["embed_dim"], "z_channels": cfg["latent_channels"],
        "double_z": cfg["double_latent"], "in_channels": cfg["in_channels"], "out_channels": cfg["out_channels"],
        "temporal_downsample_factor": cfg["temporal_downsample_factor"], "ch": cfg["base_channels"],
        "ch_mult": cfg["channel_multiplier"], "num_res_blocks": cfg["num_res_blocks"],
        "attn_resolutions": cfg["attn_resolutions"], "dropout": 0.0, "torch_dtype": "bfloat16",
    }


def make_input_image(rng, kind, h, w):
    arr = smooth_image(rng, h, w)
    if kind == "rgb":
        return Image.fromarray(arr, "RGB")
    if kind == "rgba":
        alpha = np.clip(np.linspace(0, 255, w)[None, :].repeat(h, 0) + rng.normal(0, 30, (h, w)), 0, 255)
        return Image.fromarray(np.concatenate([arr, alpha.astype(np.uint8)[..., None]], -1), "RGBA")
    if kind == "palette":
        return Image.fromarray(arr, "RGB").quantize(colors=32, method=Image.Quantize.MEDIANCUT)
    raise ValueError(kind)


def make_model(out, name, spec):
    torch.manual_seed(spec["seed"])
    rng = np.random.default_rng(spec["seed"])
    config = Emu3VQVAEConfig(**spec["config"])
    model = Emu3VQVAE(config).eval()
    randomise(model, spec["seed"])
    calibrate_codebook(model, spec["seed"], spec["config"]["temporal_downsample_factor"], 16)
    round_weights(model, spec["storage"])
    mdir = f"{out}/models/{name}"
    os.makedirs(f"{mdir}/inputs", exist_ok=True)

    # Checkpoint and config in the chosen naming.
    state = {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}
    stored = {}
    for k, v in state.items():
        if spec["naming"] == "original":
            k = to_original_name(k)
            if v.ndim == 2 and any(k.endswith(f".{p}.weight") for p in ("q", "k", "v", "proj_out")):
                v = v[:, :, None, None].contiguous()
        stored[k] = v.to(spec["storage"]) if v.is_floating_point() else v
    save_file(stored, f"{mdir}/model.safetensors", metadata={"format": "pt"})
    if spec["naming"] == "original":
        cfg_json = original_config(spec["config"])
    else:
        cfg_json = {"architectures": ["Emu3VQVAE"], "model_type": "emu3_vqgan", **spec["config"]}
    write(f"{mdir}/config.json", json.dumps(cfg_json, indent=2).encode())
    proc_cfg = {"image_processor_type": "Emu3ImageProcessor", "do_convert_rgb": True, "do_resize": True,
                "do_rescale": True, "do_normalize": True, "resample": 3, "rescale_factor": 1 / 255,
                "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5], **spec["processor"]}
    write(f"{mdir}/preprocessor_config.json", json.dumps(proc_cfg, indent=2).encode())
    processor = Emu3ImageProcessor(image_mean=[0.5] * 3, image_std=[0.5] * 3, **spec["processor"])

    golden, cases = {}, []
    with torch.no_grad():
        for img_name, kind, h, w in spec["images"]:
            img = make_input_image(rng, kind, h, w)
            data = png_bytes(img)
            write(f"{mdir}/inputs/{img_name}.png", data)
            reopened = Image.open(io.BytesIO(data))
            batch = processor(images=[reopened], return_tensors="pt")
            pixels = batch["pixel_values"].float()
            codes = model.encode(pixels, batch["image_sizes"]).image_tokens[0]
            decoded = model.decode(codes[None])
            rgb8 = np.asarray(processor.postprocess(decoded, return_tensors="PIL.Image.Image")["pixel_values"][0])
            golden[f"{img_name}.pixels"] = pixels[0].contiguous()
            golden[f"{img_name}.codes"] = codes.to(torch.int32).contiguous()
            golden[f"{img_name}.decoded"] = decoded[0].contiguous()
            golden[f"{img_name}.rgb8"] = torch.from_numpy(rgb8.copy())
            cases.append({"kind": "image", "name": img_name, "png": f"inputs/{img_name}.png", "source_mode": kind,
                          "source_size": [h, w], "pixels_shape": list(pixels.shape[1:]),
                          "codes_shape": list(codes.shape)})
            assert len(torch.unique(codes)) > 3, f"{name}/{img_name}: codes not diverse"

        # Decoding arbitrary codes (not from the encoder).
        ch, cw = spec["random_codes"]
        codes = torch.randint(0, config.codebook_size, (ch, cw), generator=torch.Generator().manual_seed(7))
        codes[0, 0], codes[-1, -1] = 0, config.codebook_size - 1
        decoded = model.decode(codes[None])
        rgb8 = np.asarray(processor.postprocess(decoded, return_tensors="PIL.Image.Image")["pixel_values"][0])
        golden["random.codes"] = codes.to(torch.int32)
        golden["random.decoded"] = decoded[0].contiguous()
        golden["random.rgb8"] = torch.from_numpy(rgb8.copy())
        cases.append({"kind": "decode", "name": "random", "codes_shape": [ch, cw]})

        # Video: square frames (spec §9.26), no resizing; frames normalised like images.
        t, vh, vw = spec["video"]
        frames = []
        for i in range(t):
            arr = smooth_image(rng, vh, vw)
            write(f"{mdir}/inputs/video-{i}.png", png_bytes(Image.fromarray(arr, "RGB")))
            frames.append(arr)
        video = torch.from_numpy(np.stack(frames)).permute(0, 3, 1, 2).float()
        video = ((video * (1 / 255)).float() - 0.5) / 0.5
        video = video[None]  # [1, T, 3, H, W]
        vcodes = model.encode(video, torch.tensor([[vh, vw]])).image_tokens[0]
        vdecoded = model.decode(vcodes[None])
        golden["video.pixels"] = video[0].contiguous()
        golden["video.codes"] = vcodes.to(torch.int32).contiguous()
        golden["video.decoded"] = vdecoded[0].contiguous()
        cases.append({"kind": "video", "name": "video", "frames": [f"inputs/video-{i}.png" for i in range(t)],
                      "codes_shape": list(vcodes.shape), "decoded_shape": list(vdecoded.shape[1:])})
        assert len(torch.unique(vcodes)) > 3, f"{name}/video: codes not diverse"

    save_file({k: v.contiguous() for k, v in golden.items()}, f"{mdir}/golden.safetensors")
    info = {"model": name, "naming": spec["naming"], "storage_dtype": str(spec["storage"]).replace("torch.", ""),
            "seed": spec["seed"], "cases": cases,
            "reference": "transformers 5.24.0 Emu3VQVAE.encode/decode + Emu3ImageProcessor; torch 2.15 CPU",
            "parameters": sum(v.numel() for v in state.values())}
    write(f"{mdir}/golden.json", json.dumps(info, indent=1).encode())


def write_manifest(out):
    entries = {}
    for root, _, files in os.walk(out):
        for f in sorted(files):
            if f == "MANIFEST.json":
                continue
            path = os.path.join(root, f)
            with open(path, "rb") as fh:
                data = fh.read()
            entries[os.path.relpath(path, out)] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    manifest = {"generator": "tools/make_vision_fixtures.py",
                "reference": "transformers 5.24.0, torch 2.15 (CPU), Pillow 13.0.0",
                "files": dict(sorted(entries.items()))}
    write(f"{out}/MANIFEST.json", json.dumps(manifest, indent=1).encode())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="Tests/Fixtures/vision")
    parser.add_argument("--spec-dir", default="/work/shared/spec", help="where EMU3_vq_keys_full_*.tsv live")
    args = parser.parse_args()
    for naming in ("original", "transformers"):
        name = f"EMU3_vq_keys_full_{naming}.tsv"
        with open(os.path.join(args.spec_dir, name), "rb") as f:
            write(f"{args.out}/keys/{name}", f.read())
    torch.set_num_threads(1)
    make_resize(args.out, np.random.default_rng(11))
    make_png_cases(args.out, np.random.default_rng(12))
    for name, spec in MODELS.items():
        make_model(args.out, name, spec)
    write_manifest(args.out)


if __name__ == "__main__":
    main()
