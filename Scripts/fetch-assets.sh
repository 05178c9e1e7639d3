#!/usr/bin/env bash
# Installs procgen 0.10.7's maze images into Assets/procgen/ (git-ignored), checked against the SHA-256 list
# committed as Assets/procgen-assets.sha256.
#
# Idempotent: when every listed file is present with the right checksum, nothing is downloaded.
# Otherwise the procgen wheel is fetched from PyPI with `pip download` (nothing is installed), the listed images
# and the wheel's LICENSE are extracted, and every checksum is verified.
#
# Environment:
#   PROCGEN_WHEEL   path of an already downloaded procgen-0.10.7 wheel to use instead of pip download.
#   ASSETS_DIR      where to install (default: <package root>/Assets/procgen).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
list="$root/Assets/procgen-assets.sha256"
dest="${ASSETS_DIR:-$root/Assets/procgen}"
prefix="procgen/data/assets"
license_member="procgen-0.10.7.dist-info/LICENSE"

fail() { echo "fetch-assets: error: $*" >&2; exit 1; }

[ -f "$list" ] || fail "checksum list $list is missing"

sha256_of() {
    if command -v sha256sum >/dev/null 2>&1; then
        sha256sum "$1" | cut -d' ' -f1
    elif command -v shasum >/dev/null 2>&1; then
        shasum -a 256 "$1" | cut -d' ' -f1
    else
        python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$1"
    fi
}

# Prints one line per listed file that is missing or altered; prints nothing when all are correct.
check_all() {
    while read -r sum path; do
        [ -n "$sum" ] || continue
        if [ ! -f "$dest/$path" ]; then
            echo "missing: $dest/$path"
        elif [ "$(sha256_of "$dest/$path")" != "$sum" ]; then
            echo "checksum mismatch: $dest/$path"
        fi
    done < "$list"
}

if [ -z "$(check_all)" ]; then
    echo "fetch-assets: all $(grep -c . "$list") procgen assets present and verified in $dest"
    exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if [ -n "${PROCGEN_WHEEL:-}" ]; then
    [ -f "$PROCGEN_WHEEL" ] || fail "PROCGEN_WHEEL=$PROCGEN_WHEEL is not a file"
    wheel="$PROCGEN_WHEEL"
    echo "fetch-assets: using wheel $wheel"
else
    pip_cmd=""
    if command -v pip3 >/dev/null 2>&1; then pip_cmd="pip3"
    elif command -v pip >/dev/null 2>&1; then pip_cmd="pip"
    elif command -v python3 >/dev/null 2>&1 && python3 -m pip --version >/dev/null 2>&1; then pip_cmd="python3 -m pip"
    else fail "pip is needed to download the procgen wheel (install python3-pip), or set PROCGEN_WHEEL"
    fi
    echo "fetch-assets: downloading procgen 0.10.7 wheel (about 36 MB) with $pip_cmd"
    $pip_cmd download procgen==0.10.7 --no-deps --only-binary=:all: --python-version 3.10 \
        --platform manylinux2014_x86_64 -d "$tmp/wheel" \
        || fail "pip download of procgen==0.10.7 failed (network or PyPI unavailable?)"
    wheel="$(ls "$tmp"/wheel/procgen-0.10.7-*.whl 2>/dev/null | head -n 1)"
    [ -n "$wheel" ] || fail "pip download finished but no procgen-0.10.7 wheel was found in $tmp/wheel"
fi

members=("$license_member")
while read -r sum path; do
    [ -n "$sum" ] && members+=("$prefix/$path")
done < "$list"

mkdir -p "$tmp/extract"
if command -v unzip >/dev/null 2>&1; then
    unzip -q -o "$wheel" "${members[@]}" -d "$tmp/extract" || fail "could not extract assets from $wheel"
elif command -v python3 >/dev/null 2>&1; then
    python3 - "$wheel" "$tmp/extract" "${members[@]}" <<'PY' || fail "could not extract assets from $wheel"
import sys, zipfile
wheel, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as archive:
    for name in names:
        archive.extract(name, out)
PY
else
    fail "neither unzip nor python3 is available to open the wheel"
fi

mkdir -p "$dest"
while read -r sum path; do
    [ -n "$sum" ] || continue
    mkdir -p "$(dirname "$dest/$path")"
    cp "$tmp/extract/$prefix/$path" "$dest/$path"
done < "$list"
cp "$tmp/extract/$license_member" "$dest/PROCGEN_LICENSE"

problems="$(check_all)"
if [ -n "$problems" ]; then
    echo "$problems" >&2
    fail "the extracted assets do not match Assets/procgen-assets.sha256 (wrong wheel?)"
fi
echo "fetch-assets: installed and verified $(grep -c . "$list") procgen assets in $dest"
