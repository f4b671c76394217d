#!/usr/bin/env bash
# Make sure Debian's docker-registry binary (distribution 2.x) is there, for the registry
# end-to-end test (test/integration/registry-e2e.test.ts). It installs the package only; the
# test runs `/usr/bin/docker-registry serve CONFIG` itself, with its own config and storage.
#
# The package's maintainer script would start a registry service on :5000 (all interfaces)
# with the stock config; a policy-rc.d that answers 101 stops that, as Debian documents
# (https://people.debian.org/~hmh/invokerc.d-policyrc.d-specification.txt).
set -euo pipefail

readonly BINARY=/usr/bin/docker-registry
say() { printf 'ensure-registry: %s\n' "$*"; }
die() { printf 'ensure-registry: %s\n' "$*" >&2; exit 1; }

if [[ -x $BINARY ]]; then
  say "$BINARY is installed ($($BINARY --version 2>/dev/null | head -n 1))"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "$BINARY is missing; install it as root: apt-get install docker-registry"
command -v apt-get >/dev/null 2>&1 || die "$BINARY is missing and apt-get is not there (not Debian?); install the docker-registry package (distribution 2.x) by hand."

policy=/usr/sbin/policy-rc.d
made_policy=
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\n# trustpatch scripts/ensure-registry.sh: no service starts during this install\nexit 101\n' >"$policy"
  chmod 0755 "$policy"
  made_policy=1
fi
cleanup() { [[ -n $made_policy ]] && rm -f "$policy"; return 0; }
trap cleanup EXIT

say "installing Debian's docker-registry (apt-get)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends docker-registry >/dev/null
[[ -x $BINARY ]] || die "docker-registry was installed but $BINARY is missing."
say "$BINARY is installed ($($BINARY --version 2>/dev/null | head -n 1))"
