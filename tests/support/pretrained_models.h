// Tests that need the pretrained TFJS models (scripts/fetch_models puts them in the user cache):
// they skip where the models are absent, except under MOTIONCUE_REQUIRE_MODELS=1 (CI), where
// absence fails them, so CI cannot go green by skipping.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/vision/model_store.h"

namespace motioncue::testing {

inline bool pretrained_models_required() {
  const char* v = std::getenv("MOTIONCUE_REQUIRE_MODELS");
  return v && std::string(v) == "1";
}

}  // namespace motioncue::testing

// Declares `var`, the model.json of `name`, or skips / fails the test.
#define MOTIONCUE_PRETRAINED_MODEL(var, name)                                 \
  std::filesystem::path var;                                                  \
  try {                                                                       \
    var = motioncue::vision::tfjs_model_file(name);                           \
  } catch (const motioncue::Error& e) {                                       \
    if (motioncue::testing::pretrained_models_required()) FAIL() << e.what(); \
    GTEST_SKIP() << e.what();                                                 \
  }
