# Sourced by the test scripts: a private PulseAudio server with a null sink in $XDG_RUNTIME_DIR, so
# the kiosk's read-aloud (Speech Dispatcher) has a real audio output on a machine without sound.
# Sets FRONTDESK_EXPECT_SPEECH=1 when a sentence is then spoken end to end; stops the server on exit.
if command -v pulseaudio >/dev/null && command -v spd-say >/dev/null; then
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
  mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
  if ! pactl info >/dev/null 2>&1; then
    pulseaudio -D -n --exit-idle-time=-1 --load="module-null-sink sink_name=null" \
      --load="module-native-protocol-unix" 2>/dev/null || true
    trap 'pulseaudio --kill 2>/dev/null || true' EXIT
  fi
  if timeout 20 spd-say -w "Frontdesk" >/dev/null 2>&1; then
    export FRONTDESK_EXPECT_SPEECH=1
  else
    echo "null-audio: no speech here; read-aloud tests check only that it says so" >&2
  fi
fi
