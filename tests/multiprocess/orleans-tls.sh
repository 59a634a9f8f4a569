# Sourced by run.sh after redis-tls.sh (its helpers, counters and client_says).
# 7. Mutual TLS between silos and with clients (Orleans' TLS, --tls-cert-file), with a CA of the test's own:
#    two TLS silos form one cluster (the second's certificate signed by an intermediate CA, which every CA file
#    holds beside the root) and a client with a certificate the CA signed computes the embedded hypergradient
#    over shards on both, as does one whose certificate the intermediate signed; a client without TLS, and one whose certificate another CA signed,
#    are refused with a hint; the gateway itself refuses a TLS handshake without a client certificate or with
#    an untrusted one (openssl s_client); missing, non-certificate and CA-less settings exit 2 naming the flag.
otls=$work/orleans-tls
mkdir -p "$otls"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > "$otls/ext"
certificate() { # name ca
  openssl req -newkey rsa:2048 -nodes -keyout "$otls/$1.key" -out "$otls/$1.csr" -subj "/CN=$1" 2>/dev/null
  openssl x509 -req -in "$otls/$1.csr" -CA "$otls/$2.pem" -CAkey "$otls/$2.key" -CAcreateserial -out "$otls/$1.pem" \
    -days 2 -extfile "$otls/ext" 2>/dev/null || fail "openssl could not make the test certificate $1"
}
for ca in ca rogue-ca; do
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$otls/$ca.key" -out "$otls/$ca.pem" -days 2 -subj "/CN=hyperift-$ca" 2>/dev/null
done
printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$otls/ca-ext"
openssl req -newkey rsa:2048 -nodes -keyout "$otls/int-ca.key" -out "$otls/int-ca.csr" -subj "/CN=hyperift-int-ca" 2>/dev/null
openssl x509 -req -in "$otls/int-ca.csr" -CA "$otls/ca.pem" -CAkey "$otls/ca.key" -CAcreateserial -out "$otls/int-ca.pem" \
  -days 2 -extfile "$otls/ca-ext" 2>/dev/null || fail "openssl could not make the intermediate CA"
cat "$otls/ca.pem" "$otls/int-ca.pem" > "$otls/cas.pem"
certificate silo ca; certificate client ca; certificate rogue rogue-ca; certificate silo-int int-ca; certificate client-int int-ca
for i in 0 1; do
  otls_leaf=$([ $i = 0 ] && echo silo || echo silo-int)
  tls_flags=(--tls-cert-file "$otls/$otls_leaf.pem" --tls-key-file "$otls/$otls_leaf.key" --tls-ca-file "$otls/cas.pem")
  "$silo_bin" --clustering redis --storage redis --redis "$cluster" --cluster-id otls-test "${tls_flags[@]}" \
    --silo-port $((21241 + i)) --gateway-port $((31140 + i)) --http-port $((18186 + i)) > "$work/otls-silo$i.log" 2>&1 &
  pids+=($!)
done
deadline=$((SECONDS + 60))
until curl -s -m 3 "http://127.0.0.1:18186/health" | grep -q '"status":"healthy".*"activeSilos":\["[^"]*","[^"]*"\]'; do
  [ $SECONDS -lt $deadline ] || fail "two TLS silos do not form one healthy cluster: $(curl -s -m 3 http://127.0.0.1:18186/health)"
  sleep 0.25
done
trusted=(HYPERIFT_CLUSTER_ID=otls-test HYPERIFT_TLS_CERT_FILE="$otls/client.pem" HYPERIFT_TLS_KEY_FILE="$otls/client.key" HYPERIFT_TLS_CA_FILE="$otls/cas.pem")
tls_problem=(--model logistic --hyper l2-feature --train synthetic:n=3000,p=8,seed=5 --lambda -2 --shards 4 --tol 1e-11 --json)
client_says 0 '"hypergradient"' "${trusted[@]}" "$hyperift" hypergrad "${tls_problem[@]}" --cluster "$cluster"
cp "$work/client.out" "$otls/cluster.json"
client_says 0 '"hypergradient"' HYPERIFT_CLUSTER_ID=otls-test HYPERIFT_TLS_CERT_FILE="$otls/client-int.pem" \
  HYPERIFT_TLS_KEY_FILE="$otls/client-int.key" HYPERIFT_TLS_CA_FILE="$otls/cas.pem" "$hyperift" hypergrad "${tls_problem[@]}" --cluster "$cluster"
