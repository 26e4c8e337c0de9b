#!/bin/sh
# Renders the hicolor PNG sizes from the SVG (needs librsvg2-bin). The PNGs are committed so a
# build needs no SVG renderer; run this after editing the SVG.
set -eu
cd "$(dirname "$0")"
for size in 16 32 48 64 128 256; do
  rsvg-convert -w "$size" -h "$size" io.github.syxflash.svg -o "io.github.syxflash-$size.png"
done
