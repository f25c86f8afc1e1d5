#include "verb.h"

#include "motioncue/core/config.h"

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

}  // namespace motioncue::cli
