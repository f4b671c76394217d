# The Debian 13 (trixie) tree that Docker 26 and Podman 5 run from. Sourced by
# scripts/ensure-trixie-engines.sh (which sets DIR, say, die).

readonly TRIXIE_PACKAGES=(docker.io podman)
readonly TREE_DONE=.trustpatch-tree-complete

# The mirror for the tree: TRUSTPATCH_TRIXIE_MIRROR, else the one this machine's apt uses
# (scripts/lib/debian-mirror.sh).
debian_mirror() {
  if [[ -n "${TRUSTPATCH_TRIXIE_MIRROR:-}" ]]; then
    echo "$TRUSTPATCH_TRIXIE_MIRROR"
    return
  fi
  local found
  found=$(machine_debian_mirror)
  [[ -n "$found" ]] || return 1
  echo "$found"
}

# Unmounts whatever a half-finished build left mounted under $1, then removes it.
remove_partial() {
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v w="$1/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  rm -rf --one-file-system "$1"
}

# apt-get inside the tree. A chroot is fine for installing packages (no daemon runs from it);
# the private mount namespace keeps its /proc mount off the machine. policy-rc.d refuses every
# service start, so the packages' maintainer scripts start no daemon.
install_engines() { # tree
  local tree=$1
  printf '#!/bin/sh\nexit 101\n' >"$tree/usr/sbin/policy-rc.d"
  chmod 0755 "$tree/usr/sbin/policy-rc.d"
  unshare -m --propagation private -- bash -c '
    set -e
    mount -t proc proc "$1/proc"
    chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get -qq update
    chroot "$1" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${@:2}"
    chroot "$1" apt-get clean
  ' trixie-install "$tree" "${TRIXIE_PACKAGES[@]}"
}

ensure_tree() {
  [[ -f "$DIR/$TREE_DONE" ]] && return 0
  [[ -e "$DIR" ]] && die "$DIR exists but is not a complete tree (no $TREE_DONE); remove it and rerun."
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap (apt-get)..."
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; } ||
      die "debootstrap is missing and could not be installed: apt-get install -y debootstrap"
  fi
  local mirror
  mirror=$(debian_mirror) || true
  [[ -n "$mirror" ]] || die "no Debian mirror found in /etc/apt/sources.list*; set TRUSTPATCH_TRIXIE_MIRROR."
  mkdir -p "$(dirname "$DIR")"
  # Held only while building: the daemons started later must not inherit it.
  exec 9>"$DIR.lock"
  flock 9
  if [[ ! -f "$DIR/$TREE_DONE" ]]; then # another run may have finished it while we waited
    build_tree "$mirror"
  fi
  exec 9>&-
}

build_tree() { # mirror
  local mirror=$1 partial=$DIR.partial log started=$SECONDS
  [[ -e "$partial" ]] && remove_partial "$partial"
  log=$DIR.build.log
  say "building the trixie tree in $DIR (debootstrap + ${TRIXIE_PACKAGES[*]}, about 2 min; log: $log)"
  if ! debootstrap --variant=minbase trixie "$partial" "$mirror" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    remove_partial "$partial"
    die "debootstrap trixie failed (log: $log)"
  fi
  if ! install_engines "$partial" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    remove_partial "$partial"
    die "apt-get install ${TRIXIE_PACKAGES[*]} in the trixie tree failed (log: $log)"
  fi
  chroot "$partial" dpkg-query -W docker.io podman containerd runc crun conmon >"$partial/$TREE_DONE" 2>/dev/null || true
  mv "$partial" "$DIR"
  say "trixie tree ready in $((SECONDS - started))s: $(tr '\t\n' ' ;' <"$DIR/$TREE_DONE")"
}
