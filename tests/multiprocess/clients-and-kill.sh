# Sourced by run.sh (its cluster, helpers and counters).
# 3. Clients following their runs (no --detach) while the silo of one run's tuner is SIGKILLed:
#    each must end within a bound. A status poll caught by the dying silo used to wait out the
#    10-minute grain-call timeout; now it times out after 5 s and polling goes on.
follow=(--model logistic --hyper l2-feature --shards 4 --outer-lr 0.2 --cluster "$cluster")
client_pids=()
for k in 1 2 3; do
  "$hyperift" tune "${follow[@]}" --steps 40 --train "synthetic:n=6000,p=30,seed=$k" --run-id "follow-$k" --output "$work/follow-$k" \
    > /dev/null 2> "$work/tune-follow-$k.log" &
  client_pids+=($!)
  pids+=($!)
done
port=$(tuner_port_after_step "$work/tune-follow-1.log" 3 240) || fail "run follow-1 did not reach step 3"
victim=$(( port - 21111 ))
kill -9 "$(cat "$work/silo$victim.pid")"
killed_at=$SECONDS
echo "multiprocess: killed silo $victim (port $port), the tuner's of follow-1, with SIGKILL after its step 3; 3 clients following"
# Listing runs right after the kill rides out the dying silo (it used to end with a stack trace, exit 1).
"$hyperift" runs list --cluster "$cluster" > "$work/list-after-kill.out" 2> "$work/list-after-kill.log" \
  || fail "runs list right after a SIGKILL: exit $?: $(tail -1 "$work/list-after-kill.log")"
grep -q "follow-1" "$work/list-after-kill.out" || fail "runs list right after a SIGKILL does not list follow-1"
ok "runs list $((SECONDS - killed_at)) s after a SIGKILL lists the runs"
bound=180
for k in 1 2 3; do
  wait_exit "${client_pids[$((k - 1))]}" $((bound - (SECONDS - killed_at)))
  [ "$exit_code" = timeout ] && fail "the client of follow-$k did not end within $bound s of the SIGKILL"
  [ "$exit_code" = 0 ] || fail "the client of follow-$k failed (exit $exit_code): $(tail -1 "$work/tune-follow-$k.log")"
  steps=$(grep -c "^step " "$work/tune-follow-$k.log" || true)
  echo "multiprocess: follow-$k ended $((SECONDS - killed_at)) s after the SIGKILL ($steps step lines printed)"
done
ok "3 clients following their runs all ended within $bound s of a SIGKILL"
for i in 0 1; do wait_healthy "$i" 90 || fail "silo $i did not come back after the SIGKILL: $(health "$i")"; done
