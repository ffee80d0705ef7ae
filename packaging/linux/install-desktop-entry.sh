#!/usr/bin/env bash
# Adds Reverie to the desktop's application menu (per user), pointing at ./.venv/bin/reverie.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/scalable/apps"
mkdir -p "$apps" "$icons"
cp "$here/resources/icons/reverie.svg" "$icons/reverie.svg"
sed -e "s|@EXEC@|$here/.venv/bin/reverie|" -e "s|@ICON@|reverie|" \
  "$here/packaging/linux/reverie.desktop.in" > "$apps/reverie.desktop"
echo "Installed $apps/reverie.desktop"
