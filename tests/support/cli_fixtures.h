// What the CLI tests share, made once per test process with the CLI itself: the tiny benchmark, a
// baseline trained on it, and the settings that make a training verb run in seconds.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "run_cli.h"
#include "temp_dir.h"

namespace motioncue::testing {

// The built-in `tiny` benchmark, made once per test process with the CLI itself.
inline const std::filesystem::path& tiny_benchmark() {
  static const auto dir = std::make_unique<motioncue::testing::TempDir>();
  static const std::filesystem::path bench = [] {
    const auto path = *dir / "bench";
    const auto r = run_cli("synth --spec tiny --out " + path.string());
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return path;
  }();
  return bench;
}

// Settings that make a training verb run in seconds on the tiny benchmark.
inline std::string quick(const std::string& verb) {
  std::string s = " --set labeled.count=-1 --set device=cpu";
  for (const char* kv : {"steps=3", "val_every=2", "log_every=2", "workers=0", "batch_size=2"})
    s += " --set " + verb + "." + kv;
  if (verb == "train") s += " --set model.resolution=32";
  if (verb == "refine") s += " --set refine.flow=oracle --set refine.pair_batch=2";
  return s;
}

// A baseline checkpoint trained once per test process.
inline const std::filesystem::path& trained_checkpoint() {
  static const auto dir = std::make_unique<motioncue::testing::TempDir>();
  static const std::filesystem::path ckpt = [] {
    const auto run = *dir / "base";
    const auto r = run_cli("train --data " + tiny_benchmark().string() + " --out " + run.string() +
                           quick("train"));
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return run / "best.ckpt";
  }();
  return ckpt;
}

}  // namespace motioncue::testing
