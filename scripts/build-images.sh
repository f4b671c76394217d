#!/usr/bin/env bash
# Build trustpatch's local test images, cached by tag (no registry can be reached, so
# nothing is ever pulled: each image is built from Debian's packages or a local tarball).
#
#   scripts/build-images.sh              the default set used by the core test suite
#   scripts/build-images.sh NAME...      just those images (see `--list`)
#
# Tags are trustpatch-test/NAME:V. Bump V in image_version() when a recipe changes, so
# that machines holding the old image build the new one.
#
# Environment:
#   TRUSTPATCH_SHARED           the shared/ folder with rootfs tarballs and distro-tools/ (default <repo>/../shared)
#   TRUSTPATCH_DEBIAN_MIRROR    Debian mirror for debootstrap (default: the one this machine's apt sources use)
#   TRUSTPATCH_DEBOOTSTRAP_CACHE  .deb cache kept between builds (default /var/cache/trustpatch-debootstrap)
#   TRUSTPATCH_REBUILD=1        rebuild even if the tag exists
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
SHARED=${TRUSTPATCH_SHARED:-$REPO_ROOT/../shared}
# shellcheck source=lib/debian-mirror.sh
. "$SCRIPT_DIR/lib/debian-mirror.sh"
MIRROR=${TRUSTPATCH_DEBIAN_MIRROR:-$(machine_debian_mirror)}
SUITE=bookworm
CACHE_DIR=${TRUSTPATCH_DEBOOTSTRAP_CACHE:-/var/cache/trustpatch-debootstrap}

DEFAULT_SET=(debian-min debian-curl alpine busybox debian-busybox noshell)
EXTRA_SET=(debian-python debian-jre debian-node debian-clients)
# shellcheck source=images/families.sh
. "$SCRIPT_DIR/images/families.sh" # FAMILY_SET: assembled RHEL-family and SUSE images

say() { printf 'build-images: %s\n' "$*"; }
die() { printf 'build-images: error: %s\n' "$*" >&2; exit 1; }

image_version() {
  case "$1" in
    *) echo 1 ;;
  esac
}
tag_of() { echo "trustpatch-test/$1:$(image_version "$1")"; }

usage() {
  echo "usage: $0 [--list] [NAME...]"
  echo "  default set: ${DEFAULT_SET[*]}"
  echo "  on request:  ${EXTRA_SET[*]}"
  echo "  families:    ${FAMILY_SET[*]} (need TRUSTPATCH_SHARED/distro-tools)"
}

# ---------------------------------------------------------------- temp dir + cleanup

