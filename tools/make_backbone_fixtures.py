#!/usr/bin/env python3
"""Tiny random Emu3 backbone checkpoints + golden outputs from transformers (issue 4).

Reference: transformers 5.24.0, torch 2.15 (CPU), `Emu3ForConditionalGeneration`.
Usage:  tools/.venv/bin/python tools/make_backbone_fixtures.py --out Tests/Fixtures/backbone

Writes one folder per checkpoint (config.json + safetensors + goldens.json) and MANIFEST.json
(sha256 of every file). Everything is seeded; re-running gives the same bytes for the same
library versions.

Checkpoints
  gqa-f32      hosted naming (`text_model.model.*`, `text_model.lm_head.weight`) as written by
               save_pretrained; 8 heads / 2 KV heads; rope_theta 1e6; untied head; 2 layers.
  gqa-bf16     the same model saved in bfloat16 (its own goldens).
  gqa-original the same F32 weights under the original BAAI names (`model.layers.N…`,
               `lm_head.weight`) with a flat `Emu3ForCausalLM` config (top-level rope_theta,
               special-token ids as fields, no vocabulary_map).
  mha-tied     4 heads / 4 KV heads, head_dim 12, rope_theta 1e4, rms_norm_eps 1e-6, tied
               embeddings, 3 layers, another compact vocabulary; saved as two shards with
               `model.safetensors.index.json` under the in-memory naming
               (`model.text_model.*`, `lm_head` omitted because tied).

To stay small, `vqmodel.*` tensors are dropped from the saved files except the int64
`num_batches_tracked` buffers and `vqmodel.quantize.embedding.weight` (kept so loaders are
exercised on tensors they must ignore, including an I64 one).

Goldens (goldens.json in each folder) — all from transformers:
  final_logits    last-position logits for several prompts (model forward, no cache)
  all_logits      every position's logits for one prompt
  greedy          `generate(do_sample=False)` continuations
  padded_batch    a left-padded batch of two: final logits of a forward with position ids
                  cumsum(mask)−1 (what `generate` derives) and the greedy continuations of
                  `generate` on that batch (asserted here equal to each row alone)
  cfg_layout      `generate` with guidance_scale, negative_prompt_ids and the spec §6.2 layout
                  constraint as prefix_allowed_tokens_fn, greedy (identity-testable); also a
                  hand-written loop with explicit caches (asserted equal)
  cfg_sampled     the same with do_sample=True, top_k (transformers' RNG: well-formedness only)
  score           per-token log-probabilities of a continuation given a context
Greedy margins (top-1 minus top-2 score at every greedy step) are recorded; the script asserts
they exceed MIN_MARGIN so F32 re-implementations cannot flip a choice through rounding.
"""
import argparse
import hashlib
import json
import os
import shutil

import torch
from safetensors import safe_open
from safetensors.torch import save_file

from transformers import Emu3Config, Emu3ForConditionalGeneration

MIN_MARGIN = 2e-3


# MARK: - vocabularies (compact ids, same order as the real Emu3 vocabulary, spec §5.1)

def make_vocabulary(text_tokens, visual_tokens):
    """text tokens, <|endoftext|>, Qwen markers, extras 0 and 200–204, image markers, visual."""
    vm = {f"t{i:03d}": i for i in range(text_tokens)}
    nxt = text_tokens
    for name in ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|extra_0|>", "<|extra_200|>",
                 "<|extra_201|>", "<|extra_202|>", "<|extra_203|>", "<|extra_204|>",
                 "<|image token|>", "<|image start|>", "<|image end|>"]:
        vm[name] = nxt
        nxt += 1
    vm["<image>"] = vm["<|extra_0|>"]  # transformers' understanding placeholder reuses extra_0
    for k in range(visual_tokens):
        vm[f"<|visual token {k:06d}|>"] = nxt
        nxt += 1
    return vm, nxt


def special_ids(vm):
    return dict(pad=vm["<|endoftext|>"], eol=vm["<|extra_200|>"], eof=vm["<|extra_201|>"],
                bos=vm["<|extra_203|>"], eos=vm["<|extra_204|>"], img=vm["<|image token|>"],
                boi=vm["<|image start|>"], eoi=vm["<|image end|>"],
                visual=sorted(v for k, v in vm.items() if k.startswith("<|visual token")))


