// What a training run validates on (the `validation` keys): the benchmark's split of sequences
// with ground truth, or a SPIN-layout test archive scored under a published protocol, for users
// whose own labeled data has no videos (docs/WORKFLOW.md).
#pragma once

#include <c10/core/Device.h>

#include <filesystem>
#include <functional>

#include "motioncue/eval/evaluator.h"

namespace motioncue::body {
class BodyModel;
}
namespace motioncue::data {
class VideoDataset;
}

namespace motioncue::train {

class Trainable;
struct ValidationPoint;
struct ValidationOptions;
// Scores what is trained as it is (the caller sets inference mode).
using Validation = std::function<ValidationPoint(const Trainable&)>;

// A split of sequences with ground truth: the metrics and the facing diagnostics.
ValidationPoint validate_on_sequences(const eval::Predictor& predictor, const body::BodyModel& body,
                                      const data::VideoDataset& val, int resolution);

// options.split: a folder of sequences (relative to `data_root`, or absolute) or an archive
// (.npz) with options.protocol, options.h36m_regressor and, for 3DPW with genders,
// options.body_male and options.body_female; options.images is the archive's image folder.
// Opens and checks everything now, so a bad setting fails before training starts. Sequences score
// Trainable::predictor(); an archive of still images scores Trainable::network() alone.
Validation open_validation(const ValidationOptions& options, const std::filesystem::path& data_root,
                           const body::BodyModel& body, int resolution, const c10::Device& device);

}  // namespace motioncue::train
