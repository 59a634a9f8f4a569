# Sourced by run.sh (its cluster, helpers and counters).
# 4. Redis loses all its data under a running run (FLUSHALL: what a restart without persistence
#    does). The silos must notice (/health 503), put their membership rows back (healthy again
#    within a bound, both rows in Redis), the run must end within a bound — completed, or failed
#    with a reason — and a new run must complete. (The run's own record vanished with the data:
#    its state writes fail with version conflicts until the tuner restores the record itself.)
"$hyperift" tune "${follow[@]}" --steps 12 --train "synthetic:n=6000,p=30,seed=7" --run-id wiped --output "$work/wiped" \
  > /dev/null 2> "$work/tune-wiped.log" &
wiped_pid=$!
pids+=($wiped_pid)
tuner_port_after_step "$work/tune-wiped.log" 3 240 > /dev/null || fail "run wiped did not reach step 3"
redis-cli -p "$redis_port" flushall > /dev/null
wiped_at=$SECONDS
echo "multiprocess: Redis flushed (FLUSHALL) after step 3 of run wiped"

unhealthy=""
healthy_again=""
while [ $((SECONDS - wiped_at)) -lt 60 ]; do
  h0=$(health 0); h1=$(health 1)
  for h in "$h0" "$h1"; do
    if [ -z "$unhealthy" ] && ! grep -q '"status":"healthy"' <<< "$h"; then
      unhealthy=$(grep -o '"problems":\[[^]]*\]' <<< "$h" || echo "$h")
    fi
  done
  if [ -n "$unhealthy" ] && grep -q '"status":"healthy"' <<< "$h0" && grep -q '"status":"healthy"' <<< "$h1"; then
    healthy_again=$((SECONDS - wiped_at)); break
  fi
  sleep 0.25
done
[ -n "$unhealthy" ] || fail "/health never reported the wiped membership table (60 s)"
echo "multiprocess: /health while wiped: $unhealthy"
[ -n "$healthy_again" ] || fail "the silos were not healthy again within 60 s of the wipe: $(health 0) $(health 1)"
rows=$(redis-cli -p "$redis_port" hkeys "hyperift/members/mp-test" | grep -c '^S127' || true)
[ "$rows" -ge 2 ] || fail "the membership table holds $rows silo rows after recovery, not 2"
ok "after the wipe /health went 503 and both silos re-registered, healthy again after $healthy_again s"

wait_exit "$wiped_pid" 240
case "$exit_code" in
  timeout) fail "run wiped neither completed nor failed within 240 s of the wipe (a loop?)" ;;
  0) echo "multiprocess: run wiped completed after the wipe ($((SECONDS - wiped_at)) s)" ;;
  *) echo "multiprocess: run wiped failed (exit $exit_code, $((SECONDS - wiped_at)) s after the wipe): $(tail -1 "$work/tune-wiped.log")"
     grep -q . "$work/tune-wiped.log" || fail "run wiped failed without a reason" ;;
esac
ok "the run under the wipe ended within 240 s (exit $exit_code)"

"$hyperift" tune "${follow[@]}" --steps 10 --train "synthetic:n=6000,p=30,seed=8" --run-id after-wipe --output "$work/after-wipe" \
  > /dev/null 2> "$work/tune-after-wipe.log" &
after_pid=$!
pids+=($after_pid)
wait_exit "$after_pid" 240
[ "$exit_code" = 0 ] || fail "a new run after the wipe did not complete (exit $exit_code): $(tail -1 "$work/tune-after-wipe.log")"
ok "a new run after the wipe completed"
for i in 0 1; do [ -e "$work/silo$i.exits" ] && echo "multiprocess: silo $i exits: $(tr '\n' ' ' < "$work/silo$i.exits")"; done
true
