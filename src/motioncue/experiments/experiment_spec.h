// An experiment: baselines trained at one or more labeled sizes and seeds, then refinement arms
// (each a set of config overrides), all evaluated on the test split. One YAML file describes it;
// configs/experiments/ holds the ones docs/RESULTS.md reports.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace motioncue::experiments {

struct Arm {
  std::string name;
  YAML::Node overrides;  // merged onto the refine defaults (after `refine_common`)
};

struct ExperimentSpec {
  std::string name;
  std::string origin;          // the spec file, or "built-in experiment 'NAME'": named in errors
  std::filesystem::path data;  // benchmark root
  std::vector<std::uint64_t> seeds;  // one baseline and one run of every arm per seed
  std::vector<std::int64_t> labeled_counts;
  YAML::Node train_common;   // overrides of the train defaults for every baseline
  YAML::Node refine_common;  // overrides of the refine defaults for every arm
  std::vector<Arm> arms;
  std::string eval_split = "test";
};

// Keys: name, data, seeds, labeled_counts, train, refine, arms (a map name -> overrides),
// eval_split. Unknown keys are an Error naming the file.
ExperimentSpec parse_experiment(const std::string& yaml_text, const std::string& origin);
// A YAML file, or the name of a built-in experiment (configs/experiments/<name>.yaml, embedded at
// build time). A path that exists wins over a built-in name.
ExperimentSpec load_experiment(const std::string& name_or_file);

// The text of a built-in experiment; an unknown name is an Error listing the built-in names.
std::string builtin_experiment_text(const std::string& name);
const std::map<std::string, std::string>& builtin_experiment_table();

}  // namespace motioncue::experiments
