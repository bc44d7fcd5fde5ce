#!/usr/bin/env bash
# Put Dossier in the application menu of a Linux (freedesktop) desktop, for this user.
#
#   bash install-desktop-entry.sh [--exec COMMAND] [--prefix DIR]
#   bash install-desktop-entry.sh --uninstall [--prefix DIR]
#
# Installs the desktop entry, the icons (hicolor theme) and the AppStream metainfo under
# DIR (default: ${XDG_DATA_HOME:-~/.local/share}; /usr/local/share for every user).
# Run from the app bundle (dist/Dossier/, where the build copies this script) the entry
# starts that bundle; run from a source checkout it starts the `dossier` command on PATH
# (from `pip install .` or `pipx install .`). --exec names another command.
set -euo pipefail

app_id="io.dossier.Dossier"
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
exec_cmd=""
uninstall=0
while [ $# -gt 0 ]; do
  case "$1" in
    --exec) exec_cmd="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    *) echo "install-desktop-entry.sh: unknown option $1" >&2; exit 1 ;;
  esac
done

sizes="16 32 48 64 128 256 512"
targets=("$prefix/applications/$app_id.desktop" "$prefix/metainfo/$app_id.metainfo.xml"
         "$prefix/icons/hicolor/scalable/apps/$app_id.svg")
for size in $sizes; do targets+=("$prefix/icons/hicolor/${size}x${size}/apps/$app_id.png"); done

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$prefix/icons/hicolor" || true
}

if [ "$uninstall" = 1 ]; then
  rm -f "${targets[@]}"
  refresh
  echo "Removed Dossier's desktop entry from $prefix"
  exit 0
fi

if [ -d "$here/_internal/dossier/resources" ]; then      # the app bundle
  resources="$here/_internal/dossier/resources"
  [ -n "$exec_cmd" ] || exec_cmd="$here/dossier"
elif [ -d "$here/../resources/icons" ]; then             # a source checkout
  resources="$(cd "$here/../resources" && pwd)"
  if [ -z "$exec_cmd" ]; then
    exec_cmd="$(command -v dossier || true)"
    [ -n "$exec_cmd" ] || { echo "No 'dossier' command on PATH: install Dossier first, or pass --exec" >&2; exit 1; }
  fi
else
  echo "Cannot find Dossier's resources beside $0" >&2
  exit 1
fi

# Exec= takes a quoted path when it holds spaces or other reserved characters; inside the
# quotes " ` $ \ take a backslash, which the file itself doubles, and % is written %%.
quoted="${exec_cmd//%/%%}"
case "$exec_cmd" in
  *[[:space:]\"\'\\\$\`\;\&\|\<\>\(\)\*\?\#\~]*)
    quoted="\"$(printf '%s' "$quoted" | sed -e 's/[\\"`$]/\\\\&/g')\"" ;;
esac

mkdir -p "$prefix/applications" "$prefix/metainfo" "$prefix/icons/hicolor/scalable/apps"
while IFS= read -r line; do
  case "$line" in
    Exec=*) printf 'Exec=%s\n' "$quoted" ;;
    TryExec=*) printf 'TryExec=%s\n' "$exec_cmd" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$resources/$app_id.desktop" > "$prefix/applications/$app_id.desktop"
cp "$resources/$app_id.metainfo.xml" "$prefix/metainfo/"
cp "$resources/icons/dossier.svg" "$prefix/icons/hicolor/scalable/apps/$app_id.svg"
for size in $sizes; do
  mkdir -p "$prefix/icons/hicolor/${size}x${size}/apps"
  cp "$resources/icons/dossier-$size.png" "$prefix/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
refresh
echo "Installed Dossier's desktop entry in $prefix (it runs $exec_cmd)"