TINY_VQ = dict(codebook_size=64, embed_dim=4, latent_channels=4, base_channels=32, channel_multiplier=[1],
               num_res_blocks=0, attn_resolutions=[], hidden_size=32, num_attention_heads=1,
               temporal_downsample_factor=4)


# MARK: - models

def build_model(seed, text_tokens, visual_tokens, text_cfg, tied):
    vm, vocab = make_vocabulary(text_tokens, visual_tokens)
    ids = special_ids(vm)
    text = dict(text_cfg, vocab_size=vocab, pad_token_id=ids["pad"], bos_token_id=ids["bos"],
                eos_token_id=ids["eos"], tie_word_embeddings=tied)
    config = Emu3Config(vq_config=TINY_VQ, text_config=text, vocabulary_map=vm, tie_word_embeddings=tied)
    torch.manual_seed(seed)
    model = Emu3ForConditionalGeneration(config).eval()
    g = torch.Generator().manual_seed(seed + 1)
    hidden = text_cfg["hidden_size"]
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "vqmodel" in name:
                continue
            if name.endswith("norm.weight") or "layernorm" in name:
                p.copy_(1 + 0.2 * torch.randn(p.shape, generator=g))
            elif "embed_tokens" in name:
                p.copy_((0.12 if tied else 1.0) * torch.randn(p.shape, generator=g))
            elif name == "lm_head.weight":
                p.copy_(2.0 / hidden ** 0.5 * torch.randn(p.shape, generator=g))
            else:  # Linear [out, in]; the tied model gets stronger layers (else greedy loops at once)
                p.copy_((2.0 if tied else 1.0) * torch.randn(p.shape, generator=g) / p.shape[1] ** 0.5)
    return model, vm, ids


def strip_vq(path):
    """Rewrites a saved file without most vqmodel.* tensors (see module doc)."""
    keep = {}
    with safe_open(path, "pt") as f:
        meta = f.metadata()
        for k in f.keys():
            if not k.startswith("vqmodel.") or k.endswith("num_batches_tracked") or k == "vqmodel.quantize.embedding.weight":
                keep[k] = f.get_tensor(k)
    save_file(keep, path, metadata=meta)


# MARK: - reference computations

def forward_logits(model, ids, mask=None, positions=None):
    with torch.no_grad():
        out = model(input_ids=torch.tensor([ids]) if mask is None else torch.tensor(ids),
                    attention_mask=None if mask is None else torch.tensor(mask),
                    position_ids=positions, use_cache=False)
    return out.logits.float()


def greedy_with_margins(model, prompt, max_new):
    with torch.no_grad():
        out = model.generate(input_ids=torch.tensor([prompt]), max_new_tokens=max_new, do_sample=False,
                             output_scores=True, return_dict_in_generate=True, pad_token_id=model.config.text_config.pad_token_id)
    new = out.sequences[0, len(prompt):].tolist()
    margins = [float(s[0].topk(2).values[0] - s[0].topk(2).values[1]) for s in out.scores]
    return new, min(margins)


def make_layout_fn(ids, height, width, vocab, cond_len):
    visual = ids["visual"]

    def allowed(_, input_ids):
        seq = input_ids.tolist()
        p = seq.index(ids["img"])
        o = len(seq) - p
        total = (width + 1) * height
        if o % (width + 1) == 0:
            return [ids["eol"]]
        if o == total + 1:
            return [ids["eof"]]
        if o == total + 2:
            return [ids["eoi"]]
        if o == total + 3:
            return [ids["eos"]]
        if o > total + 3:
            return [ids["pad"]]
        return visual
    return allowed


