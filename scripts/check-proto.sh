#!/usr/bin/env bash
# Fails when the committed protobuf-c output no longer matches proto/ (run `make proto`).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$root/scripts/gen-proto.sh" "$tmp"
if ! diff -r "$tmp" "$root/Shared/CEmu3Proto" >/dev/null; then
  diff -r "$tmp" "$root/Shared/CEmu3Proto" | head -20 >&2
  echo "check-proto: Shared/CEmu3Proto is stale; run 'make proto' and commit the result" >&2
  exit 1
fi
echo "check-proto: generated code matches proto/" >&2
