#!/usr/bin/env bash
# Set up Dossier from a source checkout in ./.venv.
#
#   bash packaging/setup.sh          the app
#   bash packaging/setup.sh --test   the app and what its test suite needs
#
# On Debian or Ubuntu, system libraries Qt needs and poppler-utils (for the tests) are
# installed with apt-get when they are missing and this runs as root (or with sudo);
# otherwise the missing packages are named and setup goes on.
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-app}"
python="${PYTHON:-python3}"

libs=(
  "libEGL.so.1 libegl1" "libGL.so.1 libgl1" "libxkbcommon.so.0 libxkbcommon0"
  "libfontconfig.so.1 libfontconfig1" "libfreetype.so.6 libfreetype6" "libdbus-1.so.3 libdbus-1-3"
  "libglib-2.0.so.0 libglib2.0-0" "libX11.so.6 libx11-6"
)
if [ "$mode" != "--test" ]; then  # a real window on X11 needs the xcb platform's libraries too
  libs+=("libxkbcommon-x11.so.0 libxkbcommon-x11-0" "libxcb-cursor.so.0 libxcb-cursor0"
         "libxcb-icccm.so.4 libxcb-icccm4" "libxcb-keysyms.so.1 libxcb-keysyms1"
         "libxcb-image.so.0 libxcb-image0" "libxcb-render-util.so.0 libxcb-render-util0"
         "libxcb-shape.so.0 libxcb-shape0" "libxcb-randr.so.0 libxcb-randr0" "libxcb-xkb.so.1 libxcb-xkb1")
fi
missing=()
# Read the cache once; `ldconfig -p | grep -q` would fail under pipefail whenever grep
# exits at its first match before ldconfig has finished writing.
known_libs="$(ldconfig -p 2>/dev/null || true)"
for entry in "${libs[@]}"; do
  set -- $entry
  grep -qF -- "$1" <<<"$known_libs" || missing+=("$2")
done
if [ "$mode" = "--test" ]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    echo "Installing system packages: ${missing[*]}"
    if ! ($sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}") >/dev/null; then
      echo "Could not install ${missing[*]}; install them with your package manager." >&2
    fi
  else
    echo "Please install these system packages (Debian names): ${missing[*]}" >&2
  fi
fi

"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Dossier needs Python 3.11 or newer")'
[ -x .venv/bin/python ] || "$python" -m venv .venv
if [ "$mode" = "--test" ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi
