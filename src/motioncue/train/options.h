// The typed settings of the training verbs. Each struct is read from a schema-checked Config
// once (`from_config`), checked once (`check`: ranges and named choices, an Error naming the key),
// and then passed around instead of the Config. Its member defaults equal the YAML defaults of
// defaults.h, key by key (tests/train/test_options.cpp holds the two together), and `settings()`
// lists every key with its value as the struct holds it.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "motioncue/losses/flow_consistency.h"
#include "motioncue/model/network.h"
#include "motioncue/temporal/context_model.h"
#include "motioncue/temporal/context_training.h"

namespace motioncue {
class Config;
}

namespace motioncue::train {

// How many labeled images a run uses and which (labeled.*).
struct LabeledSubsetOptions {
  std::int64_t count = 100;  // -1 = all
  double fraction = -1.0;    // a share in (0, 1] that replaces count; -1 = use count
  std::int64_t seed = -1;    // refine only: the subset's seed; -1 = the checkpoint's
  // The key that decides the subset's size, for errors.
  const char* size_key() const { return fraction != -1.0 ? "labeled.fraction" : "labeled.count"; }
};

// What model selection scores (validation.*; docs/WORKFLOW.md).
struct ValidationOptions {
  std::string split = "val";  // a folder of sequences under the data root or absolute, or a .npz
  std::string protocol;       // with an .npz: 3dpw, h36m-p1, h36m-p2 or mpi-inf-3dhp
  std::string images;         // with an .npz: its image folder (default: the archive's folder)
  std::string h36m_regressor;
  std::string body_male, body_female;
};

// What every trainer reads first.
struct RunOptions {
  std::uint64_t seed = 0;
  std::string data;                // the benchmark root
  std::string body_model;          // empty: the built-in open body model
  std::string keypoint_regressor;  // with body_model
  std::string device = "auto";     // auto, cpu or cuda
  ValidationOptions validation;
  LabeledSubsetOptions labeled;
};

// motioncue train: supervised training of a fresh network (kTrainDefaults).
struct BaselineOptions {
  RunOptions run;
  model::NetworkConfig model;  // model.backbone, resolution, frozen_blocks, from_scratch
  int steps = 2000;
  int batch_size = 16;
  double lr = 5.0e-5;
  int workers = 2;
  bool augment = true;
  double augment_strength = 1.0;  // SPIN's ranges times this
  double grad_clip = 10.0;        // 0 = no clipping
  std::string lr_schedule = "constant";
  int val_every = 250;
  int log_every = 50;

  static BaselineOptions from_config(const Config& config);
  void check() const;
  std::vector<std::pair<std::string, std::string>> settings() const;
};

// motioncue refine: motion-cue refinement of a trained network (kRefineDefaults).
struct RefineOptions {
  RunOptions run;
  std::string init;  // the checkpoint to refine
  int steps = 500;
  int batch_size = 16;  // labeled images per step (the anchor)
  int pair_batch = 16;  // unlabeled frame pairs per step
  double lr = 1.0e-5;
  double adam_beta1 = 0.5;
  double w_frame = 1.0;  // the supervised anchor
  double w_flow = 0.01;
  double w_texture = 0.0;
  double w_keypoints = 0.0;
  std::string keypoints = "annotations";  // source of the unlabeled frames' detector keypoints
  int gap = 1;
  std::string flow = "dis-medium";  // an estimator name, torchscript:<file>, or oracle
  // The flow term's form and settings. Its `resolution` is not a setting: the run fills it with
  // flow_resolution, or the network's input size when that is 0.
  losses::FlowLossOptions flow_loss;
  int flow_resolution = 0;
  bool freeze_bn = true;
  bool dropout = false;
  bool color_gains = true;
  bool augment = true;
  double grad_clip = 10.0;
  int unlabeled_sequences = -1;  // the first k sequences; -1 = all
  std::string unlabeled_split = "unlabeled";
  std::string flow_cache;  // empty: <data>/.flow_cache
  int workers = 2;
  int val_every = 100;
  int log_every = 25;

  static RefineOptions from_config(const Config& config);
  void check() const;
  std::vector<std::pair<std::string, std::string>> settings() const;
  // Whether any term needs unlabeled pairs.
  bool uses_pairs() const { return w_flow > 0 || w_texture > 0 || w_keypoints > 0; }
};

// motioncue temporal train: the temporal context on unlabeled video (kTemporalDefaults).
struct TemporalOptions {
  // labeled.*: the anchor's images when the image network trains, by default all of them.
  RunOptions run = [] {
    RunOptions r;
    r.labeled.count = -1;
    return r;
  }();
  std::string init;  // the image network's checkpoint
  temporal::ContextConfig context;
  // The loss's weights. `train_network` and `resolution` are not settings: the run fills them
  // from lr_network and the network's input size.
  temporal::ContextLossOptions loss;
  int steps = 500;
  int batch_size = 4;          // clips per step
  int labeled_batch_size = 8;  // with lr_network > 0
  double lr_context = 1.0e-4;
  double lr_network = 0.0;  // 0: the image network is frozen
  std::string flow = "oracle";
  std::string flow_cache;  // empty: <data>/.flow_cache
  std::string unlabeled_split = "unlabeled";
  double grad_clip = 0.0;
  int workers = 2;
  int val_every = 100;
  int log_every = 20;

  static TemporalOptions from_config(const Config& config);
  void check() const;
  std::vector<std::pair<std::string, std::string>> settings() const;
};

}  // namespace motioncue::train
