#!/usr/bin/env bash
# Make sure Debian's OpenSSH server binary is available for the ssh:// integration tests, which
# run their own sshd (own config, host key, authorized_keys, port on 127.0.0.1) and never the
# machine's. Prints the path of the sshd binary on its last line.
#
# - /usr/sbin/sshd present (openssh-server installed): use it, touch nothing.
# - Otherwise, as root on Debian: the openssh-server package from Debian's archive is unpacked
#   with dpkg-deb into /var/cache/trustpatch/openssh-server, NOT installed: installing it would
#   run its maintainer scripts, which make host keys in /etc/ssh and start the machine's sshd on
#   port 22. Its one library not in a base system, libwrap0, is installed with apt (no service).
#   sshd's privilege-separation directory /run/sshd is created if missing (Debian's package does
#   the same at boot, debian/openssh-server.tmpfiles).
# - Otherwise say what to do and exit 1.
set -euo pipefail

readonly DIR=/var/cache/trustpatch/openssh-server

say() { printf 'ensure-sshd: %s\n' "$*" >&2; }
die() { printf 'ensure-sshd: %s\n' "$*" >&2; exit 1; }

privsep() { [ -d /run/sshd ] || { mkdir -p /run/sshd && chmod 755 /run/sshd; }; }

if [ -x /usr/sbin/sshd ]; then
  privsep
  echo /usr/sbin/sshd
  exit 0
fi
if [ -x "$DIR/usr/sbin/sshd" ]; then
  privsep
  echo "$DIR/usr/sbin/sshd"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "sshd is missing; as root run this script again, or apt-get install openssh-server"
command -v apt-get >/dev/null 2>&1 || die "sshd is missing and this is not a Debian system; install OpenSSH's server."
command -v ssh >/dev/null 2>&1 || die "the ssh client is missing: apt-get install -y openssh-client"

export DEBIAN_FRONTEND=noninteractive
say "fetching openssh-server from Debian's archive (unpacked, not installed)"
apt-get update -qq
# A library package only; retried while another apt holds the dpkg lock.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  if apt-get install -y -qq --no-install-recommends libwrap0 >/dev/null; then break; fi
  [ "$attempt" = 10 ] && die "apt-get install libwrap0 failed"
  sleep 15
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -qq openssh-server)
mkdir -p "$DIR.new"
dpkg-deb -x "$work"/openssh-server_*.deb "$DIR.new"
rm -rf "$DIR"
mv "$DIR.new" "$DIR"
privsep
"$DIR/usr/sbin/sshd" -V 2>&1 | head -n 1 >&2 || true
say "unpacked $(basename "$work"/openssh-server_*.deb) into $DIR"
echo "$DIR/usr/sbin/sshd"
