# Sourced by run.sh after redis-password.sh (its helpers, counters, $password and client_says).
# 6. Redis over TLS, with a CA of the test's own (openssl) and a password: a silo trusts the CA from
#    --redis-ca-file and a client from REDIS_CA_FILE, and a hypergradient runs through them; a client
#    that does not trust the CA is refused, and a CA file that holds no certificate is named (exit 2).
tls_port=$((redis_port + 20))
tls=$work/tls
mkdir -p "$tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tls/ca.key" -out "$tls/ca.pem" -days 2 -subj "/CN=hyperift-test-ca" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=localhost" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > "$tls/ext"
openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -out "$tls/server.pem" \
  -days 2 -extfile "$tls/ext" 2>/dev/null || fail "openssl could not make the test certificate"
# The password from stdin (a config file of one line): it is on no command line here either.
printf 'requirepass %s\n' "$password" | redis-server - --port 0 --tls-port "$tls_port" --bind 127.0.0.1 \
  --tls-cert-file "$tls/server.pem" --tls-key-file "$tls/server.key" --tls-ca-cert-file "$tls/ca.pem" --tls-auth-clients no \
  --save "" --appendonly no --daemonize yes --logfile "$work/redis-tls.log"
for _ in $(seq 50); do redis-cli -p "$tls_port" --tls --cacert "$tls/ca.pem" --no-auth-warning -a "$password" ping >/dev/null 2>&1 && break; sleep 0.1; done
connection="127.0.0.1:$tls_port,sslHost=localhost"
REDIS_PASSWORD=$password "$silo_bin" --clustering redis --storage redis --redis "$connection" --redis-ca-file "$tls/ca.pem" \
  --cluster-id tls-test --silo-port 21231 --gateway-port 31120 --http-port 18183 > "$work/tls-silo.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 60))
until curl -s -m 3 "http://127.0.0.1:18183/health" | grep -q '"status":"healthy"'; do
  [ $SECONDS -lt $deadline ] || fail "the silo on a TLS Redis is not healthy"
  sleep 0.25
done
client_says 0 '"hypergradient"' HYPERIFT_CLUSTER_ID=tls-test REDIS_PASSWORD="$password" REDIS_CA_FILE="$tls/ca.pem" \
  "$hyperift" hypergrad --model ridge --hyper l2 --train synthetic:n=200,p=3,seed=1 --lambda 0 --json --cluster "$connection"
client_says 3 "failed the TLS handshake.*REDIS_CA_FILE" HYPERIFT_CLUSTER_ID=tls-test REDIS_PASSWORD="$password" \
  "$hyperift" runs list --cluster "127.0.0.1:$tls_port,ssl=true,sslHost=localhost"
printf 'not a certificate\n' > "$tls/bad.pem"
client_says 2 "REDIS_CA_FILE: '$tls/bad.pem' is not a PEM or DER certificate" HYPERIFT_CLUSTER_ID=tls-test REDIS_CA_FILE="$tls/bad.pem" \
  "$hyperift" runs list --cluster "$connection"
! grep -l -- "$password" "$work/tls-silo.log" || fail "the TLS silo's log holds the Redis password"
redis-cli -p "$tls_port" --tls --cacert "$tls/ca.pem" --no-auth-warning -a "$password" shutdown nosave > /dev/null 2>&1 || true
ok "a silo and a client reach a password-protected Redis over TLS with a CA of their own; a client without it is refused, a bad CA file named"