"$hyperift" hypergrad "${tls_problem[@]}" > "$otls/embedded.json" 2> /dev/null || fail "hypergrad embedded (TLS problem)"
/usr/bin/python3 - "$otls/cluster.json" "$otls/embedded.json" <<'PY' || fail "the hypergradient over TLS differs from the embedded one"
import json, math, sys
a, b = (json.load(open(p))["hypergradient"] for p in sys.argv[1:3])
err = math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b))) / math.sqrt(sum(y * y for y in b))
sys.exit(0 if err <= 1e-12 else 1)
PY
client_says 3 "silos started with --tls-cert-file need HYPERIFT_TLS_CERT_FILE" HYPERIFT_CLUSTER_ID=otls-test \
  "$hyperift" runs list --cluster "$cluster"
client_says 3 "the silos may not use TLS, or not trust" HYPERIFT_CLUSTER_ID=otls-test HYPERIFT_TLS_CERT_FILE="$otls/rogue.pem" \
  HYPERIFT_TLS_KEY_FILE="$otls/rogue.key" HYPERIFT_TLS_CA_FILE="$otls/rogue-ca.pem" "$hyperift" runs list --cluster "$cluster"
client_says 2 "HYPERIFT_TLS_CERT_FILE: '$otls/rogue.pem' is not signed by a CA in" HYPERIFT_CLUSTER_ID=otls-test \
  HYPERIFT_TLS_CERT_FILE="$otls/rogue.pem" HYPERIFT_TLS_KEY_FILE="$otls/rogue.key" HYPERIFT_TLS_CA_FILE="$otls/ca.pem" "$hyperift" runs list --cluster "$cluster"
# The gateway's own check, apart from the client's: the gateway validates a client certificate as the handshake ends and
# then hangs up, so s_client keeps the connection open a second to see it (TLS 1.2: no post-handshake tickets).
handshake() { (sleep 1) | timeout 10 openssl s_client -tls1_2 -connect 127.0.0.1:31140 -CAfile "$otls/ca.pem" "$@" 2>&1 || true; }
refused() { grep -q "unexpected eof\|alert" <<< "$1"; }
answer=$(handshake -cert "$otls/client.pem" -key "$otls/client.key")
grep -q "Verify return code: 0" <<< "$answer" && ! refused "$answer" || fail "the gateway refused a trusted client certificate: $answer"
refused "$(handshake)" || fail "the gateway accepted a TLS client without a certificate"
refused "$(handshake -cert "$otls/rogue.pem" -key "$otls/rogue.key")" || fail "the gateway accepted a certificate another CA signed"
# Bad settings: exit 2 naming the flag, before anything starts.
silo_says() { # text, then flags
  local text=$1; shift
  local rc=0
  "$silo_bin" --cluster-id otls-bad --silo-port 21249 --gateway-port 31149 --http-port 18189 "$@" > "$work/otls-bad.log" 2>&1 || rc=$?
  [ "$rc" = 2 ] && grep -q -- "$text" "$work/otls-bad.log" || fail "silo $*: exit $rc, expected 2 and '$text': $(cat "$work/otls-bad.log")"
}
silo_says "--tls-cert-file (HyperIft:TlsCertFile) cannot be read: '$otls/none.pem' does not exist" \
  --tls-cert-file "$otls/none.pem" --tls-ca-file "$otls/ca.pem"
silo_says "--tls-ca-file (HyperIft:TlsCaFile) '$otls/ext' is not a PEM or DER certificate" \
  --tls-cert-file "$otls/silo.pem" --tls-key-file "$otls/silo.key" --tls-ca-file "$otls/ext"
silo_says "--tls-cert-file (HyperIft:TlsCertFile) '$otls/silo-int.pem' is not signed by a CA in '$otls/ca.pem' (an intermediate CA" \
  --tls-cert-file "$otls/silo-int.pem" --tls-key-file "$otls/silo-int.key" --tls-ca-file "$otls/ca.pem"
silo_says "--tls-ca-file (HyperIft:TlsCaFile) is required by --tls-cert-file" --tls-cert-file "$otls/silo.pem" --tls-key-file "$otls/silo.key"
silo_says "--tls-key-file (HyperIft:TlsKeyFile) '$otls/ca.pem' holds no" \
  --tls-cert-file "$otls/silo.pem" --tls-key-file "$otls/ca.pem" --tls-ca-file "$otls/ca.pem"
ok "two silos with mutual TLS form a cluster (one through an intermediate CA) and trusted clients get the embedded hypergradient; clients without a certificate the CA signed are refused, bad TLS settings named"
