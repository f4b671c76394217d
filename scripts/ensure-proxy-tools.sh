#!/usr/bin/env bash
# Make sure the intercepting proxies the fetch-ca integration tests run on 127.0.0.1 are
# installed: squid with ssl-bump (Debian's squid-openssl), which presents its CA, and mitmproxy
# (mitmdump), which presents only the forged leaf and serves its CA at http://mitm.it/ itself.
#
# - squid, security_file_certgen and mitmdump already present: say so and leave them alone.
# - Otherwise, as root on Debian: apt-get install squid-openssl mitmproxy (from Debian's archive)
#   without starting the packaged service (the tests run their own proxies with their own config).
# - Otherwise say what to do and exit 1.
set -euo pipefail

readonly CERTGEN=/usr/lib/squid/security_file_certgen

say() { printf 'ensure-proxy-tools: %s\n' "$*"; }
die() { printf 'ensure-proxy-tools: %s\n' "$*" >&2; exit 1; }
installed() { command -v squid >/dev/null 2>&1 && [ -x "$CERTGEN" ] && command -v mitmdump >/dev/null 2>&1; }

if installed; then
  say "squid with ssl-bump is installed ($(squid -v | head -n 1)); mitmdump is installed."
  exit 0
fi

[ "$(id -u)" = 0 ] || die "squid-openssl or mitmproxy is missing; install them as root: apt-get install -y squid-openssl mitmproxy"
command -v apt-get >/dev/null 2>&1 || die "squid-openssl or mitmproxy is missing and this is not a Debian system; install squid built with OpenSSL, and mitmproxy."

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

say "installing squid-openssl and mitmproxy from Debian's archive"
export DEBIAN_FRONTEND=noninteractive
# Other apt runs on the machine hold the dpkg lock at times: apt waits for it (DPkg::Lock::Timeout).
apt-get update -qq
apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 squid-openssl mitmproxy >/dev/null
installed || die "squid-openssl and mitmproxy installed, but squid, $CERTGEN or mitmdump is missing."
say "installed $(squid -v | head -n 1) and mitmproxy."
