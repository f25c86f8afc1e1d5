#!/usr/bin/env bash
# Data-parallel training on this machine (docs/RESULTS.md, "Data-parallel training"): steps per
# second of `refine` as 1 process x 2 threads against `launch --nproc 2` x 1 thread, and the time
# of the gradient all-reduce at the sizes of the compact network (11.5 MB of float32) and of
# ResNet-50 with the HMR regressor (~108 MB). Run it on an idle machine.
#   bench/data_parallel.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
M=${1:-$root/build}/apps/motioncue/motioncue
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$M" --quiet synth --spec tiny --out "$work/bench" >/dev/null
"$M" --quiet train --data "$work/bench" --out "$work/base" --set labeled.count=-1 \
  --set train.steps=20 --set train.workers=0 --set model.resolution=64 >/dev/null
settings=(--init "$work/base/best.ckpt" --data "$work/bench" --set labeled.count=-1
  --set refine.steps=40 --set refine.val_every=1000 --set refine.workers=1
  --set refine.batch_size=16 --set refine.pair_batch=16 --set refine.flow=oracle)
for mode in "1x2" "2x1"; do
  start=$(date +%s.%N)
  if [ "$mode" = 1x2 ]; then
    OMP_NUM_THREADS=2 "$M" --quiet refine --out "$work/r$mode" "${settings[@]}" >/dev/null
  else
    OMP_NUM_THREADS=1 "$M" --quiet launch --nproc 2 --master-port 0 -- refine \
      --out "$work/r$mode" "${settings[@]}" >/dev/null
  fi
  end=$(date +%s.%N)
  echo "refine, 40 steps of 16 + 16 at 64 px, $mode (processes x threads): $(echo "$end - $start" | bc) s"
done
for mb in 11.5 108; do
  "$M" --quiet launch --nproc 2 --master-port 0 -- check-distributed --time-all-reduce "$mb" \
    --repeat 5 | grep "all-reduce of"
done
