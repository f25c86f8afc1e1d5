#include "verb.h"

#include <filesystem>

#include "motioncue/core/config.h"
#include "motioncue/core/run_dir.h"

namespace motioncue::cli {
namespace {
std::vector<Verb>& verbs() {
  static std::vector<Verb> v;
  return v;
}
}  // namespace

VerbRegistration::VerbRegistration(std::string name, std::string help,
                                   std::function<void(CLI::App&)> setup) {
  verbs().push_back({std::move(name), std::move(help), std::move(setup)});
}

const std::vector<Verb>& registered_verbs() { return verbs(); }

void add_config_options(CLI::App& app, ConfigOptions& options) {
  app.add_option("--config", options.config_file, "YAML config file (keys as in the defaults)");
  app.add_option("--set", options.overrides, "override a config key: key=value (repeatable)")
      ->take_all();
}

Config resolve_config(const std::string& defaults_yaml, const std::string& verb,
                      const ConfigOptions& options) {
  Config config(defaults_yaml, "defaults of '" + verb + "'");
  if (!options.config_file.empty()) config.merge_file(options.config_file);
  for (const auto& o : options.overrides) config.set(o);
  return config;
}

void run_in_new_folder(const std::string& out, const Config& config,
                       const std::function<void(const RunDir&)>& work) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const bool existed = fs::exists(out, ec);
  const bool fresh = !existed || (fs::is_directory(out, ec) && fs::is_empty(out, ec));
  try {
    const RunDir run(out);
    run.record(config);
    work(run);
  } catch (...) {
    // The RunDir (and its log file) is gone by now. A folder that held something stays
    // untouched; an empty one given by the user is emptied again, not removed.
    if (fresh && !fs::exists(fs::path(out) / "last.ckpt", ec) &&
        !fs::exists(fs::path(out) / "best.ckpt", ec)) {
      if (!existed) {
        fs::remove_all(out, ec);
      } else {
        for (const auto& entry : fs::directory_iterator(out, ec)) fs::remove_all(entry.path(), ec);
      }
    }
    throw;
  }
}

}  // namespace motioncue::cli
