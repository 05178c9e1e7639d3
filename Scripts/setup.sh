#!/usr/bin/env bash
# Installs what mazerender needs on Debian 12 (idempotent): system libraries through apt, then procgen's
# images through Scripts/fetch-assets.sh. Safe to run any number of times; installs only what is missing.
# poppler-utils is for the tests only: they rasterize PDF figures with its pdftoppm. chromium and chromium-driver
# are for the explorer's browser test only (with Selenium from PyPI, installed below).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(pkg-config libpng-dev zlib1g-dev libopenblas-dev libcairo2-dev fonts-dejavu-core
  libavfilter-dev libavcodec-dev libavformat-dev libswscale-dev libavutil-dev unzip python3-pip poppler-utils
  chromium chromium-driver)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# python3-pip counts as present when some python3 already has pip (e.g. a pyenv build).
if [[ " ${missing[*]} " == *" python3-pip "* ]] && python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Selenium drives Chromium in the explorer's browser test (Tests/ExplorerTests/browser_test.py); a development
# dependency only, never used at run time.
if ! python3 -c "import selenium" >/dev/null 2>&1; then
  echo "setup: installing selenium (pip)" >&2
  python3 -m pip install --quiet "selenium==4.51.0" || python3 -m pip install --quiet --break-system-packages "selenium==4.51.0"
fi

if [ -x Scripts/fetch-assets.sh ]; then
  Scripts/fetch-assets.sh
fi
