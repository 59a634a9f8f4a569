# Sourced by tests/multiprocess/run.sh and deploy/local-cluster.sh: when to restart a silo that
# exited on the same endpoint (IP:port). A silo back on its predecessor's endpoint before the
# cluster has declared that predecessor dead is sent the calls addressed to it over the new
# connection, never answered: runs stalled for minutes. So a supervisor waits until the Redis
# membership table no longer lists the endpoint as Active (status 3) — unless no other silo is
# Active, for then nobody would ever declare it dead (and the new silo retires its own older
# generation when it joins).

# True while a silo on ENDPOINT is Active in the table at KEY and another silo is Active too.
silo_endpoint_awaits_verdict() { # redis-port table-key endpoint
  redis-cli -p "$1" --raw hgetall "$2" 2>/dev/null | awk -v mine="S$3:" '
    NR % 2 == 1 { key = $0; next }
    key ~ /^S/ && /"Status":3[,}]/ { if (index(key, mine) == 1) own = 1; else other = 1 }
    END { exit !(own && other) }'
}

# Waits until the endpoint may be reused, at most SECONDS; fails if it could not be confirmed.
wait_silo_endpoint_free() { # redis-port table-key endpoint seconds
  local deadline=$((SECONDS + $4))
  while silo_endpoint_awaits_verdict "$1" "$2" "$3"; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}
