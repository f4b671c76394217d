# Podman (as root) asks for nofile=1048576 and nproc=4194304 unless told otherwise. Where the
# hard limits are lower and cannot be raised (no CAP_SYS_RESOURCE), every container fails to
# start: "error setting rlimit type 7: operation not permitted". conmon also caps nproc at
# kernel.pid_max here (measured: 32768 starts, 32769 fails), so take the smallest.
#
# podman_ulimits_line prints the containers.conf `default_ulimits` line for the limits this
# machine can give, or nothing (status 1) when Podman's defaults fit.
podman_ulimits_line() {
  local nofile nproc pid_max
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo 4194304)
  [[ $nofile == unlimited ]] && nofile=1048576
  [[ $nproc == unlimited ]] && nproc=4194304
  ((nproc > pid_max)) && nproc=$pid_max
  ((nofile >= 1048576 && nproc >= 4194304)) && return 1
  printf 'default_ulimits = [ "nofile=%s:%s", "nproc=%s:%s" ]\n' "$nofile" "$nofile" "$nproc" "$nproc"
}
