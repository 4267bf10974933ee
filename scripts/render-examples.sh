#!/usr/bin/env bash
# Regenerates the example pictures in docs/ from the real history in ../shared/prices:
# the SVGs come from rotation itself, the PNGs from rsvg-convert (Debian: librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
prices=../shared/prices
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found: apt-get install librsvg2-bin" >&2; exit 1; }
npm run build >/dev/null
node bin/rotation.js chart IWM:SPY --data "$prices" --since 2024-01-01 --as-of 2024-12-31 --svg docs/chart-iwm-spy-2024.svg
node bin/rotation.js rrg --data "$prices" --as-of 2024-07-16 --svg docs/rrg-2024-07-16.svg >/dev/null
rsvg-convert -w 1200 docs/chart-iwm-spy-2024.svg -o docs/chart-iwm-spy-2024.png
rsvg-convert -w 1200 docs/rrg-2024-07-16.svg -o docs/rrg-2024-07-16.png
echo "wrote docs/chart-iwm-spy-2024.png and docs/rrg-2024-07-16.png"