def cfg_manual_greedy(model, cond, neg, scale, height, width, ids, vocab):
    """CFG exactly as spec §6.3 with explicit KV caches, greedy, layout-constrained."""
    allowed_fn = make_layout_fn(ids, height, width, vocab, len(cond))
    steps = height * (width + 1) + 3
    out, margins = [], []
    with torch.no_grad():
        c = model(input_ids=torch.tensor([cond]), use_cache=True)
        u = model(input_ids=torch.tensor([neg]), use_cache=True)
        for _ in range(steps):
            lc = torch.log_softmax(c.logits[0, -1].float(), -1)
            lu = torch.log_softmax(u.logits[0, -1].float(), -1)
            g = scale * (lc - lu) + lu
            allowed = allowed_fn(0, torch.tensor(cond + out))
            masked = torch.full_like(g, float("-inf"))
            masked[allowed] = g[allowed]
            if len(allowed) > 1:
                top = masked.topk(2).values
                margins.append(float(top[0] - top[1]))
            tok = int(masked.argmax())
            out.append(tok)
            c = model(input_ids=torch.tensor([[tok]]), cache=c.cache, use_cache=True)
            u = model(input_ids=torch.tensor([[tok]]), cache=u.cache, use_cache=True)
    return out, min(margins)


def check_layout(new, ids, height, width):
    assert len(new) == height * (width + 1) + 3, len(new)
    for r in range(height):
        row = new[r * (width + 1):(r + 1) * (width + 1)]
        assert all(t in ids["visual"] for t in row[:-1]) and row[-1] == ids["eol"], row
    assert new[-3:] == [ids["eof"], ids["eoi"], ids["eos"]]


def goldens_for(model, ids, vocab, seed):
    g = torch.Generator().manual_seed(seed)
    text_hi = ids["pad"]  # text ids are 0..<pad

    def rand_text(n):
        return torch.randint(0, text_hi, (n,), generator=g).tolist()

    prompts = [[ids["bos"]], [ids["bos"]] + rand_text(6),
               [ids["bos"]] + rand_text(9) + [ids["boi"]] + rand_text(3) + [ids["img"]] + ids["visual"][:5] + [ids["eol"]],
               rand_text(3) + [ids["eos"], ids["pad"]] + rand_text(4) + [vocab - 1, 0]]
    gold = {"vocab_size": vocab, "special_ids": {k: v for k, v in ids.items() if k != "visual"},
            "visual_ids": [ids["visual"][0], ids["visual"][-1] + 1], "prompts": prompts}
    gold["final_logits"] = [forward_logits(model, p)[0, -1].tolist() for p in prompts]
    gold["all_logits"] = {"prompt_index": 2, "logits": forward_logits(model, prompts[2])[0].tolist()}

    # Greedy continuations (transformers generate, KV cache).
    greedy, margin = [], 1e9
    for p in prompts[1:3]:
        new, m = greedy_with_margins(model, p, 12)
        greedy.append({"prompt": p, "max_new_tokens": 12, "ids": new})
        margin = min(margin, m)
    gold["greedy"] = greedy

    # Left-padded batch of two (spec §2.4, §9.24): positions = cumsum(mask) − 1, pads → 1.
    a, b = prompts[1], prompts[2]
    width = max(len(a), len(b))
    rows = [[ids["pad"]] * (width - len(r)) + r for r in (a, b)]
    mask = [[0] * (width - len(r)) + [1] * len(r) for r in (a, b)]
    mt = torch.tensor(mask)
    pos = (mt.cumsum(-1) - 1).masked_fill(mt == 0, 1)
    lb = forward_logits(model, rows, mask, pos)
    final = [lb[i, -1].tolist() for i in range(2)]
    for i, p in enumerate((a, b)):
        alone = forward_logits(model, p)[0, -1]
        assert (torch.tensor(final[i]) - alone).abs().max() < 1e-4 * alone.abs().max()
    with torch.no_grad():
        out = model.generate(input_ids=torch.tensor(rows), attention_mask=mt, max_new_tokens=8, do_sample=False,
                             pad_token_id=ids["pad"])
    batch_new = out[:, width:].tolist()
    for i, p in enumerate((a, b)):
        solo, m = greedy_with_margins(model, p, 8)
        margin = min(margin, m)
        assert batch_new[i] == solo, (batch_new[i], solo)
    gold["padded_batch"] = {"rows": rows, "attention_mask": mask, "final_logits": final,
                            "greedy_new": batch_new, "max_new_tokens": 8}

    # CFG + image layout (spec §6.2, §6.3), 3×4 codes.
    h, w, scale = 3, 4, 3.0
    digits = rand_text(3)  # stands in for "3*4" meta text
    cond = [ids["bos"]] + rand_text(5) + [ids["boi"]] + digits + [ids["img"]]
    neg = [ids["bos"]] + rand_text(4) + [ids["boi"]] + digits + [ids["img"]]
    fn = make_layout_fn(ids, h, w, vocab, len(cond))
    steps = h * (w + 1) + 3
    with torch.no_grad():
        out = model.generate(input_ids=torch.tensor([cond]), negative_prompt_ids=torch.tensor([neg]),
                             guidance_scale=scale, prefix_allowed_tokens_fn=fn, do_sample=False,
                             max_new_tokens=steps + 5, pad_token_id=ids["pad"], eos_token_id=ids["eos"])
    cfg_new = out[0, len(cond):].tolist()
    manual, cfg_margin = cfg_manual_greedy(model, cond, neg, scale, h, w, ids, vocab)
    assert cfg_new == manual, (cfg_new, manual)
    check_layout(cfg_new, ids, h, w)
    gold["cfg_layout"] = {"prompt": cond, "negative": neg, "height": h, "width": w, "scale": scale,
                          "greedy_ids": cfg_new}
    margin = min(margin, cfg_margin)

    torch.manual_seed(seed + 7)
    with torch.no_grad():
        out = model.generate(input_ids=torch.tensor([cond]), negative_prompt_ids=torch.tensor([neg]),
                             guidance_scale=scale, prefix_allowed_tokens_fn=fn, do_sample=True, top_k=16,
                             max_new_tokens=steps + 5, pad_token_id=ids["pad"], eos_token_id=ids["eos"])
    sampled = out[0, len(cond):].tolist()
    check_layout(sampled, ids, h, w)
    gold["cfg_sampled"] = {"top_k": 16, "ids": sampled}

    # Scoring: log p(continuation | context).
    ctx, cont = prompts[1], rand_text(5) + [ids["eos"]]
    logp = torch.log_softmax(forward_logits(model, ctx + cont)[0], -1)
    gold["score"] = {"context": ctx, "continuation": cont,
                     "logprobs": [float(logp[len(ctx) - 1 + i, t]) for i, t in enumerate(cont)]}
    gold["min_greedy_margin"] = margin
    assert margin > MIN_MARGIN, f"greedy margin {margin} too small: change the seed"
    return gold


