#!/usr/bin/env bash
# Render resources/icons/dossier.svg to the PNG sizes the app and the desktop entry use.
# Needs rsvg-convert (Debian: librsvg2-bin). The PNGs are committed; run this after
# changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
for size in 16 32 48 64 128 256 512; do
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio dossier.svg -o "dossier-$size.png"
done
ls -l dossier-*.png
