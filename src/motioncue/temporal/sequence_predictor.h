// The sequence optimiser as an eval::Predictor: every sequence of a split is first predicted by
// a base predictor, then optimised as a whole (sequence_optimiser.h), and the optimised
// parameters are served by (sequence, frame). Without flows here the flow term is off: the
// smoothness and anchor terms only (see docs/ARCHITECTURE.md, "## temporal").
#pragma once

#include "motioncue/eval/evaluator.h"
#include "motioncue/temporal/sequence_optimiser.h"

namespace motioncue::temporal {

eval::Predictor optimised_predictor(const eval::Predictor& base, const body::BodyModel& body,
                                    const data::VideoDataset& dataset, int resolution,
                                    int batch_size, const SequenceOptimiserOptions& options);

}  // namespace motioncue::temporal
