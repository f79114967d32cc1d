#!/usr/bin/env python3
"""Example: check the services, then generate an image and ask about it.

    emu3-orchestrator up                      # the four services
    emu3-orchestrator serve &                 # the pipelines, for clients
    python3 clients/python/example.py --out /tmp/circle.png

Addresses default to the private runtime directory that `up` and `serve` use.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emu3_client  # noqa: E402


def runtime_dir() -> str:
    if os.environ.get("EMU3_RUNTIME_DIR"):
        return os.environ["EMU3_RUNTIME_DIR"]
    if os.environ.get("XDG_RUNTIME_DIR"):
        return os.environ["XDG_RUNTIME_DIR"] + "/emu3"
    return f"/tmp/emu3-{os.getuid()}"


def main() -> int:
    d = runtime_dir()
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--orchestrator-url", default=f"ipc://{d}/orchestrator.ipc")
    p.add_argument("--prompt", default="a red circle on a blue background")
    p.add_argument("--question", default="What is in the picture?")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--out", default="emu3-example.png")
    args = p.parse_args()
    for service in ["text-tokenizer", "vision-tokenizer", "backbone", "evaluator"]:
        url = f"ipc://{d}/{service}.ipc"
        try:
            print(f"{service:18} {emu3_client.health(url)}  {url}")
        except emu3_client.Emu3Error as e:
            print(f"{service:18} {e}")
    try:
        image = emu3_client.generate(args.orchestrator_url, args.prompt, seed=args.seed)
        with open(args.out, "wb") as f:
            f.write(image.png)
        print(f"wrote {args.out}: {image.width}x{image.height}, seed {image.seed}, {image.elapsed_ms} ms")
        answer = emu3_client.understand(args.orchestrator_url, image.png, args.question)
        print(f"{args.question} {answer.text}")
    except emu3_client.Emu3Error as e:
        print(f"emu3 error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
