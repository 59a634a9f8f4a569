#!/usr/bin/env bash
# How long a run stalls when the silo hosting its tuner goes away: SIGKILL (failure detection) or
# SIGTERM (graceful shutdown). A 2-silo local cluster with Redis; a detached `tune` of ~0.3 s steps;
# after step 5 the tuner's silo gets the signal (its supervisor restarts it), and the largest gap
# between two consecutive steps seen by polling `runs show --json` every 0.1 s is the stall.
# usage: bench/silo_stall.sh [KILL|TERM ...]   (default: "KILL TERM")
set -euo pipefail
cd "$(dirname "$0")/.."
signals=${*:-KILL TERM}
export HYPERIFT_LOCAL=${HYPERIFT_LOCAL:-$PWD/bench/results/silo-stall/cluster}
command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; }
dotnet build src/HyperIft.Cli -c Release -v q -nologo >/dev/null
bash deploy/local-cluster.sh start 2 >/dev/null
trap 'bash deploy/local-cluster.sh stop >/dev/null 2>&1 || true' EXIT
cli=(dotnet src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll)
for signal in $signals; do
  run=stall-$signal-$RANDOM
  "${cli[@]}" tune --cluster 127.0.0.1:6390 --model logistic --hyper l2-feature --train synthetic:n=20000,p=40,seed=1 \
    --shards 4 --steps 60 --run-id "$run" --detach >/dev/null 2>&1
  python3 - "$run" "$signal" "$HYPERIFT_LOCAL" <<'PY'
import json, os, signal, subprocess, sys, time
run, sig, local = sys.argv[1:4]
cli = ["dotnet", "src/HyperIft.Cli/bin/Release/net10.0/hyperift.dll"]
def show():
    out = subprocess.run(cli + ["runs", "show", run, "--json", "--cluster", "127.0.0.1:6390"], capture_output=True, text=True)
    return json.loads(out.stdout) if out.returncode == 0 else None
last_step, last_time, gaps, sent, sent_at = -1, time.time(), [], False, None
deadline = time.time() + 300
while time.time() < deadline:
    s = show()
    now = time.time()
    if s is None:
        time.sleep(0.1); continue
    if s["step"] != last_step:
        if last_step >= 0 and sent: gaps.append(now - last_time)
        last_step, last_time = s["step"], now
    if not sent and s["step"] >= 5:
        port = s["silo"].split(":")[1]
        index = int(port) - 11111
        pid = int(open(f"{local}/silo{index}.pid").read())
        os.kill(pid, getattr(signal, "SIG" + sig))
        sent, sent_at = True, now
    if s["status"] in ("completed", "failed", "cancelled"):
        break
    time.sleep(0.1)
print(f"SIG{sig}: run {s['status'] if s else '?'}, {len(gaps)} steps after the signal, "
      f"longest gap between steps {max(gaps):.1f} s (median step {sorted(gaps)[len(gaps)//2]:.2f} s)")
PY
done
