#!/usr/bin/env bash
# Installs Reverie with its test tools, then runs the checks and the whole test suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash packaging/install.sh --test
export HF_HUB_OFFLINE=1 QT_QPA_PLATFORM=offscreen
echo "== ruff"
.venv/bin/ruff check .
echo "== import contracts"
(cd "$here" && .venv/bin/lint-imports --config .importlinter)
echo "== tests"
# run from outside the source tree so the installed package is what is tested
cd tests && ../.venv/bin/python -m pytest -c ../pyproject.toml --rootdir .. "$@"
