#!/usr/bin/env bash
# Build the self-contained Dossier app (one folder) with PyInstaller.
#
#   bash packaging/build-app.sh [--distpath DIR] [--workpath DIR]
#
# Result: DIR/Dossier/ (default dist/Dossier/), started with DIR/Dossier/dossier
# (dossier.exe and dossier-cli.exe on Windows; Dossier.app beside it on macOS; on Linux
# DIR/Dossier/install-desktop-entry.sh adds it to the application menu).
#
# The build runs in its own virtual environment, build/app-venv (BUILD_VENV overrides),
# holding only the app's run-time dependencies and PyInstaller, never the test tools. It is
# kept between builds and refreshed when pyproject.toml's dependencies change. The app is
# frozen from this checkout's dossier/ and resources/ folders.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

distpath="$root/dist"
workpath="$root/build/pyinstaller"
while [ $# -gt 0 ]; do
  case "$1" in
    --distpath) distpath="$2"; shift 2 ;;
    --workpath) workpath="$2"; shift 2 ;;
    *) echo "build-app.sh: unknown option $1" >&2; exit 1 ;;
  esac
done

python="${PYTHON:-python3}"
venv="${BUILD_VENV:-$root/build/app-venv}"
pyinstaller_spec="${PYINSTALLER:-pyinstaller>=6.10,<7}"

"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Dossier needs Python 3.11 or newer")'

# What the venv must hold: the app's dependencies from pyproject.toml and PyInstaller.
requirements="$("$python" - "$pyinstaller_spec" <<'PY'
import sys, tomllib
deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]
print("\n".join(deps + [sys.argv[1]]))
PY
)"

if [ -x "$venv/bin/python" ]; then vpython="$venv/bin/python"; else vpython="$venv/Scripts/python.exe"; fi
stamp="$venv/.dossier-requirements"
if [ ! -x "$vpython" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$requirements" ]; then
  echo "Preparing the build environment in $venv"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  if [ -x "$venv/bin/python" ]; then vpython="$venv/bin/python"; else vpython="$venv/Scripts/python.exe"; fi
  printf '%s\n' "$requirements" > "$venv/requirements.txt"
  "$vpython" -m pip install --quiet --disable-pip-version-check -r "$venv/requirements.txt"
  printf '%s' "$requirements" > "$stamp"
fi

echo "Building the app into $distpath/Dossier"
start=$(date +%s)
"$vpython" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$distpath" --workpath "$workpath" packaging/dossier.spec
case "$(uname -s)" in  # on Linux the bundle can add itself to the application menu
  Linux*) cp packaging/install-desktop-entry.sh "$distpath/Dossier/" ;;
esac
echo "Built $distpath/Dossier in $(( $(date +%s) - start )) s ($(du -sh "$distpath/Dossier" | cut -f1))"
