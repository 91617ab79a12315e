#!/usr/bin/env bash
# Installs what is missing, builds Frontdesk and opens the window on a demo database (embedded
# SQLite, no server). The demo data lives in ~/.local/share/frontdesk-demo unless
# FRONTDESK_DATA_DIR says otherwise; sign in as admin / frontdesk-demo.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/frontdesk/target}"
scripts/deps.sh
ui/node_modules/.bin/tauri build --debug --no-bundle -- -p frontdesk-desktop
export FRONTDESK_DATA_DIR="${FRONTDESK_DATA_DIR:-$HOME/.local/share/frontdesk-demo}"
export FRONTDESK_DEMO=1
app="$CARGO_TARGET_DIR/debug/frontdesk-desktop"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: running under Xvfb and saving a screenshot to demo.png"
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash -c "'$app' & pid=\$!; sleep 8; import -window root demo.png; kill \$pid"
fi
exec "$app"
