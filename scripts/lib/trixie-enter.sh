#!/usr/bin/env bash
# Runs COMMAND with TREE as its root filesystem, in a mount namespace of its own:
#
#   unshare -m -n --propagation private bash scripts/lib/trixie-enter.sh TREE COMMAND [ARG...]
#
# Not a chroot: a chroot shares the machine's mount table, so an engine started in one cannot
# set up its containers' root (image import fails with "remount /, flags: 0x84000: invalid
# argument"), and a container it starts after / is bind-mounted got the machine's root. Here
# TREE becomes the namespace's real root (pivot_root(2)) and the machine's root is detached, so
# the engine's overlay mounts are its containers' roots and nothing is mounted on the machine.
#
# The network namespace is the engine's own too: started in the machine's, Docker's
# `--bridge none` deletes the machine's docker0 (moby daemon/daemon_unix.go,
# removeDefaultBridgeInterface, "--bridge=none use case"; seen with 26.1.5), and Podman's
# netavark would add bridges and firewall rules there. Only its loopback is brought up; the
# tests start their servers inside it (test/support/https-server.ts).
set -euo pipefail

tree=$1
shift
# The machine's namespaces come from the caller (scripts/lib/trixie-engine.sh); without them
# nothing is proven, so nothing runs.
machine_mnt=${TRUSTPATCH_MACHINE_NS_MNT:-}
machine_net=${TRUSTPATCH_MACHINE_NS_NET:-}
for ns in mnt net; do
  machine=machine_$ns
  [[ -n "${!machine}" && $(readlink "/proc/self/ns/$ns") != "${!machine}" ]] ||
    { echo "trixie-enter: refusing to run in the machine's $ns namespace (or without knowing it); start it through scripts/ensure-trixie-engines.sh" >&2; exit 1; }
done
ip link set lo up

mount --make-rprivate /
# pivot_root needs the new root to be a mount point.
mount --bind "$tree" "$tree"
mount -t proc proc "$tree/proc"
mount --rbind /sys "$tree/sys"
mount --rbind /dev "$tree/dev"
mkdir -p "$tree/.machine-root"
cd "$tree"
pivot_root . .machine-root
cd /
# From here on every command comes from the tree.
umount -l /.machine-root
rmdir /.machine-root
exec "$@"