WORK=
cleanup() {
  [[ -n "$WORK" && -d "$WORK" ]] || return 0
  # debootstrap mounts /proc, /sys, ... inside its target; if it died half-way they may
  # still be there, and rm -rf must never walk into them.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

new_dir() { mkdir -p "$WORK/$1" && echo "$WORK/$1"; }

# Print the tail of a log and fail.
fail_with_log() {
  local log=$1 msg=$2
  {
    echo "build-images: error: $msg"
    echo "build-images: last lines of its log:"
    tail -n 25 "$log" | sed 's/^/  /'
  } >&2
  exit 1
}

# ---------------------------------------------------------------- helpers

need_apt_pkg() { # command package
  command -v "$1" >/dev/null 2>&1 && return 0
  command -v apt-get >/dev/null 2>&1 || die "$1 is missing and apt-get is not there to install $2."
  say "installing $2 (apt-get)..."
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$2" >/dev/null
  command -v "$1" >/dev/null 2>&1 || die "$2 installed but $1 still not found."
}

# Import a root filesystem directory as TAG; extra args are `docker import` options.
import_dir() { # dir tag [options...]
  local dir=$1 tag=$2
  shift 2
  tar --numeric-owner -C "$dir" -c . |
    docker import --change "LABEL org.trustpatch.test-image=$tag" "$@" - "$tag" >/dev/null
}

# sha256 of FILE as listed in shared/rootfs/README.md.
listed_sha256() { # file-name
  grep -F "| $1 |" "$SHARED/rootfs/README.md" | grep -oE '\b[0-9a-f]{64}\b' | tail -n 1
}

import_shared_tarball() { # file-name tag
  local file=$SHARED/rootfs/$1 tag=$2 want got
  [[ -f "$file" ]] || die "$file not found (set TRUSTPATCH_SHARED to the shared/ folder)."
  want=$(listed_sha256 "$1") || true
  [[ -n "$want" ]] || die "no sha256 for $1 in $SHARED/rootfs/README.md"
  got=$(sha256sum "$file" | cut -d' ' -f1)
  [[ "$got" == "$want" ]] || die "$file: sha256 $got, but README.md lists $want"
  docker import --change "LABEL org.trustpatch.test-image=$tag" "$file" "$tag" >/dev/null
}

# debootstrap a minbase bookworm into DIR with extra packages; returns 3 (after saying
# which) when Debian does not have some of the packages.
debootstrap_into() { # dir include-list
  local dir=$1 include=$2 log
  log="$dir.log"
  need_apt_pkg debootstrap debootstrap
  [[ -n "$MIRROR" ]] || die "no Debian mirror found in /etc/apt/sources.list*; set TRUSTPATCH_DEBIAN_MIRROR."
  mkdir -p "$CACHE_DIR"
  local args=(--variant=minbase "--cache-dir=$CACHE_DIR")
  [[ -n "$include" ]] && args+=("--include=$include")
  if ! debootstrap "${args[@]}" "$SUITE" "$dir" "$MIRROR" >"$log" 2>&1; then
    if grep -q "Couldn't find these debs" "$log"; then
      say "$(grep "Couldn't find these debs" "$log" | sed 's/^.*: //' | head -n 1)"
      return 3
    fi
    fail_with_log "$log" "debootstrap $SUITE into $dir failed"
  fi
  # Images start with empty apt lists, like Docker's own debian images: `apt-get update`
  # first. The sources.list debootstrap wrote ($MIRROR $SUITE main) stays.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin
  find "$dir/var/lib/apt/lists" -maxdepth 1 -type f -delete
}

build_debootstrap() { # name tag include-list
  local dir
  dir=$(new_dir "$1")/rootfs
  debootstrap_into "$dir" "$3"
  import_dir "$dir" "$2"
}

# Download one Debian package into DIR/deb with apt-get (the machine's own sources).
download_deb() { # package dir
  local d=$2
  mkdir -p "$d/deb"
  # apt drops privileges to _apt for downloads; let it write here.
  chown _apt "$d/deb" 2>/dev/null || true
  if ! (cd "$d/deb" && apt-get download -q "$1" >"$d/apt.log" 2>&1); then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    (cd "$d/deb" && apt-get download -q "$1" >"$d/apt.log" 2>&1) ||
      fail_with_log "$d/apt.log" "apt-get download $1 failed"
  fi
}

# A rootfs with only Debian's busybox-static: stands for "a Debian-based busybox image",
# whose wget cannot validate certificates.
build_debian_busybox() { # tag
  local d r bb
  d=$(new_dir debian-busybox)
  r=$d/rootfs
  mkdir -p "$d/x"
  download_deb busybox-static "$d"
  dpkg-deb -x "$d"/deb/busybox-static_*.deb "$d/x"
  bb=
  for c in "$d/x/bin/busybox" "$d/x/usr/bin/busybox"; do
    [[ -x "$c" ]] && bb=$c && break
  done
  [[ -n "$bb" ]] || die "no busybox binary in the busybox-static package"

  mkdir -p "$r"/{bin,etc,root,tmp,proc,sys,dev,run,var/tmp,usr/lib,usr/share/doc}
  install -m 0755 "$bb" "$r/bin/busybox"
  local applet
  for applet in $("$r/bin/busybox" --list); do
    [[ "$applet" == busybox ]] && continue
    ln -s busybox "$r/bin/$applet"
  done
  # Everything lives in /bin; the usual other paths lead there.
  ln -s bin "$r/sbin"
  ln -s ../bin "$r/usr/bin"
  ln -s ../bin "$r/usr/sbin"
  cp -r "$d/x/usr/share/doc/busybox-static" "$r/usr/share/doc/" 2>/dev/null || true
  cp /usr/lib/os-release "$r/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$r/etc/os-release"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$r/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$r/etc/group"
  chmod 1777 "$r/tmp" "$r/var/tmp"
  chmod 0700 "$r/root"
  [[ -L "$r/bin/sh" && -L "$r/bin/wget" && -L "$r/bin/sleep" ]] || die "busybox lacks sh, wget or sleep"
  import_dir "$r" "$1"
}

# Distroless-like: no shell at all, a static /pause, a CA bundle, os-release ID=debian.
build_noshell() { # tag
  local d r
  d=$(new_dir noshell)
  r=$d/rootfs
  command -v gcc >/dev/null 2>&1 || die "gcc is missing (apt-get install -y gcc libc6-dev)"
  [[ -f /etc/ssl/certs/ca-certificates.crt ]] ||
    die "/etc/ssl/certs/ca-certificates.crt missing on this machine (apt-get install -y ca-certificates)"
  mkdir -p "$r"/{etc/ssl/certs,tmp,root,home/nonroot,proc,sys,dev}
  gcc -static -O2 -s -o "$r/pause" "$SCRIPT_DIR/images/pause.c" >"$d/gcc.log" 2>&1 ||
    fail_with_log "$d/gcc.log" "gcc -static failed (is libc6-dev installed? it ships libc.a)"
  cp /etc/ssl/certs/ca-certificates.crt "$r/etc/ssl/certs/ca-certificates.crt"
  cp /usr/lib/os-release "$r/etc/os-release"
  printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' \
    'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
    'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$r/etc/group"
  chmod 1777 "$r/tmp"
  chmod 0700 "$r/root"
  chown 65532:65532 "$r/home/nonroot"
  import_dir "$r" "$1" --change 'CMD ["/pause"]'
}

build_one() { # name tag
  case "$1" in
    debian-min) build_debootstrap "$1" "$2" "" ;;
    debian-curl) build_debootstrap "$1" "$2" "ca-certificates,curl" ;;
    debian-python) build_debootstrap "$1" "$2" "python3,python3-venv,python3-pip,ca-certificates,curl" ;;
    debian-jre) build_debootstrap "$1" "$2" "default-jre-headless,ca-certificates-java,ca-certificates,curl" ;;
    debian-node) build_debootstrap "$1" "$2" "nodejs,ca-certificates,curl" ;;
    # Every TLS client the check knows (curl, GNU wget, openssl, python3), to read each one's errors.
    debian-clients) build_debootstrap "$1" "$2" "ca-certificates,curl,wget,openssl,python3" ;;
    alpine) import_shared_tarball alpine-3.20.3-x86_64.tar.gz "$2" ;;
    busybox) import_shared_tarball busybox-1.38.0-glibc-amd64.tar.gz "$2" ;;
    debian-busybox) build_debian_busybox "$2" ;;
    noshell) build_noshell "$2" ;;
    assembled-*) build_family "$1" "$2" ;;
    *) die "internal: no recipe for $1" ;;
  esac
}

