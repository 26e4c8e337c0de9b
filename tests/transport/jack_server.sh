#!/bin/sh
# CTest fixture for the JACK end-to-end tests: starts/stops a private JACK server
# (dummy driver, 256 frames at 48 kHz, no realtime so it runs unprivileged and in containers).
# usage: jack_server.sh start|stop SERVER_NAME STATE_DIR
set -u
action=$1
name=$2
state=$3
mkdir -p "$state"
pidfile="$state/jackd.pid"
log="$state/jackd.log"

stop_server() {
    if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid"
            i=0
            while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    fi
}

case "$action" in
start)
    stop_server # a server left over from an interrupted run
    JACK_NO_AUDIO_RESERVATION=1 jackd --no-realtime -n "$name" -d dummy -r 48000 -p 256 \
        </dev/null >"$log" 2>&1 &
    echo $! >"$pidfile"
    i=0
    while [ $i -lt 100 ]; do
        if JACK_DEFAULT_SERVER="$name" jack_lsp >/dev/null 2>&1; then
            # The tests measure when JACK delivers, not how busy the machine is: where the OS
            # allows it (root, CAP_SYS_NICE), give every jackd thread a realtime priority, as a
            # realtime JACK setup would have. Without permission it simply stays as it is.
            if command -v chrt >/dev/null 2>&1; then
                chrt -a -f -p 40 "$(cat "$pidfile")" >/dev/null 2>&1 &&
                    echo "jackd threads at SCHED_FIFO 40"
            fi
            echo "JACK server '$name' running (pid $(cat "$pidfile"))"
            exit 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "JACK server '$name' did not start; log:" >&2
    cat "$log" >&2
    stop_server
    exit 1
    ;;
stop)
    stop_server
    echo "JACK server '$name' stopped"
    ;;
*)
    echo "usage: $0 start|stop NAME STATE_DIR" >&2
    exit 2
    ;;
esac
