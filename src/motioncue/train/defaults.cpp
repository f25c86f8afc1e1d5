#include "motioncue/train/defaults.h"

namespace motioncue::train {

// Every trainer selects models the same way; adjacent string literals join into one.
#define MOTIONCUE_VALIDATION_DEFAULTS                                                           \
  "validation:              # what model selection scores (docs/WORKFLOW.md)\n"                 \
  "  split: val             # sequences under the data root or an absolute folder, or a "       \
  "SPIN-layout .npz\n"                                                                          \
  "  protocol: \"\"           # with an .npz: 3dpw, h36m-p1, h36m-p2 or mpi-inf-3dhp "          \
  "(docs/PROTOCOLS.md)\n"                                                                       \
  "  images: \"\"             # with an .npz: the folder its imgname is relative to (default: " \
  "its folder)\n"                                                                               \
  "  h36m_regressor: \"\"     # with an .npz: J_regressor_h36m.npy (17 x V)\n"                  \
  "  body_male: \"\"          # with a 3DPW .npz that has genders\n"                            \
  "  body_female: \"\"\n"

const char* const kTrainDefaults = R"(
seed: 0
data: ""               # benchmark root (docs/FORMATS.md)
body_model: ""         # empty: the built-in open body model
keypoint_regressor: "" # with body_model: SPIN's J_regressor_extra.npy (9 x V) or 24 x V keypoints
device: auto           # auto, cpu, cuda
)" MOTIONCUE_VALIDATION_DEFAULTS R"(labeled:
  count: 100           # labeled images (a nested subset); -1 = all
  fraction: -1.0       # share of the labeled images in (0, 1]; when set it replaces count
model:
  backbone: compact    # compact, resnet18, resnet34, resnet50; pretrained: movenet-lightning, movenet-thunder
  resolution: 128
  frozen_blocks: 0     # pretrained backbones: the first blocks that keep their weights
  from_scratch: false  # pretrained backbones: the same network with random weights instead
train:
  steps: 2000
  batch_size: 16
  lr: 5.0e-5
  workers: 2
  augment: true
  augment_strength: 1.0  # SPIN's rotation, scale and colour ranges times this (0 = flips only)
  grad_clip: 10.0      # largest global gradient norm (0 = no clipping)
  lr_schedule: constant  # constant, or cosine (decays towards 0 over the run)
  val_every: 250
  log_every: 50
)";

const char* const kRefineDefaults = R"(
seed: 0
data: ""
body_model: ""
keypoint_regressor: ""
device: auto
init: ""               # checkpoint of the network to refine
)" MOTIONCUE_VALIDATION_DEFAULTS R"(labeled:
  count: 100           # the anchor's labeled images (use the baseline's count and seed)
  fraction: -1.0       # share of the labeled images in (0, 1]; when set it replaces count
  seed: -1             # seed of the labeled subset; -1 = the checkpoint's
refine:
  steps: 500
  batch_size: 16       # labeled images per step (the anchor)
  pair_batch: 16       # unlabeled frame pairs per step
  lr: 1.0e-5
  adam_beta1: 0.5
  w_frame: 1.0         # weight of the supervised anchor (0 = no anchor)
  w_flow: 0.01         # motion consistency (0.01 normalised, 0.1 without normalisation)
  w_texture: 0.0       # TexturePose colour consistency
  w_keypoints: 0.0     # 2D keypoints on unlabeled frames (detector keypoints)
  keypoints: annotations  # their source: annotations.npz's keypoints2d_detected, or a model
                          # name whose keypoints `motioncue flow --keypoints` stored
  gap: 1
  flow: dis-medium     # an estimator name, or oracle
  flow_loss: authors   # authors or robust (docs/METHOD.md section 4)
  flow_resolution: 0   # crop size of the flow and the loss; 0 = the network's input size
  truncate_px: 8.0     # robust: per-vertex error cap, pixels at 224
  max_root_turn_deg: 45.0  # robust: pairs whose predicted root orientations differ more are left out
  normalize: true
  threshold: true
  backward: true
  freeze_bn: true
  dropout: false
  color_gains: true
  augment: true        # augmentation of the anchor's labeled images
  grad_clip: 10.0      # largest global gradient norm (0 = no clipping)
  unlabeled_sequences: -1   # use only the first k unlabeled sequences; -1 = all
  unlabeled_split: unlabeled  # under the data root, or an absolute path
  flow_cache: ""       # folder of the flow cache; empty: <data>/.flow_cache
  workers: 2
  val_every: 100
  log_every: 25
)";

const char* const kTemporalDefaults = R"(
seed: 0
data: ""
body_model: ""
keypoint_regressor: ""
device: auto
init: ""               # checkpoint of the image network the context serves
)" MOTIONCUE_VALIDATION_DEFAULTS R"(labeled:
  count: -1            # the anchor's labeled images when lr_network > 0; -1 = all
  fraction: -1.0       # share of the labeled images in (0, 1]; when set it replaces count
temporal:
  frames: 8            # k, the previous frames the context reads (0 = none)
  channels: 16         # the context network's Conv1d channels
  hidden: 128          # and its hidden width
  steps: 500
  batch_size: 4        # clips (k + 2 frames) per step
  labeled_batch_size: 8  # labeled images per step when lr_network > 0
  lr_context: 1.0e-4
  lr_network: 0.0      # the image network's learning rate (0 = frozen)
  w_flow: 0.01         # the forward flow term between the clip's last two frames
  context_anchor: 1.0  # pull of the context's prediction towards the single-frame one
  flow: oracle         # an estimator name, or oracle
  flow_cache: ""       # folder of the flow cache; empty: <data>/.flow_cache
  unlabeled_split: unlabeled  # under the data root, or an absolute path
  grad_clip: 0.0       # largest global gradient norm (0 = no clipping)
  workers: 2
  val_every: 100
  log_every: 20
)";

}  // namespace motioncue::train

#undef MOTIONCUE_VALIDATION_DEFAULTS
