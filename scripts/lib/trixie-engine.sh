# Starting, proving, stopping and loading an engine from the trixie tree. Sourced by
# scripts/ensure-trixie-engines.sh (which sets DIR, ENGINE, RUN_SUBDIR, SOCK, LOG, PIDFILE,
# engine, ping_engine, say, die).

# The engine's command line, as seen inside the tree (where RUN_SUBDIR is /RUN_SUBDIR).
engine_argv() {
  local run=/$RUN_SUBDIR
  case "$ENGINE" in
    docker26)
      # --bridge none, --iptables/--ip6tables/--ip-forward/--ip-masq false: its network
      # namespace has a loopback only, and the tests use host networking. Its own cgroup parent
      # keeps its containers apart from the machine engine's /docker/ cgroups.
      echo dockerd --host "unix://$run/docker.sock" --pidfile "$PIDFILE_INSIDE" \
        --data-root /var/lib/trustpatch-docker26 --exec-root "$run/exec" \
        --bridge none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
        --cgroup-parent /trustpatch-docker26
      ;;
    podman5)
      echo podman --root /var/lib/trustpatch-podman5/storage --runroot "$run/runroot" \
        system service --time=0 "unix://$run/podman.sock"
      ;;
  esac
}
readonly PIDFILE_INSIDE=/$RUN_SUBDIR/$ENGINE.pid

# Podman in the tree: no systemd or journald there, the machine's hard ulimits (see
# scripts/lib/podman-ulimits.sh), and host networking (the namespace's loopback) by default.
configure_podman() {
  local conf=$DIR/etc/containers/containers.conf.d/50-trustpatch.conf
  mkdir -p "$(dirname "$conf")"
  {
    echo '# Written by trustpatch scripts/ensure-trixie-engines.sh.'
    echo '[containers]'
    echo 'netns = "host"'
    echo 'log_driver = "k8s-file"'
    podman_ulimits_line || true
    echo '[engine]'
    echo 'cgroup_manager = "cgroupfs"'
    echo 'events_logger = "file"'
  } >"$conf"
}

start_engine() {
  mkdir -p "$DIR/$RUN_SUBDIR"
  [[ $ENGINE == podman5 ]] && configure_podman
  local argv
  read -r -a argv <<<"$(engine_argv)"
  # setsid + nohup + redirected stdio: the engine outlives this script and npm. Started from /:
  # a daemon (and Podman's conmon) keeps its working directory, which may be a deleted clone.
  # The machine's namespaces, for trixie-enter.sh to prove it is not in them (/proc/1 cannot be
  # read on every machine: in a microVM its links read as empty, and an empty match proves nothing).
  export TRUSTPATCH_MACHINE_NS_MNT TRUSTPATCH_MACHINE_NS_NET
  TRUSTPATCH_MACHINE_NS_MNT=$(readlink /proc/$$/ns/mnt)
  TRUSTPATCH_MACHINE_NS_NET=$(readlink /proc/$$/ns/net)
  (cd / && exec setsid nohup unshare -m -n --propagation private \
    bash "$SCRIPT_DIR/lib/trixie-enter.sh" "$DIR" "${argv[@]}" >>"$LOG" 2>&1 </dev/null) &
  local started=$!
  [[ $ENGINE == podman5 ]] && echo "$started" >"$PIDFILE"
  say "started $ENGINE (pid $started) in mount and network namespaces of its own, rooted at $DIR, log: $LOG"
  if ! wait_answers ensure-trixie-engines ping_engine "$started" "$SOCK" "$LOG" "$WAIT_SECONDS"; then
    [[ -s $PIDFILE ]] || echo "$started" >"$PIDFILE" # dockerd may not have written it yet
    stop_engine
    exit 1
  fi
}

# Ends this engine by the pid it recorded (never by name), and waits for it to go.
stop_engine() {
  local pid ns
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 0
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 0
  ns=$(readlink "/proc/$pid/ns/mnt")
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { say "stopped $ENGINE (pid $pid)"; end_namespace "$ns"; return 0; }
    sleep 0.5
  done
  say "$ENGINE (pid $pid) is still running 30 s after SIGTERM"
  return 1
}

# What the engine left in the mount namespace it was started in (never the machine's): Podman 5
# leaves a conmon per container and per exec session running there after the containers are
# gone (hundreds after one test run). Everything in that namespace was started through it.
end_namespace() { # mnt-namespace link, e.g. mnt:[4026532312]
  local ns=$1 p left=0
  [[ -n "$ns" && "$ns" != "$(readlink /proc/$$/ns/mnt)" ]] || return 0
  for p in /proc/[0-9]*; do
    [[ "$(readlink "$p/ns/mnt" 2>/dev/null)" == "$ns" ]] || continue
    kill -TERM "${p#/proc/}" 2>/dev/null && left=$((left + 1))
  done
  [[ $left -eq 0 ]] || say "ended $left process(es) $ENGINE left in its namespace (conmon)"
}

# The engine must run in mount and network namespaces of its own, and a container of it must
# have a root of its own: an overlay mount at /, a file it creates absent from the machine and
# the tree, neither the machine's nor the tree's files visible. Otherwise the engine is stopped: tests on it could write into the machine.
prove_own_root() { # image
  local probe=trustpatch-root-probe-$$-$RANDOM out root_fs pid ns
  pid=$(cat "$PIDFILE" 2>/dev/null) || refuse "no pidfile at $PIDFILE"
  for ns in mnt net; do
    [[ $(readlink "/proc/$pid/ns/$ns") != "$(readlink "/proc/$$/ns/$ns")" ]] || refuse "the engine (pid $pid) runs in the machine's $ns namespace"
  done
  out=$(engine run --rm --pull never --network host --label trustpatch.helper=ensure-trixie-engines \
    "trustpatch-test/$1:1" sh -c "touch /$probe && cat /proc/1/mountinfo && \
      for p in $DIR /var/cache/trustpatch /$TREE_DONE; do [ -e \$p ] && echo \"visible: \$p\"; done; true" 2>&1) ||
    refuse "a probe container did not run: $out"
  root_fs=$(awk '$5 == "/" { for (i = 6; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }' <<<"$out")
  if [[ -e /$probe || -e $DIR/$probe ]]; then
    rm -f "/$probe" "$DIR/$probe"
    refuse "a file created inside a container appeared on the machine"
  fi
  [[ $root_fs == overlay ]] || refuse "a container's / is '${root_fs:-?}', not overlay"
  ! grep -q '^visible: ' <<<"$out" || refuse "a container sees the machine's files ($(grep '^visible: ' <<<"$out" | tr '\n' ' '))"
  say "$ENGINE containers have their own root (overlay on /, probe file not on the machine)"
}
refuse() {
  stop_engine || true
  die "REFUSED: $1. $ENGINE was stopped and no test may use it."
}

# Copies trustpatch-test/NAME:1 from the machine's Docker unless this engine has the same id.
load_images() { # name...
  local name tag want have
  for name in "$@"; do
    tag=trustpatch-test/$name:1
    want=$(DOCKER_HOST=$MACHINE_DOCKER DOCKER_CONTEXT= docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null) ||
      die "$tag is not in the machine's Docker: run 'bash scripts/build-images.sh $name' first."
    have=$(engine image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
    [[ ${have#sha256:} == "${want#sha256:}" ]] && continue
    say "copying $tag into $ENGINE"
    DOCKER_HOST=$MACHINE_DOCKER DOCKER_CONTEXT= docker save "$tag" | engine load -q >/dev/null
  done
}