# MARK: - writing

def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")


def save_hosted(model, folder, dtype=None):
    m = model if dtype is None else model.to(dtype)
    m.save_pretrained(folder)
    strip_vq(os.path.join(folder, "model.safetensors"))


def save_original(model, folder, ids, vocab, text_cfg):
    """Original BAAI layout: flat Emu3ForCausalLM config, `model.*` + `lm_head.weight`."""
    os.makedirs(folder, exist_ok=True)
    sd = model.state_dict()
    tensors = {}
    for k, v in sd.items():
        if k.startswith("model.text_model."):
            tensors["model." + k[len("model.text_model."):]] = v.contiguous()
        elif k == "lm_head.weight":
            tensors[k] = v.contiguous()
    save_file(tensors, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})
    cfg = {"architectures": ["Emu3ForCausalLM"], "model_type": "Emu3", "vocab_size": vocab,
           "hidden_size": text_cfg["hidden_size"], "intermediate_size": text_cfg["intermediate_size"],
           "num_hidden_layers": text_cfg["num_hidden_layers"], "num_attention_heads": text_cfg["num_attention_heads"],
           "num_key_value_heads": text_cfg["num_key_value_heads"], "hidden_act": "silu",
           "max_position_embeddings": text_cfg["max_position_embeddings"], "rms_norm_eps": text_cfg["rms_norm_eps"],
           "rope_theta": text_cfg["rope_parameters"]["rope_theta"], "rope_scaling": None,
           "pad_token_id": ids["pad"], "bos_token_id": ids["bos"], "eos_token_id": ids["eos"],
           "img_token_id": ids["img"], "boi_token_id": ids["boi"], "eoi_token_id": ids["eoi"],
           "eol_token_id": ids["eol"], "eof_token_id": ids["eof"], "image_area": 4096,
           "tie_word_embeddings": False, "pretraining_tp": 1, "attention_dropout": 0.1, "torch_dtype": "float32"}
    write_json(os.path.join(folder, "config.json"), cfg)