# ---------------------------------------------------------------- main

names=()
for arg in "$@"; do
  case "$arg" in
    -h | --help) usage; exit 0 ;;
    --list) printf '%s\n' "${DEFAULT_SET[@]}" "${EXTRA_SET[@]}" "${FAMILY_SET[@]}"; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *)
      known=0
      for n in "${DEFAULT_SET[@]}" "${EXTRA_SET[@]}" "${FAMILY_SET[@]}"; do [[ "$n" == "$arg" ]] && known=1; done
      ((known)) || { usage >&2; die "unknown image '$arg'"; }
      names+=("$arg")
      ;;
  esac
done
((${#names[@]})) || names=("${DEFAULT_SET[@]}")

command -v docker >/dev/null 2>&1 || die "the docker CLI is missing"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no Docker engine answers (run scripts/ensure-engine.sh first)"
[[ $(id -u) -eq 0 ]] || say "warning: not root; debootstrap and chown need root"

# Two runs at once (e.g. parallel test jobs) would build the same tags twice.
if command -v flock >/dev/null 2>&1; then
  exec 9>"${TMPDIR:-/tmp}/trustpatch-build-images.lock"
  flock -w 1800 9 || die "another build-images.sh has held the lock for 30 minutes"
fi

WORK=$(mktemp -d "${TMPDIR:-/var/tmp}/trustpatch-images.XXXXXX")
skipped=()
for name in "${names[@]}"; do
  tag=$(tag_of "$name")
  if [[ "${TRUSTPATCH_REBUILD:-}" != 1 ]] && docker image inspect "$tag" >/dev/null 2>&1; then
    say "$tag: cached"
    continue
  fi
  start=$SECONDS
  # A subshell run as a plain command, not in `||`: there set -e still stops the recipe
  # at its first failing step (inside `f || x` bash ignores set -e for all of f).
  set +e
  (
    set -e
    build_one "$name" "$tag"
  )
  rc=$?
  set -e
  if ((rc == 3)); then
    say "$tag: SKIPPED (packages missing from Debian $SUITE)"
    skipped+=("$name")
    continue
  fi
  ((rc == 0)) || die "$tag: build failed"
  say "$tag: built in $((SECONDS - start))s"
done
if ((${#skipped[@]})); then
  say "skipped: ${skipped[*]}"
fi
