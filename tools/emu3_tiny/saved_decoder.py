"""Turns a decoder that backbone.py saved mid-run into a work folder that export.py reads:
OUT/backbone (save_pretrained, the factorised rows written into the ordinary rows, as at the end
of a run), with WORK's tokenizer and vq copied beside it.

STATE is WORK/backbone_main.pt (saved after the main schedule of a run with --tune-steps) or a
--save-main-every file (WORK/backbone_main_stepS.pt), for probes of the decoder at that point:

    saved_decoder.py WORK WORK/backbone_main_step1200.pt /tmp/step1200
    export.py /tmp/step1200 /tmp/step1200/model
    first_cell.py /tmp/step1200/model        (or evaluate.py)

Usage: saved_decoder.py WORK STATE OUT
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys

import torch
from tokenizers import Tokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from backbone import FactorisedVisual, text_config  # noqa: E402
from sequences import Builder  # noqa: E402
from transformers import Emu3ForCausalLM, Emu3TextConfig  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("work", help="the run's folder (its tokenizer/ and vq/ are copied)")
    ap.add_argument("state", help="backbone_main.pt or a backbone_main_stepS.pt from --save-main-every")
    ap.add_argument("out")
    args = ap.parse_args()
    tok = Tokenizer.from_file(os.path.join(args.work, "tokenizer", "tokenizer.json"))
    state = torch.load(args.state, weights_only=False)
    model = Emu3ForCausalLM(Emu3TextConfig(**text_config(tok)))
    model.load_state_dict(state["model"])
    if state.get("factorised"):
        rows = state["factorised"]
        colours, patterns = len(rows["colour_in"]), len(rows["pattern_in"])
        factorised = FactorisedVisual(model, Builder(tok).ids.visual0, colours, patterns, 0.0)
        factorised.load_state_dict(rows)
        factorised.write(model)
    model.eval()
    os.makedirs(args.out, exist_ok=True)
    for part in ("tokenizer", "vq"):
        if not os.path.exists(os.path.join(args.out, part)):
            shutil.copytree(os.path.join(args.work, part), os.path.join(args.out, part))
    model.save_pretrained(os.path.join(args.out, "backbone"))
    print(f"wrote {args.out}/backbone from {args.state}" + (f" (step {state['step']})" if "step" in state else ""))


if __name__ == "__main__":
    main()
