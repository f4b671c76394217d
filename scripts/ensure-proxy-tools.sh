#!/usr/bin/env bash
# Make sure squid with ssl-bump (Debian's squid-openssl) is installed, for the fetch-ca
# integration test, which runs it as a TLS-intercepting proxy on 127.0.0.1.
#
# - squid and security_file_certgen already present: say so and leave them alone.
# - Otherwise, as root on Debian: apt-get install squid-openssl (from Debian's archive) without
#   starting the packaged service (the test runs its own squid with its own config).
# - Otherwise say what to do and exit 1.
set -euo pipefail

readonly CERTGEN=/usr/lib/squid/security_file_certgen

say() { printf 'ensure-proxy-tools: %s\n' "$*"; }
die() { printf 'ensure-proxy-tools: %s\n' "$*" >&2; exit 1; }

if command -v squid >/dev/null 2>&1 && [ -x "$CERTGEN" ]; then
  say "squid with ssl-bump is installed ($(squid -v | head -n 1))."
  exit 0
fi

[ "$(id -u)" = 0 ] || die "squid-openssl is missing; install it as root: apt-get install -y squid-openssl"
command -v apt-get >/dev/null 2>&1 || die "squid-openssl is missing and this is not a Debian system; install squid built with OpenSSL."

# policy-rc.d exit 101 tells invoke-rc.d not to start the packaged squid on 3128
# (https://people.debian.org/~hmh/invokerc.d-policyrc.d-specification.txt); removed afterwards if we made it.
made_policy=
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

say "installing squid-openssl from Debian's archive"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends squid-openssl >/dev/null
command -v squid >/dev/null 2>&1 && [ -x "$CERTGEN" ] || die "squid-openssl installed but squid or $CERTGEN is missing."
say "installed $(squid -v | head -n 1)."
