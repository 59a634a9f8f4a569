# Sourced by run.sh (its helpers and counters).
# 5. A Redis that requires a password: a silo takes it from --redis-password-file, another from
#    REDIS_PASSWORD, neither from its command line; both become healthy and no log holds it.
pw_port=$((redis_port + 10))
password="mp-$RANDOM-$RANDOM-secret"
redis-server --port "$pw_port" --bind 127.0.0.1 --save "" --appendonly no --requirepass "$password" \
  --daemonize yes --logfile "$work/redis-pw.log"
for _ in $(seq 50); do redis-cli -p "$pw_port" --no-auth-warning -a "$password" ping >/dev/null 2>&1 && break; sleep 0.1; done
printf '%s\n' "$password" > "$work/redis-password"
chmod 600 "$work/redis-password"
pw_silo() { # index, then extra arguments
  local i=$1; shift
  "$silo_bin" --clustering redis --storage redis --redis "127.0.0.1:$pw_port" --cluster-id pw-test \
    --silo-port $((21211 + i)) --gateway-port $((31100 + i)) --http-port $((18180 + i)) "$@" > "$work/pw-silo$i.log" 2>&1 &
  pids+=($!)
}
pw_silo 0 --redis-password-file "$work/redis-password"
REDIS_PASSWORD=$password pw_silo 1
for i in 0 1; do
  deadline=$((SECONDS + 60))
  until curl -s -m 3 "http://127.0.0.1:$((18180 + i))/health" | grep -q '"status":"healthy"'; do
    [ $SECONDS -lt $deadline ] || fail "the silo with the password from $([ $i = 0 ] && echo a file || echo REDIS_PASSWORD) is not healthy"
    sleep 0.25
  done
done
! grep -l -- "$password" "$work"/pw-silo*.log || fail "a silo log holds the Redis password"
grep -q 'password=\*\*\*\|redis 127.0.0.1' "$work/pw-silo0.log" || fail "no start-up line names the Redis connection"
ok "silos took the Redis password from a file and from REDIS_PASSWORD, and logged it nowhere"

# The client: a wrong password and a wrong cluster id are named as such (exit 3), and no password is printed.
client_says() { # expected exit, expected text, then the environment and command
  local code=$1 text=$2; shift 2
  local rc=0
  env "$@" > "$work/client.out" 2> "$work/client.log" || rc=$?
  [ "$rc" = "$code" ] || fail "$*: exit $rc, expected $code: $(cat "$work/client.log")"
  grep -q -- "$text" "$work/client.log" "$work/client.out" || fail "$*: no '$text' in: $(cat "$work/client.log")"
  ! grep -q -- "$password\|not-the-password" "$work/client.out" "$work/client.log" || fail "the client printed a password"
}
client_says 3 "refused authentication" HYPERIFT_CLUSTER_ID=pw-test "$hyperift" runs list --cluster "127.0.0.1:$pw_port,password=not-the-password"
client_says 3 "cluster id 'pw-tset'.*cluster id 'pw-test'" HYPERIFT_CLUSTER_ID=pw-tset "$hyperift" runs list --cluster "127.0.0.1:$pw_port,password=$password"
client_says 0 "no runs on 127.0.0.1:$pw_port,password=\*\*\*" HYPERIFT_CLUSTER_ID=pw-test "$hyperift" runs list --cluster "127.0.0.1:$pw_port,password=$password"
# ... and takes the password from the environment or a file, off its command line.
client_says 0 "no runs on 127.0.0.1:$pw_port" HYPERIFT_CLUSTER_ID=pw-test REDIS_PASSWORD="$password" "$hyperift" runs list --cluster "127.0.0.1:$pw_port"
client_says 0 "no runs on 127.0.0.1:$pw_port" HYPERIFT_CLUSTER_ID=pw-test REDIS_PASSWORD_FILE="$work/redis-password" "$hyperift" runs list --cluster "127.0.0.1:$pw_port"
client_says 2 "REDIS_PASSWORD_FILE: cannot be read" HYPERIFT_CLUSTER_ID=pw-test REDIS_PASSWORD_FILE="$work/no-such-file" "$hyperift" runs list --cluster "127.0.0.1:$pw_port"
redis-cli -p "$pw_port" --no-auth-warning -a "$password" shutdown nosave > /dev/null 2>&1 || true
ok "the client named a wrong Redis password and a wrong cluster id, took the password from REDIS_PASSWORD and REDIS_PASSWORD_FILE, and printed no password"
