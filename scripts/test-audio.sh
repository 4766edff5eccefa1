#!/usr/bin/env bash
# A private PulseAudio with a null sink as the microphone, for tests, benchmarks and trying the
# recorder on a machine with no sound card.
#
#   scripts/test-audio.sh install        install the system packages (apt-get; needs root)
#   scripts/test-audio.sh run CMD ...    start a private daemon, run CMD with PULSE_SERVER set,
#                                        stop the daemon, exit with CMD's status
#
# Tests find the daemon through PULSE_SERVER and DISCUSSION_TEST_PULSE_DIR (pid file, log).
set -euo pipefail

packages=(libportaudio2 libsndfile1 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils
          espeak-ng sox libsox-fmt-pulse tmux)

missing_packages() {
    local p
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"
    done
}

install() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "test-audio: missing system packages: $missing" >&2
        echo "test-audio: install them with: sudo apt-get install -y $missing" >&2
        exit 2
    fi
    echo "test-audio: installing $missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

start() {
    export XDG_RUNTIME_DIR
    XDG_RUNTIME_DIR=$(mktemp -d /tmp/discussion-pulse.XXXXXX)
    chmod 700 "$XDG_RUNTIME_DIR"
    local sock=$XDG_RUNTIME_DIR/pulse.sock
    # No --disallow-exit: the device-loss tests kill and restart this daemon on purpose.
    pulseaudio --daemonize=yes --system=no --exit-idle-time=-1 -n \
        --use-pid-file=yes --log-target="file:$XDG_RUNTIME_DIR/pulse.log" \
        --load="module-native-protocol-unix socket=$sock auth-anonymous=1" \
        --load="module-null-sink sink_name=vsink rate=48000 channels=1" \
        --load="module-always-sink"
    export PULSE_SERVER=unix:$sock
    export DISCUSSION_TEST_PULSE_DIR=$XDG_RUNTIME_DIR
    local i
    for i in $(seq 100); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    pactl info >/dev/null
    pactl set-default-source vsink.monitor
    # Keep the sink running so its monitor delivers (silent) blocks from the first moment.
    pacat --playback --raw --format=s16le --rate=48000 --channels=1 --latency-msec=100 \
        /dev/zero >/dev/null 2>&1 &
    echo $! > "$XDG_RUNTIME_DIR/keepalive.pid"
}

stop() {
    local f
    for f in "$XDG_RUNTIME_DIR/keepalive.pid" "$XDG_RUNTIME_DIR/pulse/pid"; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    done
    # Also ends the daemons pytest-xdist workers start in subfolders (tests/conftest.py), if a
    # worker died before stopping its own.
    pkill -f "pulseaudio.*$XDG_RUNTIME_DIR" 2>/dev/null || true
    rm -rf "$XDG_RUNTIME_DIR"
}

case "${1:-}" in
    install) install ;;
    run)
        shift
        install
        start
        trap stop EXIT
        status=0
        "$@" || status=$?
        exit "$status"
        ;;
    *) echo "usage: $0 install | run CMD ..." >&2; exit 2 ;;
esac
