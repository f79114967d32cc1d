"""Assembles models/emu3-tiny from the trained parts, in the transformers-converted Emu3
layout (Emu3ForConditionalGeneration: `model.vqmodel.*`, `model.text_model.*`, `lm_head.*`):
config.json (vq_config, text_config, vocabulary_map), model.safetensors (decoder BF16,
VQ F16), tokenizer.json, tokenizer_config.json, preprocessor_config.json, emu3_defaults.json.

Usage: export.py WORK_DIR MODEL_DIR [--cfg S] [--top-k K]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sequences import NEGATIVE_PROMPT, POSITIVE_SUFFIX  # noqa: E402
from transformers import Emu3Config, Emu3ForCausalLM, Emu3ForConditionalGeneration, Emu3VQVAE  # noqa: E402

PREPROCESSOR = {
    "image_processor_type": "Emu3ImageProcessor", "do_convert_rgb": True, "do_resize": True, "do_rescale": True,
    "do_normalize": True, "resample": 3, "rescale_factor": 1 / 255, "image_mean": [0.5, 0.5, 0.5],
    "image_std": [0.5, 0.5, 0.5], "min_pixels": 4096, "max_pixels": 4096, "spatial_factor": 8,
}


def defaults(cfg: float, top_k: int, temperature: float) -> dict:
    return {
        "image_height_codes": 8, "image_width_codes": 8, "fixed_grid": True,
        "cfg_scale": cfg, "top_k": top_k, "top_p": 1.0, "temperature": temperature,
        "positive_suffix": POSITIVE_SUFFIX, "negative_prompt": NEGATIVE_PROMPT,
        "system_prompt": "You are a helpful assistant.",
        "understanding": {"max_new_tokens": 40},
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("work")
    ap.add_argument("model")
    ap.add_argument("--cfg", type=float, default=3.0)
    ap.add_argument("--top-k", type=int, default=64)
    ap.add_argument("--temperature", type=float, default=1.0)
    args = ap.parse_args()
    tok = Tokenizer.from_file(os.path.join(args.work, "tokenizer", "tokenizer.json"))
    vq = Emu3VQVAE.from_pretrained(os.path.join(args.work, "vq"))
    lm = Emu3ForCausalLM.from_pretrained(os.path.join(args.work, "backbone"))
    vocab = tok.get_vocab()
    vocabulary_map = dict(sorted(vocab.items(), key=lambda kv: kv[1]))
    vocabulary_map["<image>"] = vocab["<|extra_0|>"]  # transformers' understanding placeholder (spec §5.1)
    vq_cfg = {k: v for k, v in vq.config.to_dict().items() if k in (
        "codebook_size", "embed_dim", "latent_channels", "double_latent", "in_channels", "out_channels",
        "temporal_downsample_factor", "base_channels", "channel_multiplier", "num_res_blocks", "attn_resolutions",
        "hidden_size", "num_attention_heads", "attention_dropout")}
    text_cfg = lm.config.to_dict()
    text_cfg.pop("_name_or_path", None)   # the training folder: nothing a user of the model needs
    config = Emu3Config(vq_config=vq_cfg, text_config=text_cfg, vocabulary_map=vocabulary_map)
    model = Emu3ForConditionalGeneration(config).eval()
    missing, unexpected = model.model.vqmodel.load_state_dict(vq.state_dict(), strict=True), None
    model.model.text_model.load_state_dict(lm.model.state_dict(), strict=True)
    model.lm_head.load_state_dict(lm.lm_head.state_dict(), strict=True)

    if os.path.exists(args.model):
        for name in os.listdir(args.model):
            if name != "README.md":
                p = os.path.join(args.model, name)
                shutil.rmtree(p) if os.path.isdir(p) else os.remove(p)
    os.makedirs(args.model, exist_ok=True)
    config.architectures = ["Emu3ForConditionalGeneration"]
    config.save_pretrained(args.model)
    tensors = {}
    for name, t in model.state_dict().items():
        if not t.is_floating_point():
            tensors[name] = t.contiguous()        # BatchNorm step counters
        elif name.startswith("model.vqmodel."):
            tensors[name] = t.to(torch.float16).contiguous()
        else:
            tensors[name] = t.to(torch.bfloat16).contiguous()
    save_file(tensors, os.path.join(args.model, "model.safetensors"), metadata={"format": "pt"})
    os.chmod(os.path.join(args.model, "model.safetensors"), 0o644)
    shutil.copy(os.path.join(args.work, "tokenizer", "tokenizer.json"), args.model)
    shutil.copy(os.path.join(args.work, "tokenizer", "tokenizer_config.json"), args.model)
    with open(os.path.join(args.model, "preprocessor_config.json"), "w") as f:
        json.dump(PREPROCESSOR, f, indent=2)
    with open(os.path.join(args.model, "emu3_defaults.json"), "w") as f:
        json.dump(defaults(args.cfg, args.top_k, args.temperature), f, indent=2)
    size = sum(os.path.getsize(os.path.join(args.model, n)) for n in os.listdir(args.model))
    print(f"exported {args.model}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
