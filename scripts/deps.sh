#!/usr/bin/env bash
# Installs what building, running and testing Frontdesk needs on Debian/Ubuntu: system packages,
# the UI's npm packages, the end-to-end test driver and the Python reference tools. Idempotent:
# anything already present is skipped.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

APT_PACKAGES=(
  # Desktop build (Tauri 2 / WebKitGTK)
  build-essential curl wget file pkg-config libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev
  # Webcam backend bindings (nokhwa runs bindgen)
  libclang-dev
  # Headless window, screenshots and WebDriver for end-to-end tests
  xvfb xauth imagemagick x11-utils webkit2gtk-driver
  # Documents: PDF checks and a real CUPS-PDF printer queue
  poppler-utils qpdf cups cups-client printer-driver-cups-pdf
  # Kiosk read-aloud: Speech Dispatcher (linked by the app) with a voice
  libspeechd-dev speech-dispatcher speech-dispatcher-espeak-ng pulseaudio
  # Secrets in the OS keyring (Secret Service) for tests
  gnome-keyring dbus-x11
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

# UI and end-to-end test packages, pinned by the committed lock files. `npm install` rather than
# `npm ci`: the lock cannot list the Tauri CLI's prebuilt binaries for other platforms when the
# registry mirror only serves this one, and `npm ci` refuses such a lock.
for dir in ui tests/e2e; do
  if [ ! -d "$root/$dir/node_modules" ] || [ "$root/$dir/package-lock.json" -nt "$root/$dir/node_modules/.package-lock.json" ]; then
    (cd "$root/$dir" && npm install --no-audit --no-fund --loglevel=error)
  fi
done

# WebDriver bridge for the real window (kept outside the clone so CI can reuse it).
tools="${FRONTDESK_TOOLS_DIR:-$HOME/.cache/frontdesk/tools}"
if [ ! -x "$tools/bin/tauri-driver" ]; then
  cargo install tauri-driver --version 2.1.0 --locked --root "$tools" --quiet
fi

# Python reference implementations for the face engine's agreement tests and benchmarks.
if [ -f "$root/scripts/requirements-dev.txt" ] && ! python3 -c "import cv2, dlib, face_recognition_models" 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check -r "$root/scripts/requirements-dev.txt"
fi