def save_sharded_inmemory(model, folder):
    """Two shards + index, tensor names as the in-memory module (`model.text_model.*`)."""
    model.save_pretrained(folder)
    single = os.path.join(folder, "model.safetensors")
    with safe_open(single, "pt") as f:
        names = [k for k in f.keys() if k.startswith("text_model.")]
        tensors = {("model.text_model." + k[len("text_model.model."):]) if k.startswith("text_model.model.") else
                   ("lm_head.weight" if k == "text_model.lm_head.weight" else k): f.get_tensor(k) for k in names}
        extra = {k: f.get_tensor(k) for k in f.keys() if k.endswith("num_batches_tracked")}
    os.remove(single)
    keys = sorted(tensors)
    half = len(keys) // 2
    shards = {"model-00001-of-00002.safetensors": {k: tensors[k] for k in keys[:half]},
              "model-00002-of-00002.safetensors": {**{k: tensors[k] for k in keys[half:]}, **extra}}
    weight_map, total = {}, 0
    for fname, part in shards.items():
        save_file(part, os.path.join(folder, fname), metadata={"format": "pt"})
        for k, t in part.items():
            weight_map[k] = fname
            total += t.numel() * t.element_size()
    write_json(os.path.join(folder, "model.safetensors.index.json"),
               {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.set_num_threads(1)
    out = args.out
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)

    gqa_cfg = dict(hidden_size=64, intermediate_size=176, num_hidden_layers=2, num_attention_heads=8,
                   num_key_value_heads=2, max_position_embeddings=256, rms_norm_eps=1e-5,
                   rope_parameters={"rope_theta": 1e6, "rope_type": "default"})
    model, vm, ids = build_model(1234, 150, 128, gqa_cfg, tied=False)
    vocab = len(set(vm.values()))
    gold = goldens_for(model, ids, vocab, 99)

    save_hosted(model, os.path.join(out, "gqa-f32"))
    write_json(os.path.join(out, "gqa-f32", "goldens.json"), gold)
    save_original(model, os.path.join(out, "gqa-original"), ids, vocab, gqa_cfg)
    write_json(os.path.join(out, "gqa-original", "goldens.json"), gold)

    # BF16 copy: goldens of f32 math on the bf16-rounded weights (what our engine computes),
    # plus transformers' native bf16 final logits (bf16 activations) for a looser check.
    save_hosted(model, os.path.join(out, "gqa-bf16"), dtype=torch.bfloat16)
    upcast = Emu3ForConditionalGeneration.from_pretrained(os.path.join(out, "gqa-bf16"), dtype=torch.float32).eval()
    gold16 = goldens_for(upcast, ids, vocab, 99)
    native = Emu3ForConditionalGeneration.from_pretrained(os.path.join(out, "gqa-bf16"), dtype=torch.bfloat16).eval()
    gold16["native_bf16_final_logits"] = [forward_logits(native, p)[0, -1].tolist() for p in gold16["prompts"]]
    write_json(os.path.join(out, "gqa-bf16", "goldens.json"), gold16)

    mha_cfg = dict(hidden_size=48, intermediate_size=96, num_hidden_layers=3, num_attention_heads=4,
                   num_key_value_heads=4, max_position_embeddings=128, rms_norm_eps=1e-6,
                   rope_parameters={"rope_theta": 1e4, "rope_type": "default"})
    model2, vm2, ids2 = build_model(4321, 100, 96, mha_cfg, tied=True)
    vocab2 = len(set(vm2.values()))
    gold2 = goldens_for(model2, ids2, vocab2, 77)
    save_sharded_inmemory(model2, os.path.join(out, "mha-tied"))
    write_json(os.path.join(out, "mha-tied", "goldens.json"), gold2)

    manifest = {"generator": "tools/make_backbone_fixtures.py", "transformers": __import__("transformers").__version__,
                "torch": torch.__version__, "min_greedy_margin": MIN_MARGIN, "files": {}}
    for root, _, files in os.walk(out):
        for f in sorted(files):
            p = os.path.join(root, f)
            rel = os.path.relpath(p, out)
            if rel == "MANIFEST.json":
                continue
            manifest["files"][rel] = {"sha256": hashlib.sha256(open(p, "rb").read()).hexdigest(),
                                      "bytes": os.path.getsize(p)}
    manifest["files"] = dict(sorted(manifest["files"].items()))
    with open(os.path.join(out, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
