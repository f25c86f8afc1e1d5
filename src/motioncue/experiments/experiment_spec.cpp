#include "motioncue/experiments/experiment_spec.h"

#include <set>

#include "motioncue/core/embedded_texts.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::experiments {

ExperimentSpec parse_experiment(const std::string& text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw Error("malformed YAML: " + e.msg).file(origin);
  }
  if (!root.IsMap()) throw Error("an experiment must be a YAML map").file(origin);
  static const std::set<std::string> known = {"name",  "data",   "seeds", "labeled_counts",
                                              "train", "refine", "arms",  "eval_split"};
  for (const auto& kv : root) {
    const auto k = kv.first.as<std::string>();
    if (!known.count(k))
      throw Error("unknown experiment key")
          .file(origin)
          .key(k)
          .expected("name, data, seeds, labeled_counts, train, refine, arms, eval_split");
  }
  ExperimentSpec s;
  s.origin = origin;
  try {
    s.name = root["name"] ? root["name"].as<std::string>() : "experiment";
    if (root["data"]) s.data = root["data"].as<std::string>();
    s.seeds = root["seeds"] ? root["seeds"].as<std::vector<std::uint64_t>>()
                            : std::vector<std::uint64_t>{0};
    s.labeled_counts = root["labeled_counts"]
                           ? root["labeled_counts"].as<std::vector<std::int64_t>>()
                           : std::vector<std::int64_t>{100};
    if (root["eval_split"]) s.eval_split = root["eval_split"].as<std::string>();
  } catch (const YAML::Exception& e) {
    throw Error("wrong value type: " + e.msg).file(origin);
  }
  s.train_common = root["train"] ? YAML::Clone(root["train"]) : YAML::Node(YAML::NodeType::Map);
  s.refine_common = root["refine"] ? YAML::Clone(root["refine"]) : YAML::Node(YAML::NodeType::Map);
  if (root["arms"]) {
    if (!root["arms"].IsMap())
      throw Error("arms must be a map of name -> overrides").file(origin).key("arms");
    for (const auto& kv : root["arms"]) {
      Arm a;
      a.name = kv.first.as<std::string>();
      if (a.name == "baseline")
        throw Error("'baseline' is reserved").file(origin).key("arms.baseline");
      a.overrides = kv.second.IsNull() ? YAML::Node(YAML::NodeType::Map) : YAML::Clone(kv.second);
      s.arms.push_back(std::move(a));
    }
  }
  if (s.seeds.empty()) throw Error("at least one seed is needed").file(origin).key("seeds");
  if (s.labeled_counts.empty())
    throw Error("at least one labeled count is needed").file(origin).key("labeled_counts");
  // A repeated entry would be one run counted twice in every mean and spread.
  if (std::set<std::uint64_t>(s.seeds.begin(), s.seeds.end()).size() != s.seeds.size())
    throw Error("a seed is listed twice").file(origin).key("seeds");
  if (std::set<std::int64_t>(s.labeled_counts.begin(), s.labeled_counts.end()).size() !=
      s.labeled_counts.size())
    throw Error("a labeled count is listed twice").file(origin).key("labeled_counts");
  for (const auto count : s.labeled_counts)
    if (count < 1 && count != -1)
      throw Error("labeled count out of range")
          .file(origin)
          .key("labeled_counts")
          .expected("counts >= 1, or -1 for all")
          .found(std::to_string(count));
  return s;
}

std::string builtin_experiment_text(const std::string& name) {
  return embedded_text(builtin_experiment_table(), name, "--spec");
}

ExperimentSpec load_experiment(const std::string& name_or_file) {
  const std::filesystem::path path(name_or_file);
  if (std::filesystem::exists(path)) return parse_experiment(read_file_text(path), path.string());
  return parse_experiment(builtin_experiment_text(name_or_file),
                          "built-in experiment '" + name_or_file + "'");
}

}  // namespace motioncue::experiments
