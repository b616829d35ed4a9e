#!/usr/bin/env bash
# Sets up everything vanthu needs on a fresh Debian machine: the Debian packages it uses
# (installed with apt-get when missing, as root or with sudo) and a virtual environment in
# .venv with the project and its Python dependencies. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: fonts for the generated samples, and Tesseract with its Vietnamese data
# for scanned pages and images.
DEBIAN_PACKAGES=(fonts-dejavu-core tesseract-ocr tesseract-ocr-vie chromium chromium-driver)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "setup: installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[dev,signatures]" 2>&1 | grep -v -E "^WARNING: Location" || true
.venv/bin/python -c "import pipeline, extractors, schemas, pymupdf, docx, pandas, pyarrow" \
  || { echo "setup: the Python environment is incomplete" >&2; exit 1; }
