#!/usr/bin/env bash
# Makes the TFJS reference fixtures in tests/fixtures/vision/ (or in OUT_DIR):
#   scripts/tfjs_reference/make_fixtures.sh [OUT_DIR]
# It runs each model on the synthetic image of make_input.mjs (a flat-coloured standing person made
# of capsules on a smooth gradient; the exact integer formula is written down there, and C++
# regenerates the image instead of storing it) and saves the chosen nodes below, one
# <OUT_DIR>/<model>/<node>.npy each, plus <model>/index.json:
#   movenet-lightning  1x192x192x3 int32 0..255    NODES
#   movenet-thunder    1x256x256x3 int32 0..255    NODES
#   movenet-multipose  1x256x256x3 int32 0..255    MULTIPOSE
#   blazepose-full     1x256x256x3 float32 v/255   BLAZEPOSE
#   blazepose-detector 1x224x224x3 float32 v/255   DETECTOR
# Needs the models (scripts/fetch_models) and node; installs @tensorflow/tfjs from package-lock.json
# when node_modules is missing.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/tests/fixtures/vision}
models=${MOTIONCUE_CACHE:-${HOME:?}/.cache/motioncue}/tfjs/human-models-3.0.4

spc=StatefulPartitionedCall
fe=$spc/center_net_mobile_net_v2fpn_feature_extractor/model_1
NODES=(
  "$fe/model/block_3_project_BN/FusedBatchNormV3"  # backbone, after Conv1 (stride 2) and 4 depthwise
  "$fe/model/block_6_depthwise/depthwise"          # mid backbone: depthwise 3x3 stride 2, Relu6
  "$fe/conv2d/BiasAdd"                             # end of the backbone (1x1 conv, BiasAdd only)
  "$fe/up_sampling2d/resize/ResizeBilinear"        # FPN: ResizeBilinear, half_pixel_centers
  "$fe/re_lu_2/Relu"                               # FPN output feeding the four heads
  "$spc/kpt_heatmap_0/conv2d_5/BiasAdd"            # keypoint heatmap logits (before Sigmoid)
  "$spc/center_0/conv2d_4/BiasAdd"                 # person centre logits (before Sigmoid)
  "$spc/ArgMax"                                    # postprocess: centre argmax (int32)
  "$spc/stack_3"                                   # postprocess: per-keypoint (batch, y, x) (int32)
  Identity                                         # the output, 1x1x17x3 (y, x, score)
)
MULTIPOSE=(
  "$fe/model/block_13_project_BN/FusedBatchNormV3" # backbone after the last stride-2 block, 1x8x8x240
  "$fe/conv2d/BiasAdd"                             # end of the backbone (1x1 conv), 1x8x8x64
  "$fe/re_lu/Relu"                                 # first FPN level, 1x16x16x32
  "$spc/MaxPool"                                   # 5x5 stride-1 SAME max pool of the centre scores
  "$spc/TopKV2"                                    # the 6 best centre scores (sorted) ...
  "$spc/TopKV2:1"                                  # ... and their flat indices (int32)
  "$spc/Select"                                    # per person keypoint scores, 0 outside its box
  Identity                                         # the output, 1x6x56 (17 x (y, x, score), box, score)
)
bp=StatefulPartitionedCall/model
BLAZEPOSE=(
  "$bp/add_8/add"                                  # encoder, residual add, 1x8x8x144
  "$bp/max_pooling2d/MaxPool"                      # 2x2 stride-2 VALID max pool, 1x4x4x288
  "$bp/up_sampling2d/resize/ResizeBilinear"        # decoder upsampling, half_pixel_centers, 1x16x16x48
  "$bp/re_lu_63/Relu6"                             # regression trunk feeding the 3 dense heads, 1x2x2x288
  Identity                                         # heatmap, 1x64x64x39 (Sigmoid)
  Identity_2                                       # ld_3d, 1x195 (39 landmarks x 5)
  Identity_3                                       # poseflag, 1x1 (Sigmoid)
  Identity_4                                       # world_3d, 1x117 (39 x 3)
)                                                  # (Identity_1, the 1x256x256x1 segmentation, is left out for size)
DETECTOR=(
  "$bp/regressor_person_32_NO_PRUNING/Conv2D"      # a plain Conv2D (no bias, no activation), 1x7x7x72
  "$bp/d2sp_person_16/d2sp_person_16"              # DepthToSpace, block 2, 1x28x28x48
  "$bp/zero_padding2d_6/Pad"                       # its zero Pad, 1x30x30x48
  Identity                                         # the output, 1x2254x13 (per anchor: score logit, 12 box/keypoint regressors)
)

[ -f "$models/.complete" ] || { echo "make_fixtures: no models in $models; run scripts/fetch_models" >&2; exit 1; }
[ -d "$here/node_modules/@tensorflow/tfjs" ] || (cd "$here" && npm ci --no-audit --no-fund)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$out"
# run MODEL SIZE int|float NODES-ARRAY: the input is input_S.npy (int32 0..255) or input_S_float.npy
# (float32 v/255); its name is recorded in index.json.
run() {
  local model=$1 size=$2 kind=$3
  local -n nodes=$4
  local input=input_$size.npy flag=()
  [ "$kind" = float ] && input=input_${size}_float.npy flag=(--float)
  [ -f "$tmp/$input" ] || node "$here/make_input.mjs" "$size" "$tmp/$input" "${flag[@]}"
  rm -rf "${out:?}/$model"
  node "$here/run.mjs" "$models/$model.json" "$tmp/$input" "$out/$model" "${nodes[@]}"
}
run movenet-lightning 192 int NODES
run movenet-thunder 256 int NODES
run movenet-multipose 256 int MULTIPOSE
run blazepose-full 256 float BLAZEPOSE
run blazepose-detector 224 float DETECTOR
du -sh "$out"
