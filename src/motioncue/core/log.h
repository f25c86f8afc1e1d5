// Logging: spdlog's default logger, to stderr and, for a run, to the run's log file.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace motioncue {

// level: trace, debug, info, warn, error, off. Unknown levels are an Error.
void setup_logging(const std::string& level);
// Adds a file sink (all levels at or above the console's) to the default logger. The sink is
// removed again when the last copy of the returned handle goes, so that one run's log file does
// not collect the lines of the runs after it in the same process.
std::shared_ptr<void> add_log_file(const std::filesystem::path& file, bool append = false);

}  // namespace motioncue
