#!/usr/bin/env bash
# The longer check of the C++ TFJS graph runner against TensorFlow.js itself, on real pictures:
#   scripts/tfjs_reference/live_check.sh [IMAGE...]
# For each model (movenet-lightning, movenet-thunder, movenet-multipose at --size 256,
# blazepose-full, blazepose-detector) and each image, `motioncue tfjs --image` writes the model's
# outputs and the exact input tensor it used; run.mjs then runs tfjs 4.22 (pure-JS cpu backend) on
# that same input for the same nodes, and compare.mjs checks them (float: max|a-b| / max|ref| <=
# rtol; int32/bool exact; BlazePose's 256x256 segmentation, Identity_1, within 1e-3: its decoder
# runs ~30 full-resolution layers after the trunk, and float32 summation-order noise grows smoothly
# along it to a few 1e-4 of the largest value, no one op jumping). Ends with a table: model, image, worst relative error, wall seconds of
# the JS and the C++ run (each includes loading the model).
# Default images: every .jpg in shared/real/coco and shared/real/posetrack18_000001/000000.jpg,
# beside the repository (skipped with a message when absent). Environment:
#   MOTIONCUE_BIN             the binary (default: build/apps/motioncue/motioncue)
#   MOTIONCUE_CACHE           cache folder of scripts/fetch_models (default: $HOME/.cache/motioncue)
#   MOTIONCUE_RTOL            float tolerance (default 1e-4)
#   MOTIONCUE_REQUIRE_MODELS  1: fail instead of skipping when node, the models or the images are missing
# Exit status: 0 all match (or skipped), 1 a mismatch or a failed run, 2 usage/setup error.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${MOTIONCUE_BIN:-$root/build/apps/motioncue/motioncue}
models=${MOTIONCUE_CACHE:-${HOME:?}/.cache/motioncue}/tfjs/human-models-3.0.4
rtol=${MOTIONCUE_RTOL:-1e-4}

skip() {
  if [ "${MOTIONCUE_REQUIRE_MODELS:-0}" = 1 ]; then
    echo "live_check: error: $1" >&2
    exit 1
  fi
  echo "live_check: skipped: $1" >&2
  exit 0
}

command -v node >/dev/null && command -v npm >/dev/null ||
  skip "node and npm are needed (Node.js 20: e.g. 'apt-get install nodejs npm', or https://nodejs.org)"
[ -f "$models/.complete" ] || skip "no models in $models (run scripts/fetch_models)"
if [ ! -d "$here/node_modules/@tensorflow/tfjs" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || skip "npm ci failed in $here (offline?)"
fi
[ -x "$bin" ] || { echo "live_check: error: no binary $bin (build it, or set MOTIONCUE_BIN)" >&2; exit 2; }
"$bin" tfjs --help >/dev/null 2>&1 || { echo "live_check: error: $bin has no 'tfjs' verb" >&2; exit 2; }

images=("$@")
if [ ${#images[@]} = 0 ]; then
  real=$root/../shared/real
  shopt -s nullglob
  images=("$real"/coco/*.jpg)
  [ -f "$real/posetrack18_000001/000000.jpg" ] && images+=("$real/posetrack18_000001/000000.jpg")
  shopt -u nullglob
  [ ${#images[@]} -gt 0 ] || skip "no images in $real (give some as arguments)"
fi
for img in "${images[@]}"; do
  [ -f "$img" ] || { echo "live_check: error: no image $img" >&2; exit 2; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
now() { echo "${EPOCHREALTIME/,/.}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

failed=0 n=0
rows=()
for model in movenet-lightning movenet-thunder movenet-multipose blazepose-full blazepose-detector; do
  size=()
  [ "$model" = movenet-multipose ] && size=(--size 256)
  for img in "${images[@]}"; do
    n=$((n + 1))
    d=$tmp/$n
    name=$(basename "$(dirname "$img")")/$(basename "$img")
    mkdir -p "$d"
    t0=$(now)
    if ! "$bin" tfjs "$models/$model.json" --image "$img" "${size[@]}" --out "$d/cpp" >"$d/cpp.log" 2>&1 ||
      [ ! -f "$d/cpp/index.json" ] || [ ! -f "$d/cpp/input.npy" ]; then
      echo "live_check: $model $name: the C++ run failed (or wrote no index.json and input.npy):" >&2
      tail -5 "$d/cpp.log" >&2
      rows+=("$model $name C++-failed - -")
      failed=1
      continue
    fi
    t1=$(now)
    mapfile -t nodes < <(node -e 'for (const k of Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1])).nodes)) console.log(k)' "$d/cpp/index.json")
    if ! node "$here/run.mjs" "$models/$model.json" "$d/cpp/input.npy" "$d/js" "${nodes[@]}" >"$d/js.log" 2>&1; then
      echo "live_check: $model $name: the tfjs run failed:" >&2
      grep -v -e '^=*$' -e 'Hi, looks like' "$d/js.log" | tail -5 >&2
      rows+=("$model $name JS-failed - $(secs "$t0" "$t1")")
      failed=1
      continue
    fi
    t2=$(now)
    node_rtol=()
    [ "$model" = blazepose-full ] && node_rtol=(--node-rtol Identity_1=1e-3)
    node "$here/compare.mjs" "$d/js" "$d/cpp" --rtol "$rtol" "${node_rtol[@]}" >"$d/compare.txt" 2>&1
    rc=$?
    worst=$(sed -n 's/^worst \([^;]*\);.*/\1/p' "$d/compare.txt")
    if [ $rc != 0 ]; then
      failed=1
      echo "live_check: $model $name: MISMATCH" >&2
      sed 's/^/  /' "$d/compare.txt" >&2
      worst="${worst:-?}(FAIL)"
    fi
    echo "live_check: $model $name: ${#nodes[@]} node(s), worst ${worst}" >&2
    rows+=("$model $name $worst $(secs "$t1" "$t2") $(secs "$t0" "$t1")")
  done
done

echo
{
  echo "model image worst_rel_err js_s cpp_s"
  printf '%s\n' "${rows[@]}"
} | column -t
echo "rtol $rtol; $([ $failed = 0 ] && echo "all match" || echo "MISMATCH or failed run")"
exit $failed
