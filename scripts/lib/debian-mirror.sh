# The Debian mirror this machine's apt already uses: the first URI serving the machine's own
# codename, from either deb822 .sources files or one-line sources.list entries. Sourced by
# scripts/build-images.sh and scripts/lib/trixie-tree.sh (trixie is on the same mirror as the
# release the machine runs). Prints nothing when none is found.
machine_debian_mirror() {
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ -n "$codename" ]] || return 0
  {
    awk -v suite="$codename" '
      /^[[:space:]]*$/ { if (hit && uri != "") print uri; uri = ""; hit = 0; next }
      tolower($1) == "uris:" { uri = $2 }
      tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) hit = 1 }
      END { if (hit && uri != "") print uri }
    ' /etc/apt/sources.list.d/*.sources 2>/dev/null
    awk -v suite="$codename" '$1 == "deb" { u = 2; if ($2 ~ /^\[/) while ($u !~ /\]$/) u++; if ($2 ~ /^\[/) u++; if ($(u + 1) == suite) print $u }' \
      /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null
  } | head -n 1 || true
}
