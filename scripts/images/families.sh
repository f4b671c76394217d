# Recipes of the assembled RHEL-family and SUSE test images; sourced by build-images.sh.
#
# No RHEL-family or SUSE image can be pulled on the test machines. Each image here is a Debian
# bookworm minbase plus Debian's p11-kit, with the distribution's own, unmodified update tool
# (from $SHARED/distro-tools/, test fixtures only: never part of trustpatch) at its real path,
# the directories, links and base anchors its package lays down, the p11-kit trust module
# pointed at the family's source directories, and the distribution's os-release. Their update
# logic, layout, links and output files are the distribution's; their package database, p11-kit
# build, SELinux, crypto-policies and package managers are not (docs/distributions.md).

DISTRO_TOOLS=$SHARED/distro-tools
FAMILY_SET=(assembled-rocky9 assembled-al2023 assembled-alma9-micro assembled-leap15)
OS_RELEASES=$SCRIPT_DIR/images/os-release

# The fixtures must be there, unmodified in layout: say where they were looked for.
need_distro_tools() { # rhel|suse
  local f
  for f in "${@:2}"; do
    [[ -f "$DISTRO_TOOLS/$1/$f" ]] && continue
    die "$DISTRO_TOOLS/$1/$f not found: the assembled images need the distributions' own update tools in shared/distro-tools/ (beside the repository, or set TRUSTPATCH_SHARED to the shared/ folder)."
  done
}

