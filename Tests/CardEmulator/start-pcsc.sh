#!/bin/sh
# Start pcscd (if not already running) with the vpcd virtual reader, and wait
# until the reader "Virtual PCD 00 00" is listed.  For the card emulator
# (jpki_card.py) and the tests that use it.  Debian 12; run as root.
#
#   Tests/CardEmulator/start-pcsc.sh              # background; returns when the reader is up
#   Tests/CardEmulator/start-pcsc.sh --foreground # run pcscd in the foreground (logs to stdout)
#   Tests/CardEmulator/start-pcsc.sh --restart    # stop the running pcscd first (needed once
#                                                 # after installing vsmartcard-vpcd)
#   Tests/CardEmulator/start-pcsc.sh --apdu       # also log every APDU in the pcscd log
#
# Environment: PCSCD_LOG (default /tmp/madoguchi-pcscd.log), PCSC_WAIT (seconds, default 15).
#
# Needs: apt-get install pcscd vsmartcard-vpcd pcsc-tools python3-pyscard
# vpcd config: /etc/reader.conf.d/vpcd (DEVICENAME /dev/null:0x8C7B = port 35963;
# this pcscd builds two readers from it: "Virtual PCD 00 00" on 35963 and
# "Virtual PCD 00 01" on 35964).  Note: vpcd listens on 0.0.0.0, not only loopback.
set -eu

LOG=${PCSCD_LOG:-/tmp/madoguchi-pcscd.log}
WAIT=${PCSC_WAIT:-15}
RUNPID=/run/pcscd/pcscd.pid
FOREGROUND=0
RESTART=0
EXTRA=""

for arg in "$@"; do
    case "$arg" in
        --foreground|-f) FOREGROUND=1 ;;
        --restart) RESTART=1 ;;
        --apdu|-a) EXTRA="$EXTRA --apdu" ;;
        --debug|-d) EXTRA="$EXTRA --debug" ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

if ! command -v pcscd >/dev/null 2>&1; then
    echo "pcscd is not installed: apt-get install pcscd vsmartcard-vpcd pcsc-tools python3-pyscard" >&2
    exit 1
fi
if [ ! -e /etc/reader.conf.d/vpcd ] || [ ! -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ]; then
    echo "vpcd is not installed: apt-get install vsmartcard-vpcd (then run this with --restart)" >&2
    exit 1
fi

running_pid() {
    if [ -r "$RUNPID" ]; then
        p=$(cat "$RUNPID" 2>/dev/null || true)
        if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
            case "$(ps -o stat= -p "$p" 2>/dev/null)" in
                Z*|"") return 1 ;;   # zombie / just exited
            esac
            echo "$p"
            return 0
        fi
    fi
    return 1
}

list_readers() {
    # pcsc_scan -r prints "0: Virtual PCD 00 00" lines and exits
    timeout 5 pcsc_scan -r 2>/dev/null || true
}

wait_for_reader() {
    i=0
    while [ "$i" -lt $((WAIT * 5)) ]; do
        if list_readers | grep -q "Virtual PCD"; then
            list_readers
            return 0
        fi
        sleep 0.2
        i=$((i + 1))
    done
    echo "pcscd is up but no 'Virtual PCD' reader appeared after ${WAIT}s; see $LOG" >&2
    return 1
}

if pid=$(running_pid); then
    if [ "$RESTART" = 1 ]; then
        echo "stopping pcscd (pid $pid)"
        kill "$pid"
        i=0
        while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    elif list_readers | grep -q "Virtual PCD"; then
        echo "pcscd already running (pid $pid) with the virtual reader:"
        list_readers
        exit 0
    else
        echo "pcscd (pid $pid) is running without the vpcd reader (started before vsmartcard-vpcd was" >&2
        echo "installed?). Re-run with --restart." >&2
        exit 1
    fi
fi

# Never --auto-exit: pcscd would quit after 60 s idle and vpcd's port would close with it.
if [ "$FOREGROUND" = 1 ]; then
    exec pcscd --foreground --info $EXTRA
fi

echo "starting pcscd (log: $LOG)"
# --foreground so that logs go to a file (there is no syslog in a container); setsid +
# background so it outlives this script.
setsid pcscd --foreground --info $EXTRA >>"$LOG" 2>&1 < /dev/null &
sleep 0.3
wait_for_reader
