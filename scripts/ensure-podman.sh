#!/usr/bin/env bash
# Make sure Podman's Docker-compatible API answers, for the Podman run of the test suite.
#
#   scripts/ensure-podman.sh            ensure the service, then load the test images into it
#   scripts/ensure-podman.sh --no-images  only the service
#
# - A service that already answers at $TRUSTPATCH_PODMAN_SOCK (default
#   /run/podman/podman.sock) is reported and left alone: never restarted, never reconfigured.
# - Otherwise, as root on Debian: install Debian's podman if missing; if this machine cannot
#   give containers Podman's default ulimits (nofile 1048576, nproc 4194304; without
#   CAP_SYS_RESOURCE runc fails with "error setting rlimit type 7: operation not permitted"),
#   write /etc/containers/containers.conf.d/50-trustpatch-ulimits.conf with limits it can give,
#   unless a containers.conf already sets default_ulimits; then start
#   `podman system service --time=0` fully detached, log in $TRUSTPATCH_PODMAN_LOG, and wait
#   for GET /_ping.
# - Then copy the test images the Podman suite needs from Docker (`docker save | podman load`):
#   nothing is ever pulled from a registry.
# - Otherwise say what to do and exit 1.
set -euo pipefail

readonly SOCK=${TRUSTPATCH_PODMAN_SOCK:-/run/podman/podman.sock}
readonly LOG=${TRUSTPATCH_PODMAN_LOG:-/var/log/trustpatch-podman.log}
readonly WAIT_SECONDS=${TRUSTPATCH_ENGINE_WAIT:-60}
readonly DROP_IN=/etc/containers/containers.conf.d/50-trustpatch-ulimits.conf
# The images test/integration needs on Podman (see test/support/engine.ts).
readonly IMAGES=(debian-curl debian-min alpine busybox debian-busybox noshell)

say() { printf 'ensure-podman: %s\n' "$*"; }
die() { printf 'ensure-podman: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || die "curl is needed to ping the service (apt-get install -y curl)."
ping_service() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://podman/_ping >/dev/null 2>&1; }
service_version() {
  curl -fsS --max-time 2 --unix-socket "$SOCK" http://podman/version 2>/dev/null |
    sed -n 's/.*"Version":"\([^"]*\)","ApiVersion":"\([^"]*\)".*/Podman \1 (Docker API \2)/p' | head -n 1
}

start_service() {
  if [[ $(id -u) -ne 0 ]]; then
    die "no Podman service answers at $SOCK, and this script is not running as root.
  Start one yourself ('podman system service --time=0 unix://$SOCK &'), or run this as root."
  fi
  if ! command -v podman >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || die "podman is missing and apt-get is not there (not Debian?); install podman 4+ and rerun."
    say "podman is missing: installing Debian's podman (apt-get)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends podman >/dev/null
    command -v podman >/dev/null 2>&1 || die "podman was installed but is still not on PATH."
  fi
  write_ulimits
  mkdir -p "$(dirname "$SOCK")" "$(dirname "$LOG")"
  # setsid + nohup + redirected stdio: the service must outlive this script and npm, and must
  # not hold the caller's terminal or pipes open. --time=0: never exit for being idle.
  # Started from /: conmon inherits the service's working directory, and fails every container
  # ("Failed to get working directory") once the directory this ran in (a CI clone) is deleted.
  (cd / && exec setsid nohup podman system service --time=0 "unix://$SOCK" >>"$LOG" 2>&1 </dev/null) &
  local started=$!
  say "started podman system service (pid $started), log: $LOG"
  wait_answers ensure-podman ping_service "$started" "$SOCK" "$LOG" "$WAIT_SECONDS" || exit 1
}

# shellcheck source=lib/wait-answers.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/wait-answers.sh"
# shellcheck source=lib/podman-ulimits.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/podman-ulimits.sh"
write_ulimits() {
  local line
  line=$(podman_ulimits_line) || return 0
  if grep -qs '^[[:space:]]*default_ulimits' /etc/containers/containers.conf /etc/containers/containers.conf.d/*.conf 2>/dev/null &&
    ! grep -qs 'default_ulimits' "$DROP_IN"; then
    say "containers.conf already sets default_ulimits: left as it is"
    return 0
  fi
  mkdir -p "$(dirname "$DROP_IN")"
  printf '# Written by trustpatch scripts/ensure-podman.sh: the hard limits this machine can give.\n[containers]\n%s\n' "$line" >"$DROP_IN"
  say "wrote $DROP_IN ($line)"
}

# Copies each test image from Docker into Podman's store unless Podman has that exact image id.
load_images() {
  local name tag docker_id
  command -v docker >/dev/null 2>&1 || die "the docker CLI is needed to copy test images into Podman."
  for name in "${IMAGES[@]}"; do
    tag="trustpatch-test/$name:1"
    docker_id=$(DOCKER_HOST= DOCKER_CONTEXT=default docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null) ||
      die "$tag is not in Docker: run 'bash scripts/build-images.sh $name' first."
    if [[ "$(podman image inspect --format '{{.Id}}' "localhost/$tag" 2>/dev/null)" == "${docker_id#sha256:}" ]]; then
      continue
    fi
    say "copying $tag from Docker into Podman"
    DOCKER_HOST= DOCKER_CONTEXT=default docker save "$tag" | podman load -q >/dev/null
  done
}

if ping_service; then
  say "service at unix://$SOCK answers: $(service_version)"
else
  start_service
  say "service at unix://$SOCK answers: $(service_version) (log: $LOG)"
fi
[[ ${1:-} == --no-images ]] || load_images