# A debootstrapped tree with these packages, made once per build-images run: the first image
# that needs it debootstraps, later ones copy it.
family_base() { # dir include-list
  local base=$WORK/base-${2//,/_}
  if [[ ! -d "$base/rootfs" ]]; then
    mkdir -p "$base"
    debootstrap_into "$base/rootfs.partial" "$2"
    mv "$base/rootfs.partial" "$base/rootfs"
  fi
  cp -a "$base/rootfs" "$1"
}

# The Mozilla roots, from Debian's ca-certificates (the same certdata.txt Fedora and SUSE use).
mozilla_roots() { # -> dir of *.crt
  local d=$WORK/mozilla
  if [[ ! -d "$d/x" ]]; then
    download_deb ca-certificates "$d"
    dpkg-deb -x "$d"/deb/ca-certificates_*.deb "$d/x"
  fi
  ls "$d"/x/usr/share/ca-certificates/mozilla/*.crt >/dev/null 2>&1 || die "no Mozilla roots in Debian's ca-certificates package"
  echo "$d/x/usr/share/ca-certificates/mozilla"
}

# The distribution's os-release at /usr/lib/os-release, /etc/os-release a link to it (as on
# RHEL 9 and Leap 15), and Debian's own marker gone.
set_os_release() { # rootfs os-release-file
  rm -f "$1/etc/os-release" "$1/usr/lib/os-release" "$1/etc/debian_version"
  install -m 0644 "$OS_RELEASES/$2" "$1/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$1/etc/os-release"
}

# Debian builds p11-kit with Debian's anchor paths; the module's config takes others
# (p11-kit's trust module docs: x-init-reserved "paths"). Fedora's p11-kit.spec configures
# --with-trust-paths=/etc/pki/ca-trust/source:/usr/share/pki/ca-trust-source, SUSE's
# /etc/pki/trust:/usr/share/pki/trust.
trust_paths() { # rootfs paths
  local module=$1/usr/share/p11-kit/modules/p11-kit-trust.module
  [[ -f "$module" ]] || die "$module missing (is p11-kit-modules in the image?)"
  sed -i '/^x-init-reserved:/d' "$module"
  echo "x-init-reserved: paths=$2" >>"$module"
}

# Fedora's ca-certificates.spec, %install and %post: directories, READMEs, links, then
# `update-ca-trust` as the package's %post runs it.
assemble_rhel() { # rootfs
  local r=$1 t=$DISTRO_TOOLS/rhel c=/etc/pki/ca-trust
  need_distro_tools rhel update-ca-trust README.usr README.etc README.extr README.java README.openssl README.pem README.src README.etcssl
  rm -rf "$r/etc/ssl" "$r/usr/lib/ssl"
  install -d -m 0755 "$r/etc/pki/tls/certs" "$r/etc/pki/java" "$r/etc/ssl" "$r$c/source/anchors" "$r$c/source/blocklist" \
    "$r$c/extracted/pem" "$r$c/extracted/openssl" "$r$c/extracted/java" "$r$c/extracted/edk2" \
    "$r/usr/share/pki/ca-trust-source/anchors" "$r/usr/share/pki/ca-trust-source/blocklist" "$r/usr/share/pki/ca-trust-legacy"
  install -d -m 0555 "$r$c/extracted/pem/directory-hash"
  install -m 0755 "$t/update-ca-trust" "$r/usr/bin/update-ca-trust"
  install -m 0644 "$t/README.usr" "$r/usr/share/pki/ca-trust-source/README"
  install -m 0644 "$t/README.etc" "$r$c/README"
  install -m 0644 "$t/README.extr" "$r$c/extracted/README"
  install -m 0644 "$t/README.java" "$r$c/extracted/java/README"
  install -m 0644 "$t/README.openssl" "$r$c/extracted/openssl/README"
  install -m 0644 "$t/README.pem" "$r$c/extracted/pem/README"
  install -m 0644 "$t/README.src" "$r$c/source/README"
  install -m 0644 "$t/README.etcssl" "$r/etc/ssl/README"
  cp "$(mozilla_roots)"/*.crt "$r/usr/share/pki/ca-trust-source/anchors/"
  # ca-legacy install (%post): the legacy bundles are empty since 2021; the link is made.
  : >"$r/usr/share/pki/ca-trust-legacy/ca-bundle.legacy.default.crt"
  : >"$r/usr/share/pki/ca-trust-legacy/ca-bundle.legacy.disable.crt"
  ln -s /usr/share/pki/ca-trust-legacy/ca-bundle.legacy.default.crt "$r$c/source/ca-bundle.legacy.crt"
  ln -s /etc/pki/tls/certs "$r/etc/ssl/certs"
  ln -s $c/extracted/pem/tls-ca-bundle.pem "$r/etc/ssl/cert.pem"
  ln -s /etc/pki/tls/openssl.cnf "$r/etc/ssl/openssl.cnf"
  ln -s /etc/pki/tls/ct_log_list.cnf "$r/etc/ssl/ct_log_list.cnf"
  ln -s $c/extracted/pem/tls-ca-bundle.pem "$r/etc/pki/tls/cert.pem"
  ln -s $c/extracted/java/cacerts "$r/etc/pki/java/cacerts"
  ln -s $c/extracted/pem/tls-ca-bundle.pem "$r/etc/pki/tls/certs/ca-bundle.crt"
  trust_paths "$r" /etc/pki/ca-trust/source:/usr/share/pki/ca-trust-source
  chroot "$r" /usr/bin/update-ca-trust extract >"$r.update.log" 2>&1 || fail_with_log "$r.update.log" "update-ca-trust failed in the assembled image"
  [[ -s "$r$c/extracted/pem/tls-ca-bundle.pem" ]] || die "update-ca-trust wrote no tls-ca-bundle.pem"
}

# openSUSE's ca-certificates.spec, %install and %posttrans (`update-ca-certificates -f`); the
# anchor directories are p11-kit's on SUSE.
assemble_suse() { # rootfs
  local r=$1 t=$DISTRO_TOOLS/suse h
  need_distro_tools suse update-ca-certificates certbundle.run etc_ssl.run java.run openssl.run
  rm -rf "$r/etc/ssl" "$r/usr/lib/ssl"
  install -d -m 0755 "$r/usr/lib/ca-certificates/update.d" "$r/etc/pki/trust/anchors" "$r/etc/pki/trust/blacklist" \
    "$r/usr/share/pki/trust/anchors" "$r/usr/share/pki/trust/blacklist" "$r/etc/ssl"
  install -d -m 0555 "$r/var/lib/ca-certificates/pem" "$r/var/lib/ca-certificates/openssl"
  install -m 0755 "$t/update-ca-certificates" "$r/usr/sbin/update-ca-certificates"
  for h in certbundle etc_ssl java openssl; do
    install -m 0755 "$t/$h.run" "$r/usr/lib/ca-certificates/update.d/$h.run"
  done
  cp "$(mozilla_roots)"/*.crt "$r/usr/share/pki/trust/anchors/"
  trust_paths "$r" /etc/pki/trust:/usr/share/pki/trust
  chroot "$r" /usr/sbin/update-ca-certificates -f >"$r.update.log" 2>&1 || fail_with_log "$r.update.log" "update-ca-certificates failed in the assembled image"
  [[ -s "$r/var/lib/ca-certificates/ca-bundle.pem" && -L "$r/etc/ssl/certs" ]] || die "update-ca-certificates wrote no bundle or no /etc/ssl/certs link"
}

# The environment the family's own builds imply, because Debian's curl and Python look at
# Debian's paths: Fedora's curl is built --with-ca-bundle=/etc/pki/tls/certs/ca-bundle.crt and
# its OpenSSL has OPENSSLDIR /etc/pki/tls; SUSE's OpenSSL has OPENSSLDIR /etc/ssl (the hash
# directory /etc/ssl/certs), and Debian's curl needs a file, the compatibility bundle.
RHEL_ENV=(--change 'ENV CURL_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt SSL_CERT_FILE=/etc/pki/tls/cert.pem SSL_CERT_DIR=/etc/pki/tls/certs')
SUSE_ENV=(--change 'ENV CURL_CA_BUNDLE=/etc/ssl/ca-bundle.pem SSL_CERT_FILE=/etc/ssl/ca-bundle.pem SSL_CERT_DIR=/etc/ssl/certs')

build_family() { # name tag
  local r
  r=$(new_dir "$1")/rootfs
  case "$1" in
    assembled-rocky9)
      family_base "$r" p11-kit,p11-kit-modules,curl,python3
      assemble_rhel "$r"
      set_os_release "$r" rocky-9
      echo 'Rocky Linux release 9.5 (Blue Onyx)' >"$r/etc/redhat-release"
      import_dir "$r" "$2" "${RHEL_ENV[@]}"
      ;;
    assembled-al2023)
      # No TLS client at all, like amazonlinux:2023 without curl-minimal.
      family_base "$r" p11-kit,p11-kit-modules
      assemble_rhel "$r"
      set_os_release "$r" amazon-linux-2023
      echo 'Amazon Linux release 2023 (Amazon Linux)' >"$r/etc/system-release"
      import_dir "$r" "$2"
      ;;
    assembled-alma9-micro)
      # The shape of AlmaLinux / UBI micro: no ca-certificates, no update-ca-trust, no TLS
      # client, no bundle; /etc/pki holds only rpm-gpg.
      family_base "$r" p11-kit,p11-kit-modules
      rm -rf "$r/etc/ssl" "$r/usr/lib/ssl"
      install -d -m 0755 "$r/etc/pki/rpm-gpg"
      set_os_release "$r" almalinux-9
      echo 'AlmaLinux release 9.3 (Shamrock Pampas Cat)' >"$r/etc/redhat-release"
      import_dir "$r" "$2"
      ;;
    assembled-leap15)
      family_base "$r" p11-kit,p11-kit-modules,curl,python3
      assemble_suse "$r"
      set_os_release "$r" opensuse-leap-15.6
      import_dir "$r" "$2" "${SUSE_ENV[@]}"
      ;;
    *) die "internal: no family recipe for $1" ;;
  esac
}
