#!/usr/bin/env bash
# End-to-end test of the real desktop window: builds the app with its UI embedded, starts it on a
# fresh demo database under Xvfb through tauri-driver + WebKitWebDriver, and drives it with
# WebdriverIO. Screenshots land in tests/e2e/shots/. FRONTDESK_E2E_ONLY="kiosk" runs only those
# test files (each starts the app on the same fresh demo database).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/frontdesk/target}"
tools="${FRONTDESK_TOOLS_DIR:-$HOME/.cache/frontdesk/tools}"

# FRONTDESK_E2E_PROFILE=release drives the release build (the kiosk benchmark does).
profile="${FRONTDESK_E2E_PROFILE:-debug}"
if [ "$profile" = release ]; then
  ui/node_modules/.bin/tauri build --no-bundle -- -p frontdesk-desktop >/dev/null
else
  ui/node_modules/.bin/tauri build --debug --no-bundle -- -p frontdesk-desktop >/dev/null
fi
app="$CARGO_TARGET_DIR/$profile/frontdesk-desktop"
# The CLI makes what staff would make elsewhere (an invitation's QR code) and changes settings.
cargo build -q -p frontdesk-cli
export FRONTDESK_CLI="$CARGO_TARGET_DIR/debug/frontdesk"

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# The app, WebKit and GTK write only under this temporary home.
export HOME="$work/home" XDG_DATA_HOME="$work/home/.local/share" XDG_CACHE_HOME="$work/home/.cache" \
  XDG_CONFIG_HOME="$work/home/.config" XDG_RUNTIME_DIR="$work/run"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
# A null audio sink, so the kiosk's read-aloud speaks for real (sets FRONTDESK_EXPECT_SPEECH).
# shellcheck source=../../scripts/null-audio.sh
source "$root/scripts/null-audio.sh"
export FRONTDESK_DATA_DIR="$work/data" FRONTDESK_DEMO=1 FRONTDESK_APP="$app"
# A folder print system with one queue, "badges": each job becomes a PDF the test can check.
export FRONTDESK_PRINT_DIR="$work/printers"
mkdir -p "$FRONTDESK_PRINT_DIR/badges"
export FRONTDESK_SHOTS="$root/tests/e2e/shots"
# No webcam here: the kiosk camera replays a folder through the same code path, starting with a real
# frame of a person; the kiosk test puts other pictures there (a badge, an invitation) to show them.
sample="$root/../shared/datasets/antispoof-samples/image_T1.jpg"
if [ -f "$sample" ]; then
  mkdir -p "$work/camera" && cp "$sample" "$work/camera/face.jpg"
  export FRONTDESK_CAMERA_REPLAY="$work/camera"
fi
mkdir -p "$FRONTDESK_SHOTS"

# A free port, so a stray driver from another run cannot answer for us.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
native_port=$((port + 1))
export FRONTDESK_WEBDRIVER_PORT="$port"

xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "'"$tools"'/bin/tauri-driver" --port '"$port"' --native-port '"$native_port"' >"'"$work"'/driver.log" 2>&1 &
  driver=$!
  trap "kill $driver 2>/dev/null; pkill -P $driver 2>/dev/null" EXIT
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:'"$port"'/status >/dev/null && break; sleep 0.1; done
  cd "'"$root"'/tests/e2e" && for t in '"${FRONTDESK_E2E_ONLY:-window kiosk console}"'; do node --test --test-reporter=spec "$t.test.mjs" || exit 1; done
' || { echo "--- tauri-driver log"; cat "$work/driver.log" || true; exit 1; }
