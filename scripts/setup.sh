#!/usr/bin/env bash
# Installs what emu3-swift needs on Debian 12, only where it is missing or too old:
# the C libraries (NNG 1.5.2, protobuf-c 1.4.1, OpenBLAS, libpng with the deb12u6 security
# fixes), the protobuf-c compiler, and pip (to fetch the Qwen vocabulary). Idempotent.
set -euo pipefail

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in libnng-dev libprotobuf-c-dev protobuf-c-compiler libopenblas-dev libpng-dev pkg-config; do
  have "$p" || need+=("$p")
done
# libpng: the fresh image is two security updates behind (RELIABILITY.md §0.6).
png_min="1.6.39-2+deb12u6"
png_ver=$(dpkg-query -W -f='${Version}' libpng16-16 2>/dev/null || echo 0)
if ! dpkg --compare-versions "$png_ver" ge "$png_min"; then need+=(libpng16-16 libpng-dev); fi
command -v pip3 >/dev/null || command -v pip >/dev/null || need+=(python3-pip)
command -v unzip >/dev/null || need+=(unzip)

if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --only-upgrade libpng16-16 >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

png_ver=$(dpkg-query -W -f='${Version}' libpng16-16)
if ! dpkg --compare-versions "$png_ver" ge "$png_min"; then
  echo "setup: libpng16-16 is $png_ver; need >= $png_min (CVE-2026-34757, CVE-2026-46675)" >&2
  exit 1
fi
nng_ver=$(dpkg-query -W -f='${Version}' libnng1)
case "$nng_ver" in 1.5.2*) ;; *) echo "setup: warning: libnng1 is $nng_ver; the project is verified on 1.5.2" >&2 ;; esac
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6.3 is expected at /opt/swift)" >&2; exit 1; }
echo "setup: ok (libnng $nng_ver, libpng $png_ver, protobuf-c $(dpkg-query -W -f='${Version}' libprotobuf-c1))" >&2
