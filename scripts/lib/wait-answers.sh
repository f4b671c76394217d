# wait_answers NAME PING_FUNCTION PID SOCKET LOG SECONDS: waits until PING_FUNCTION succeeds;
# returns 1 (after printing the log's last lines) when PID died or SECONDS passed first.
wait_answers() {
  local name=$1 ping=$2 pid=$3 sock=$4 log=$5 deadline=$((SECONDS + $6))
  until "$ping"; do
    if ((SECONDS >= deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      {
        echo "$name: the engine did not answer at $sock within $6s."
        echo "$name: last lines of $log:"
        tail -n 30 "$log" 2>/dev/null | sed 's/^/  /'
      } >&2
      return 1
    fi
    sleep 0.5
  done
}
