// Logging: spdlog's default logger, to stderr and, for a run, to the run's log file.
#pragma once

#include <filesystem>
#include <string>

namespace motioncue {

// level: trace, debug, info, warn, error, off. Unknown levels are an Error.
void setup_logging(const std::string& level);
// Adds a file sink (all levels at or above the console's) to the default logger.
void add_log_file(const std::filesystem::path& file, bool append = false);

}  // namespace motioncue
