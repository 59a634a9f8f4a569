#!/usr/bin/env bash
# One hypergradient on text-like data of rcv1's shape (issue 15, item 2): generates (seeded, numpy,
# bench/rcv1_reference.py) 677,399 training rows × 47,236 features, about 73 non-zeros a row with Zipfian
# column frequencies, tf-idf-like L2-normalised rows, labels from a sparse w* with label noise, plus
# 20,000 validation rows, as LIBSVM; then, one after the other:
#   (a) `hyperift hypergrad --model logistic --hyper l2` at λ = LAMBDA on an embedded silo, timed with
#       /usr/bin/time -v (wall, peak RSS), beside a 2-row run for the idle process's peak;
#   (b) with CLUSTER=1, the same against a local cluster: its own Redis and 2 silo processes, on ports
#       the kernel picks (not deploy/local-cluster.sh's fixed ones, so it runs beside other clusters),
#       stopped at the end; the silos' peaks are their VmHWM;
#   (c) one scikit-learn LogisticRegression(lbfgs) fit on the same CSR matrix at the same λ
#       (C = 1/(n e^λ)): its n_iter_, wall time and peak memory (getrusage);
# and prints a Markdown table, the CSR bytes of the training matrix and the files' sizes.
# LAMBDA's default −12 is where lbfgs needs over 100 iterations (138 at 100,000 rows, 158 at 200,000).
# usage: bench/rcv1_shape.sh
#   env ROWS (677399), FEATURES (47236), NNZ (73, mean non-zeros a row), VAL_ROWS (20000), SEED (1),
#       LAMBDA (−12), SHARDS (2), SK_TOL (lbfgs tolerance, 1e-4: scikit-learn's default), CLUSTER (0)
# Outputs under bench/results/rcv1/ (ignored by git; the full training file is about 0.65 GB, its CSR
# 0.6 GB). The data are generated again only when missing or older than bench/rcv1_reference.py.
# Until LIBSVM input stays sparse (CSR) the C# side holds X densely (rows × features doubles: 256 GB
# at the full shape); to try the script:  ROWS=5000 FEATURES=2000 NNZ=20 VAL_ROWS=1000 bench/rcv1_shape.sh
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${ROWS:-677399} features=${FEATURES:-47236} nnz=${NNZ:-73} val_rows=${VAL_ROWS:-20000} seed=${SEED:-1}
lambda=${LAMBDA:--12} shards=${SHARDS:-2} sk_tol=${SK_TOL:-1e-4} cluster=${CLUSTER:-0}
data=bench/results/rcv1/n$rows-p$features-nnz$nnz-val$val_rows-seed$seed
py=/usr/bin/python3  # Debian's python3 with python3-numpy, python3-scipy and python3-sklearn
$py -c 'import numpy, scipy, sklearn' 2>/dev/null \
  || { apt-get update -qq && apt-get install -y -qq python3-numpy python3-scipy python3-sklearn >/dev/null; }
# Debian's OpenBLAS 0.3.21 takes an AVX-512 CPU for an old one (docs/PERFORMANCE.md): name the core type.
blas=(); grep -q avx512f /proc/cpuinfo && blas=(OPENBLAS_CORETYPE=SkylakeX)
hyperift=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null

if [[ ! -s $data/meta.json || bench/rcv1_reference.py -nt $data/meta.json ]]; then
  $py bench/rcv1_reference.py generate --out "$data" --rows "$rows" --val-rows "$val_rows" \
    --features "$features" --nnz "$nnz" --seed "$seed"
fi
ls -l "$data"/train.svm "$data"/val.svm

# hyperift's data flags: --features so that p is the generator's, whichever columns small sets happen to use.
args=(hypergrad --model logistic --hyper l2 --train "$data/train.svm" --val "$data/val.svm" --features "$features"
      --lambda "$lambda" --shards "$shards" --json)

# the idle process: the same command on 2 synthetic rows
/usr/bin/time -v -o "$data/idle.time" "${hyperift[@]}" hypergrad --model logistic --hyper l2 \
  --train synthetic:n=2,p=2 --lambda "$lambda" --json > /dev/null 2> "$data/idle.log"

