#!/usr/bin/env bash
# Docker 26 and Podman 5 for the test suite, from a Debian 13 (trixie) tree, next to the
# machine's own engines and never touching them.
#
#   scripts/ensure-trixie-engines.sh ENGINE [IMAGE...]   ENGINE: docker26 | podman5
#   scripts/ensure-trixie-engines.sh ENGINE --stop       end that engine by its recorded pid
#
# 1. The tree: `debootstrap --variant=minbase trixie` plus Debian's docker.io and podman, built
#    once into $TRUSTPATCH_TRIXIE_DIR (default /var/cache/trustpatch/trixie) and reused: the
#    directory only appears once complete (built as DIR.partial, then renamed).
# 2. The engine: an engine that answers on its socket is left alone. Otherwise it is started in
#    its OWN mount namespace whose root is the tree (scripts/lib/trixie-enter.sh). Never a
#    plain chroot: there, image import fails ("remount /, flags: 0x84000: invalid argument"),
#    and with / bind-mounted to get past that, containers got the machine's root filesystem.
# 3. The proof: a container of that engine must have an overlay root of its own (a file it
#    creates is not on the machine, it sees neither the machine's nor the tree's files), or
#    the engine is stopped and this script fails.
# 4. The images: each IMAGE (trustpatch-test/IMAGE:1, built by scripts/build-images.sh into
#    the machine's Docker) is copied with `docker save | docker load`, unless that engine
#    already holds the same image id.
#
# Sockets (from outside the namespace): DIR/run/trustpatch-docker26/docker.sock and
# DIR/run/trustpatch-podman5/podman.sock; logs and pidfiles next to them.
#
# Environment: TRUSTPATCH_TRIXIE_DIR, TRUSTPATCH_TRIXIE_MIRROR (default: the Debian mirror
# this machine's apt sources use), TRUSTPATCH_ENGINE_WAIT (seconds, default 90).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
readonly DIR=${TRUSTPATCH_TRIXIE_DIR:-/var/cache/trustpatch/trixie}
readonly WAIT_SECONDS=${TRUSTPATCH_ENGINE_WAIT:-90}
readonly MACHINE_DOCKER=unix:///var/run/docker.sock

say() { printf 'ensure-trixie-engines: %s\n' "$*"; }
die() { printf 'ensure-trixie-engines: %s\n' "$*" >&2; exit 1; }

ENGINE=${1:-}
case "$ENGINE" in
  docker26) RUN_SUBDIR=run/trustpatch-docker26 SOCK_NAME=docker.sock ;;
  podman5) RUN_SUBDIR=run/trustpatch-podman5 SOCK_NAME=podman.sock ;;
  *) die "usage: $0 docker26|podman5 [IMAGE...] (got '${ENGINE}')" ;;
esac
shift
readonly IMAGES=("$@")
readonly RUN_DIR=$DIR/$RUN_SUBDIR SOCK=$DIR/$RUN_SUBDIR/$SOCK_NAME
readonly LOG=$DIR/$RUN_SUBDIR/$ENGINE.log PIDFILE=$DIR/$RUN_SUBDIR/$ENGINE.pid

[[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, mount namespaces); run it as root."
for tool in curl docker unshare; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (Debian: apt-get install -y curl docker.io util-linux)."
done

engine() { DOCKER_HOST=unix://$SOCK DOCKER_CONTEXT= docker "$@"; }
ping_engine() { curl -fsS --max-time 2 --unix-socket "$SOCK" http://trixie/_ping >/dev/null 2>&1; }
engine_version() {
  curl -fsS --max-time 2 --unix-socket "$SOCK" http://trixie/version 2>/dev/null |
    sed -n 's/.*"Version":"\([^"]*\)".*"ApiVersion":"\([^"]*\)".*/\1 (API \2)/p' | head -n 1
}

# shellcheck source=lib/wait-answers.sh
source "$SCRIPT_DIR/lib/wait-answers.sh"
# shellcheck source=lib/podman-ulimits.sh
source "$SCRIPT_DIR/lib/podman-ulimits.sh"
# shellcheck source=lib/debian-mirror.sh
source "$SCRIPT_DIR/lib/debian-mirror.sh"
# shellcheck source=lib/trixie-tree.sh
source "$SCRIPT_DIR/lib/trixie-tree.sh"
# shellcheck source=lib/trixie-engine.sh
source "$SCRIPT_DIR/lib/trixie-engine.sh"

if [[ ${IMAGES[0]:-} == --stop ]]; then
  stop_engine
  exit
fi
ensure_tree
if ping_engine; then
  say "$ENGINE at unix://$SOCK answers: $(engine_version)"
else
  start_engine
  say "$ENGINE at unix://$SOCK answers: $(engine_version) (log: $LOG)"
fi
# The proof needs a shell and coreutils: debian-min has them.
load_images debian-min
prove_own_root debian-min
load_images "${IMAGES[@]}"
