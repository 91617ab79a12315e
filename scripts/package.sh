#!/usr/bin/env bash
# Builds the release installer for this OS with Tauri's bundler. On Debian/Ubuntu that is a `.deb`
# (the models are compiled into the binary; their licences and notices go to
# /usr/share/doc/frontdesk/models/). Prints the path of the package it built.
#
#   scripts/package.sh                 # build the package
#   scripts/package.sh --smoke         # then install it into a throwaway root-less prefix and launch it
#                                      # under Xvfb, saving package-smoke.png
#
# Windows (.msi/NSIS) and macOS (.app/.dmg) bundles come from the same `tauri.conf.json` when this
# script runs on those systems (`bundle.targets` is overridden per OS below).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/frontdesk/target}"
scripts/deps.sh

case "$(uname -s)" in
  Linux) bundles=deb ;;
  Darwin) bundles=app,dmg ;;
  *) bundles=msi,nsis ;;
esac
ui/node_modules/.bin/tauri build --bundles "$bundles" -- -p frontdesk-desktop >&2
# Ask cargo where it built (a cargo config or wrapper may move the target dir).
target="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
pkg="$(ls -t "$target"/release/bundle/deb/*.deb 2>/dev/null | head -n1 || true)"
[ -n "$pkg" ] || { echo "package: no bundle produced" >&2; exit 1; }
echo "$pkg"

if [ "${1:-}" = "--smoke" ]; then
  # What a user gets: unpack the package as apt would and check its contents, then launch the
  # installed binary on a fresh demo database under Xvfb.
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  dpkg-deb -x "$pkg" "$work/root"
  for f in usr/bin/frontdesk-desktop usr/share/applications/Frontdesk.desktop \
    usr/share/doc/frontdesk/models/README.md; do
    [ -e "$work/root/$f" ] || { echo "package: $f missing" >&2; exit 1; }
  done
  export HOME="$work/home" FRONTDESK_DATA_DIR="$work/data" FRONTDESK_DEMO=1
  mkdir -p "$HOME"
  xvfb-run -a -s "-screen 0 1280x800x24" bash -c \
    "'$work/root/usr/bin/frontdesk-desktop' & pid=\$!; sleep 8; import -window root '$root/package-smoke.png'; kill \$pid"
  echo "package: launched; screenshot in package-smoke.png" >&2
fi
