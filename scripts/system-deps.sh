#!/usr/bin/env bash
# Debian packages, installed through apt-get when we are root and they are missing, else
# named for the person to install. With no arguments: what the PDF and browser tests
# need (make test; poppler-data maps the documents' CJK text for pdftotext, which the
# PDF tests read; fonts-droid-fallback is the source scripts/cjk_font.py cuts the documents'
# font from); the documents benchmark names its own (make bench).
set -euo pipefail
packages=("$@")
[ ${#packages[@]} -eq 0 ] && packages=(chromium fonts-arphic-uming fonts-droid-fallback poppler-utils poppler-data)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} (apt-get)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}"
  echo "Install them with: sudo apt-get install ${missing[*]}"
  exit 1
fi
