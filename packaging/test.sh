#!/usr/bin/env bash
# Installs Reverie with its test tools, then runs the checks and the whole test suite.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash packaging/install.sh --test
export HF_HUB_OFFLINE=1 QT_QPA_PLATFORM=offscreen
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== import contracts"
(cd "$here" && .venv/bin/lint-imports --config .importlinter)
echo "== mypy (core and models)"
# the checkout is the package `reverie`: give mypy a folder in which it has that name
types_root="$(mktemp -d)"
ln -s "$here" "$types_root/reverie"
(cd "$types_root" && "$here/.venv/bin/mypy" --config-file "$here/pyproject.toml" --cache-dir "$types_root/.cache" \
  -p reverie.core -p reverie.models)
rm -rf "$types_root"
echo "== tests"
# run from outside the source tree so the installed package is what is tested; on two processes
# (REVERIE_TEST_WORKERS=0 runs them in this one)
cd tests && ../.venv/bin/python -m pytest -c ../pyproject.toml --rootdir .. -n "${REVERIE_TEST_WORKERS:-2}" "$@"
