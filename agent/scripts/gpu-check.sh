#!/usr/bin/env bash
# GPU check for the seller agent, for a machine with an NVIDIA GPU and Node 20+ (takes < 2 min).
# Builds nothing: run `npm run build` (or copy agent/dist and contracts/dist) beforehand.
# Writes detect.json, gpu-job.json, nvidia-smi.txt and summary.txt to $OUT (default ./gpu-check-out).
# Usage (from the repository root): OUT=/tmp/out bash agent/scripts/gpu-check.sh
set -u
OUT="${OUT:-./gpu-check-out}"
mkdir -p "$OUT"
cd "$(dirname "$0")/../.." || exit 1

status=0
{
  echo "date: $(date -u +%FT%TZ)"
  echo "node: $(node --version)"
  echo "bwrap: $(command -v bwrap || echo missing)"
} >"$OUT/summary.txt"

timeout 30 nvidia-smi --query-gpu=index,name,memory.total,driver_version,utilization.gpu --format=csv,noheader,nounits >"$OUT/nvidia-smi.txt" 2>&1 || status=1

# 1. Detection: the GPUs must appear in the hardware spec.
if timeout 60 node agent/dist/cli.js detect --json >"$OUT/detect.json" 2>"$OUT/detect.stderr"; then
  gpus=$(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));console.log(s.gpus.length)' "$OUT/detect.json")
  echo "detect: ok, $gpus GPU(s)" >>"$OUT/summary.txt"
  [ "$gpus" -ge 1 ] || status=1
else
  echo "detect: FAILED (see detect.stderr)" >>"$OUT/summary.txt"
  status=1
fi

# 2. A sandboxed GPU job through the runner: it must see its GPU and CUDA_VISIBLE_DEVICES.
if timeout 90 node agent/scripts/gpu-job.mjs 0 >"$OUT/gpu-job.json" 2>"$OUT/gpu-job.stderr"; then
  ok=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).ok)' "$OUT/gpu-job.json")
  echo "gpu job: ok=$ok" >>"$OUT/summary.txt"
  [ "$ok" = "true" ] || status=1
else
  echo "gpu job: FAILED (see gpu-job.stderr)" >>"$OUT/summary.txt"
  status=1
fi

echo "result: $([ $status -eq 0 ] && echo PASS || echo FAIL)" >>"$OUT/summary.txt"
cat "$OUT/summary.txt"
exit $status
