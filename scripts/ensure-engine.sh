#!/usr/bin/env bash
# Make sure a Docker engine answers, for the test suite and the demo.
#
# - An engine that already answers (at DOCKER_HOST, else /var/run/docker.sock) is
#   reported and left alone.
# - Otherwise, as root on Debian with DOCKER_HOST unset (or at the default socket),
#   install docker.io if dockerd is missing, start dockerd fully detached with its log
#   in $TRUSTPATCH_ENGINE_LOG (default /var/log/trustpatch-dockerd.log), and wait for it.
# - Otherwise say what to do and exit 1.
#
# The ping uses curl, not the docker CLI: the client here (28.x) is newer than Debian's
# engine (20.10, API 1.41) and we only need to know that something answers.
set -euo pipefail

readonly DEFAULT_SOCK=/var/run/docker.sock
readonly LOG=${TRUSTPATCH_ENGINE_LOG:-/var/log/trustpatch-dockerd.log}
readonly WAIT_SECONDS=${TRUSTPATCH_ENGINE_WAIT:-60}

say() { printf 'ensure-engine: %s\n' "$*"; }
die() { printf 'ensure-engine: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || die "curl is needed to ping the engine (apt-get install -y curl)."

# Work out where the engine should be: sets ENDPOINT (for messages) and CURL_ARGS + URL.
host=${DOCKER_HOST:-}
CURL_ARGS=()
case "$host" in
  '')
    SOCK=$DEFAULT_SOCK
    ENDPOINT="unix://$SOCK"
    CURL_ARGS=(--unix-socket "$SOCK")
    URL=http://localhost/_ping
    ;;
  unix://*)
    SOCK=${host#unix://}
    ENDPOINT=$host
    CURL_ARGS=(--unix-socket "$SOCK")
    URL=http://localhost/_ping
    ;;
  tcp://*)
    SOCK=
    ENDPOINT=$host
    hostport=${host#tcp://}
    hostport=${hostport%%/*}
    if [[ -n "${DOCKER_TLS_VERIFY:-}" ]]; then
      certs=${DOCKER_CERT_PATH:-$HOME/.docker}
      CURL_ARGS=(--cacert "$certs/ca.pem" --cert "$certs/cert.pem" --key "$certs/key.pem")
      URL="https://$hostport/_ping"
    else
      URL="http://$hostport/_ping"
    fi
    ;;
  *)
    die "DOCKER_HOST=$host is not supported here (use unix:///path/to/docker.sock or tcp://host:port)."
    ;;
esac

ping_engine() {
  curl -fsS --max-time 2 "${CURL_ARGS[@]}" "$URL" >/dev/null 2>&1
}

engine_version() {
  # Best effort, for the one-line report; "?" if the field cannot be read.
  local v
  v=$(curl -fsS --max-time 2 "${CURL_ARGS[@]}" "${URL%/_ping}/version" 2>/dev/null |
    sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/\1 (API \2)/p' | head -n 1)
  printf '%s' "${v:-?}"
}

if ping_engine; then
  say "engine at $ENDPOINT answers: Docker $(engine_version)"
  exit 0
fi

# Nothing answers. Only start an engine of our own where that cannot surprise anyone.
if [[ -n "$host" && "$SOCK" != "$DEFAULT_SOCK" && "$SOCK" != /run/docker.sock ]]; then
  die "no Docker engine answers at DOCKER_HOST=$host.
  Start the engine there, or set DOCKER_HOST to an engine that is reachable
  (or unset it to use $DEFAULT_SOCK)."
fi

if [[ -n "$SOCK" && -S "$SOCK" && ! -w "$SOCK" ]]; then
  die "$SOCK exists but this user ($(id -un)) may not use it.
  Add the user to the 'docker' group (then log in again), or run as root."
fi

how_to="Start Docker (e.g. 'sudo systemctl start docker' or 'sudo dockerd &'),
  or set DOCKER_HOST to a reachable engine, or run this script as root on
  Debian/Ubuntu so that it can install docker.io and start dockerd itself."
if [[ $(id -u) -ne 0 ]]; then
  die "no Docker engine answers at $ENDPOINT, and this script is not running as root.
  $how_to"
fi
if ! command -v apt-get >/dev/null 2>&1; then
  die "no Docker engine answers at $ENDPOINT, and apt-get is missing (not Debian?).
  $how_to"
fi

if ! command -v dockerd >/dev/null 2>&1; then
  say "dockerd is missing: installing Debian's docker.io (apt-get)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  command -v dockerd >/dev/null 2>&1 || die "docker.io was installed but dockerd is still not on PATH."
  # Its maintainer script may have started the engine already (sysvinit/systemd).
  if ping_engine; then
    say "engine at $ENDPOINT answers: Docker $(engine_version)"
    exit 0
  fi
fi

mkdir -p "$(dirname "$LOG")"
# A dockerd that is still starting (or stuck) holds /var/run/docker.pid; a second one
# would refuse to start, so wait for that one instead.
pidfile_alive() {
  local pid
  [[ -s /var/run/docker.pid ]] || return 1
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}
existing=$(pidfile_alive || true)

if [[ -n "$existing" ]]; then
  say "dockerd (pid $existing) is running but not answering yet; waiting for it"
else
  # setsid + nohup + redirected stdio: the engine must outlive this script and npm,
  # and must not hold the caller's terminal or pipes open.
  # Started from /: a daemon keeps its working directory, and the one this script runs in (a CI
  # clone) may be deleted while the engine lives on.
  (cd / && exec setsid nohup dockerd >>"$LOG" 2>&1 </dev/null) &
  started=$!
  say "started dockerd (pid $started), log: $LOG"
fi

deadline=$((SECONDS + WAIT_SECONDS))
until ping_engine; do
  if ((SECONDS >= deadline)); then
    {
      echo "ensure-engine: dockerd did not answer at $ENDPOINT within ${WAIT_SECONDS}s."
      echo "ensure-engine: last lines of $LOG:"
      tail -n 30 "$LOG" 2>/dev/null | sed 's/^/  /'
    } >&2
    exit 1
  fi
  if [[ -n "${started:-}" ]] && ! kill -0 "$started" 2>/dev/null && ! pidfile_alive; then
    {
      echo "ensure-engine: dockerd exited during start-up."
      echo "ensure-engine: last lines of $LOG:"
      tail -n 30 "$LOG" 2>/dev/null | sed 's/^/  /'
    } >&2
    exit 1
  fi
  sleep 0.5
done
say "engine at $ENDPOINT answers: Docker $(engine_version) (log: $LOG)"
