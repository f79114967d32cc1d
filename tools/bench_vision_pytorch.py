#!/usr/bin/env python3
"""PyTorch + transformers side of the vision tokenizer benchmark (Benchmarks/VisionTokenizer/run.sh).

    bench_vision_pytorch.py make-model --out DIR [--seed 0] [--grid 64]
        Full-size random `Emu3VQVAE` (Emu3VQVAEConfig() defaults = the released shape, spec §1.2),
        saved as DIR/model.safetensors (F32, 1.08 GB) + config.json + preprocessor_config.json,
        plus DIR/input-512.png (a 512×512 test image) and DIR/codes-64.json (a 64×64 code grid).
    bench_vision_pytorch.py decode --model DIR --codes FILE --threads N [--repeat R]
    bench_vision_pytorch.py encode --model DIR --image FILE --threads N [--repeat R]
        One operation per process; prints one JSON line like the Swift benchmark:
        {"impl": "pytorch", "op", "seconds", "load_seconds", "peak_rss_mb", "threads", "shape"}.

The operations are the reference's own paths: `Emu3VQVAE.decode(codes[None])` (all 4 frames,
returns frame 0) and `Emu3ImageProcessor` + `Emu3VQVAE.encode` (the image repeated to 4 frames).
"""
import argparse
import json
import os
import resource
import time


def make_model(args):
    import numpy as np
    import torch
    from PIL import Image
    from safetensors.torch import save_file
    from transformers import Emu3VQVAE, Emu3VQVAEConfig

    torch.manual_seed(args.seed)
    os.makedirs(args.out, exist_ok=True)
    config = Emu3VQVAEConfig()
    model = Emu3VQVAE(config).eval()
    g = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm3d):
                module.running_mean.copy_(torch.randn(module.running_mean.shape, generator=g) * 0.1)
                module.running_var.copy_(torch.rand(module.running_var.shape, generator=g) + 0.5)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, os.path.join(args.out, "model.safetensors"), metadata={"format": "pt"})
    cfg = {"architectures": ["Emu3VQVAE"], "model_type": "emu3_vqgan", **{k: getattr(config, k) for k in (
        "codebook_size", "embed_dim", "latent_channels", "double_latent", "in_channels", "out_channels",
        "temporal_downsample_factor", "base_channels", "channel_multiplier", "num_res_blocks", "attn_resolutions",
        "hidden_size", "num_attention_heads", "attention_dropout")}}
    cfg["channel_multiplier"] = list(cfg["channel_multiplier"])
    cfg["attn_resolutions"] = list(cfg["attn_resolutions"])
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    with open(os.path.join(args.out, "preprocessor_config.json"), "w") as f:
        json.dump({"image_processor_type": "Emu3ImageProcessor", "do_convert_rgb": True, "do_resize": True,
                   "do_rescale": True, "do_normalize": True, "resample": 3, "rescale_factor": 1 / 255,
                   "image_mean": [0.5] * 3, "image_std": [0.5] * 3, "min_pixels": 512 * 512,
                   "max_pixels": 1024 * 1024, "spatial_factor": 8}, f, indent=2)
    rng = np.random.default_rng(args.seed)
    yy, xx = np.mgrid[0:512, 0:512]
    img = np.stack([127 + 100 * np.sin(xx / (17 + 5 * c) + yy / (23 - 3 * c)) for c in range(3)], -1)
    img = np.clip(img + rng.normal(0, 10, img.shape), 0, 255).astype(np.uint8)
    Image.fromarray(img, "RGB").save(os.path.join(args.out, "input-512.png"))
    codes = rng.integers(0, config.codebook_size, (args.grid, args.grid)).tolist()
    with open(os.path.join(args.out, f"codes-{args.grid}.json"), "w") as f:
        json.dump(codes, f)


def run(args):
    import torch
    from PIL import Image
    from safetensors.torch import load_file
    from transformers import Emu3VQVAE, Emu3VQVAEConfig
    from transformers.models.emu3.image_processing_emu3 import Emu3ImageProcessor

    torch.set_num_threads(args.threads)
    t0 = time.perf_counter()
    with open(os.path.join(args.model, "config.json")) as f:
        cfg = {k: v for k, v in json.load(f).items() if k not in ("architectures", "model_type")}
    model = Emu3VQVAE(Emu3VQVAEConfig(**cfg)).eval()
    model.load_state_dict(load_file(os.path.join(args.model, "model.safetensors")), strict=True)
    load_seconds = time.perf_counter() - t0
    times, shape = [], ""
    with torch.inference_mode():
        if args.op == "decode":
            with open(args.codes) as f:
                codes = torch.tensor(json.load(f), dtype=torch.long)
            for _ in range(args.repeat):
                t = time.perf_counter()
                pixels = model.decode(codes[None])
                times.append(time.perf_counter() - t)
            shape = f"{codes.shape[0]}x{codes.shape[1]} codes -> {pixels.shape[-2]}x{pixels.shape[-1]}"
        else:
            processor = Emu3ImageProcessor(image_mean=[0.5] * 3, image_std=[0.5] * 3)
            for _ in range(args.repeat):
                t = time.perf_counter()
                batch = processor(images=[Image.open(args.image)], return_tensors="pt")
                codes = model.encode(batch["pixel_values"], batch["image_sizes"]).image_tokens[0]
                times.append(time.perf_counter() - t)
            shape = f"{batch['pixel_values'].shape[-2]}x{batch['pixel_values'].shape[-1]} -> " \
                    f"{codes.shape[0]}x{codes.shape[1]} codes"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"impl": "pytorch", "op": args.op, "seconds": min(times), "all_seconds": times,
                      "load_seconds": load_seconds, "peak_rss_mb": round(peak, 1), "threads": torch.get_num_threads(),
                      "shape": shape, "torch": torch.__version__}, sort_keys=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("make-model")
    m.add_argument("--out", required=True)
    m.add_argument("--seed", type=int, default=0)
    m.add_argument("--grid", type=int, default=64)
    for op in ("decode", "encode"):
        p = sub.add_parser(op)
        p.add_argument("--model", required=True)
        p.add_argument("--threads", type=int, default=2)
        p.add_argument("--repeat", type=int, default=1)
        if op == "decode":
            p.add_argument("--codes", required=True)
        else:
            p.add_argument("--image", required=True)
    args = parser.parse_args()
    if args.command == "make-model":
        make_model(args)
    else:
        args.op = args.command
        run(args)


if __name__ == "__main__":
    main()
