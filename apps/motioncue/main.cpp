// motioncue: the command-line tool. Verbs register themselves (verb.h); this file only parses,
// dispatches and turns errors into one clear line and a non-zero exit.
#include <torch/version.h>

#include <spdlog/spdlog.h>
#include <opencv2/core/version.hpp>

#include <algorithm>
#include <iostream>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/core/log.h"
#include "motioncue/core/progress.h"
#include "motioncue/core/threads.h"
#include "verb.h"
#include "version.h"

namespace {

std::string version_text() {
  return std::string("motioncue ") + MOTIONCUE_VERSION + " (LibTorch " + TORCH_VERSION +
         ", OpenCV " + CV_VERSION + ")";
}

}  // namespace

int main(int argc, char** argv) {
  motioncue::configure_threads();
  CLI::App app{
      "motioncue: 3D human pose and shape from single images, refined with motion cues "
      "from unlabeled video."};
  app.set_version_flag("--version", version_text());
  app.require_subcommand(1);
  std::string log_level = "info";
  bool quiet = false;
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off");
  app.add_flag("--quiet", quiet, "no progress bars");

  auto verbs = motioncue::cli::registered_verbs();
  std::sort(verbs.begin(), verbs.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& verb : verbs) verb.setup(*app.add_subcommand(verb.name, verb.help));

  // CLI11 reports an unknown verb as "A subcommand is required"; name it and list the verbs.
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--log-level") {
      ++i;
      continue;
    }
    if (!arg.empty() && arg[0] == '-') continue;
    const bool known =
        std::any_of(verbs.begin(), verbs.end(), [&](const auto& verb) { return verb.name == arg; });
    if (!known) {
      std::string names;
      for (const auto& verb : verbs) names += (names.empty() ? "" : ", ") + verb.name;
      std::cerr << "motioncue: error: unknown verb '" << arg << "' (the verbs: " << names
                << "; motioncue --help describes them)\n";
      return 2;
    }
    break;
  }

  try {
    app.parse_complete_callback([&] {
      motioncue::setup_logging(log_level);
      motioncue::Progress::set_enabled(!quiet);
    });
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const motioncue::Error& e) {
    std::cerr << "motioncue: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "motioncue: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