# (a) embedded
/usr/bin/time -v -o "$data/embedded.time" "${hyperift[@]}" "${args[@]}" > "$data/embedded.json" 2> "$data/embedded.log" \
  || { echo "hyperift hypergrad failed; see $data/embedded.log:" >&2; tail -5 "$data/embedded.log" >&2; exit 1; }

# (b) a 2-silo cluster of this script's own
cluster_args=()
if [[ $cluster == 1 ]]; then
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    echo "CLUSTER=1: redis-server is not installed (apt-get install -y redis-server); skipping the cluster run" >&2
  else
    dotnet build src/HyperIft.Silo -c Release -v q -nologo >/dev/null
    work=$(mktemp -d /tmp/hyperift-rcv1.XXXXXX)
    pids=()
    stop_cluster() {
      local pid
      for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
      for pid in "${pids[@]}"; do
        for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$pid" 2>/dev/null || true
      done
      pids=()
      if [[ -n ${redis_pid:-} ]]; then
        redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
        wait "$redis_pid" 2>/dev/null || true
        redis_pid=
      fi
    }
    trap 'stop_cluster; rm -rf "$work"' EXIT
    # seven ports the kernel reports free: Redis, then each silo's silo, gateway and HTTP ports
    read -r redis_port p0 g0 h0 p1 g1 h1 < <($py -c '
import socket
ss = [socket.socket() for _ in range(7)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in ss))
for s in ss: s.close()')
    mkdir -p "$work/redis"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly yes --dir "$work/redis" \
      --logfile "$work/redis.log" &
    redis_pid=$!
    for _ in $(seq 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    cid=rcv1-bench-$$
    for i in 0 1; do
      ports=("$p0 $g0 $h0" "$p1 $g1 $h1")
      read -r sp gp hp <<< "${ports[$i]}"
      src/HyperIft.Silo/bin/Release/net10.0/hyperift-silo --clustering redis --storage redis --redis "127.0.0.1:$redis_port" \
        --cluster-id "$cid" --silo-port "$sp" --gateway-port "$gp" --http-port "$hp" > "$work/silo$i.log" 2>&1 &
      pids+=($!)
    done
    healthy=0
    for hp in "$h0" "$h1"; do
      for _ in $(seq 300); do curl -sf "http://127.0.0.1:$hp/health" >/dev/null 2>&1 && { healthy=$((healthy + 1)); break; }; sleep 0.2; done
    done
    if [[ $healthy != 2 ]]; then
      echo "the local cluster did not become healthy within 60 s; skipping the cluster run (logs: $work)" >&2
      tail -5 "$work"/silo*.log >&2
      trap - EXIT; stop_cluster
    else
      idle_silo_kb=$(awk '/VmRSS/ {s += $2; n++} END {print s / n}' /proc/"${pids[0]}"/status /proc/"${pids[1]}"/status)
      rc=0
      HYPERIFT_CLUSTER_ID=$cid /usr/bin/time -v -o "$data/cluster.time" "${hyperift[@]}" "${args[@]}" \
        --cluster "127.0.0.1:$redis_port" > "$data/cluster.json" 2> "$data/cluster.log" || rc=$?
      peaks=$(for pid in "${pids[@]}"; do awk '/VmHWM/ {printf "%s ", $2}' /proc/"$pid"/status; done)
      stop_cluster
      trap - EXIT; rm -rf "$work"
      if [[ $rc == 0 ]]; then
        cluster_args=(--cluster-json "$data/cluster.json" --cluster-time "$data/cluster.time"
                      --cluster-silo-peaks "$peaks" --idle-silo-mb "$(awk "BEGIN {print $idle_silo_kb / 1024}")")
      else
        echo "hyperift hypergrad on the cluster failed (exit $rc); see $data/cluster.log:" >&2; tail -5 "$data/cluster.log" >&2
      fi
    fi
  fi
fi

# (c) scikit-learn, one fit
env "${blas[@]}" $py bench/rcv1_reference.py fit --data "$data" --lambda "$lambda" --tol "$sk_tol" > "$data/fit.json"

$py bench/rcv1_reference.py report --data "$data" --fit-json "$data/fit.json" --embedded-json "$data/embedded.json" \
  --embedded-time "$data/embedded.time" --idle-time "$data/idle.time" "${cluster_args[@]}"
