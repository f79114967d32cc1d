#!/usr/bin/env python3
"""The PyTorch side of `emu3-bench-backbone` (issue 4). Not a test.

  make  --out DIR [--seed 0]        a random mid-size Emu3 backbone in BF16, original BAAI
                                    naming, flat config (hidden 2048, 8 layers, 16/4 heads,
                                    intermediate 7168 = Emu3's 3.5 ratio, vocab 184,622)
  run   --model DIR --threads N     transformers 5.24 `Emu3ForCausalLM` on those weights:
        [--prompt 512 --steps 32]   prefill tok/s, decode tok/s at batch 1 and 2, peak RSS;
                                    prints one JSON line

The Swift benchmark calls both and prints the table. Seeds are fixed.
"""
import argparse
import json
import os
import resource
import time

import torch

SHAPE = dict(vocab_size=184622, hidden_size=2048, intermediate_size=7168, num_hidden_layers=8,
             num_attention_heads=16, num_key_value_heads=4, max_position_embeddings=4096, rms_norm_eps=1e-5)
IDS = dict(pad_token_id=151643, bos_token_id=151849, eos_token_id=151850, img_token_id=151851,
           boi_token_id=151852, eoi_token_id=151853, eol_token_id=151846, eof_token_id=151847)


def tensor_shapes():
    s = SHAPE
    d, f, v = s["hidden_size"], s["intermediate_size"], s["vocab_size"]
    hd = d // s["num_attention_heads"]
    kv = s["num_key_value_heads"] * hd
    out = {"model.embed_tokens.weight": [v, d], "model.norm.weight": [d], "lm_head.weight": [v, d]}
    for i in range(s["num_hidden_layers"]):
        p = f"model.layers.{i}."
        out.update({p + "self_attn.q_proj.weight": [d, d], p + "self_attn.k_proj.weight": [kv, d],
                    p + "self_attn.v_proj.weight": [kv, d], p + "self_attn.o_proj.weight": [d, d],
                    p + "mlp.gate_proj.weight": [f, d], p + "mlp.up_proj.weight": [f, d],
                    p + "mlp.down_proj.weight": [d, f], p + "input_layernorm.weight": [d],
                    p + "post_attention_layernorm.weight": [d]})
    return out


def make(out, seed):
    from safetensors.torch import save_file
    os.makedirs(out, exist_ok=True)
    g = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, shape in tensor_shapes().items():
        if len(shape) == 1:
            t = 1 + 0.1 * torch.randn(shape, generator=g)
        else:
            t = torch.randn(shape, generator=g) / shape[1] ** 0.5
        tensors[name] = t.to(torch.bfloat16)
    save_file(tensors, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    cfg = dict(architectures=["Emu3ForCausalLM"], model_type="Emu3", hidden_act="silu", rope_theta=1e6,
               rope_scaling=None, tie_word_embeddings=False, torch_dtype="bfloat16", **SHAPE, **IDS)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)


def run(model_dir, threads, prompt, steps):
    from safetensors.torch import load_file
    from transformers import Emu3ForCausalLM, Emu3TextConfig
    torch.set_num_threads(threads)
    cfg = Emu3TextConfig(**SHAPE, pad_token_id=IDS["pad_token_id"], bos_token_id=IDS["bos_token_id"],
                         eos_token_id=IDS["eos_token_id"], rope_parameters={"rope_theta": 1e6, "rope_type": "default"})
    with torch.device("meta"):
        model = Emu3ForCausalLM(cfg)
    model.load_state_dict(load_file(os.path.join(model_dir, "model.safetensors")), assign=True)
    model = model.to(torch.bfloat16).eval()
    model.model.rotary_emb.inv_freq = model.model.rotary_emb.original_inv_freq = (
        1.0 / (1e6 ** (torch.arange(0, 128, 2, dtype=torch.float) / 128)))
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 151643, (2, prompt), generator=g)
    res = {"threads": threads, "prompt": prompt, "steps": steps, "dtype": "bf16"}
    with torch.inference_mode():
        model(ids[:1, :16], use_cache=True)  # warm-up
        t = time.perf_counter()
        out = model(ids[:1], use_cache=True, logits_to_keep=1)
        res["prefill_s"] = time.perf_counter() - t
        cache, nxt = out.cache, out.logits[:, -1].argmax(-1, keepdim=True)
        t = time.perf_counter()
        for _ in range(steps):
            out = model(nxt, cache=cache, use_cache=True)
            cache, nxt = out.cache, out.logits[:, -1].argmax(-1, keepdim=True)
        res["decode1_s"] = (time.perf_counter() - t) / steps
        out = model(ids, use_cache=True, logits_to_keep=1)
        cache, nxt = out.cache, out.logits[:, -1].argmax(-1, keepdim=True)
        t = time.perf_counter()
        for _ in range(steps):
            out = model(nxt, cache=cache, use_cache=True)
            cache, nxt = out.cache, out.logits[:, -1].argmax(-1, keepdim=True)
        res["decode2_s"] = (time.perf_counter() - t) / steps
    res["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["torch"] = torch.__version__
    res["transformers"] = __import__("transformers").__version__
    print(json.dumps(res))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("--out", required=True)
    m.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("run")
    r.add_argument("--model", required=True)
    r.add_argument("--threads", type=int, required=True)
    r.add_argument("--prompt", type=int, default=512)
    r.add_argument("--steps", type=int, default=32)
    a = ap.parse_args()
    if a.cmd == "make":
        make(a.out, a.seed)
    else:
        run(a.model, a.threads, a.prompt, a.steps)


if __name__ == "__main__":
    main()
