#!/usr/bin/env bash
# Re-makes Renders/gallery/ from the README's quick tour: every `mazerender ...` line between `<!-- tour -->` and
# `<!-- /tour -->` runs as written (in a scratch folder holding a link to Templates/), and the file its --out names
# is copied into Renders/gallery/. Then, when Chromium is installed, the explorer's screenshot is taken the way
# docs/explorer.md describes (headless, with --virtual-time-budget so the page finishes its requests first).
#
# Usage, from anywhere, after `swift build -c release`:
#   Scripts/gallery.sh
# Environment:
#   MAZERENDER   the program to run (default: .build/release/mazerender of this package)
#   GALLERY_PORT the explorer's port for the screenshot (default 8611)
# The outputs are deterministic: the same build on the same machine re-makes byte-identical files
# (DocumentationExampleTests checks the committed pictures against the commands).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
program="${MAZERENDER:-$root/.build/release/mazerender}"
port="${GALLERY_PORT:-8611}"
gallery="$root/Renders/gallery"
[ -x "$program" ] || { echo "gallery: $program is not built; run swift build -c release first" >&2; exit 1; }

scratch="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
mkdir -p "$scratch/bin" "$gallery"
ln -s "$program" "$scratch/bin/mazerender"
ln -s "$root/Templates" "$scratch/Templates"

# The tour's command lines, in order.
mapfile -t commands < <(sed -n '/^<!-- tour -->$/,/^<!-- \/tour -->$/p' "$root/README.md" | grep '^mazerender ')
[ "${#commands[@]}" -gt 0 ] || { echo "gallery: no tour commands found in README.md" >&2; exit 1; }

for command in "${commands[@]}"; do
  out="$(printf '%s\n' "$command" | sed -n 's/.*--out \([^ ]*\).*/\1/p')"
  [ -n "$out" ] || { echo "gallery: no --out in: $command" >&2; exit 1; }
  echo "gallery: $command"
  (cd "$scratch" && PATH="$scratch/bin:$PATH" bash -c "$command" >/dev/null)
  cp "$scratch/$out" "$gallery/$out"
done

# The explorer's screenshot: seed 54, the cheese moved to (0, 6), the cheese vector subtracted, the diff layer and
# the decision square shown.
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
  echo "gallery: chromium not found; explorer-seed54.png left as it is" >&2
  exit 0
fi
"$program" serve --port "$port" >"$scratch/serve.log" 2>&1 &
server=$!
for _ in $(seq 50); do
  grep -q "http://" "$scratch/serve.log" && break
  sleep 0.2
done
"$chromium" --headless --no-sandbox --hide-scrollbars --window-size=1200,800 --virtual-time-budget=20000 \
  --screenshot="$gallery/explorer-seed54.png" "http://127.0.0.1:$port/?seed=54&cheese=0,6&cv=-1&diff=1&ds=1" \
  >/dev/null 2>&1
echo "gallery: explorer-seed54.png"
