#include "motioncue/core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "motioncue/core/error.h"

namespace motioncue {

void setup_logging(const std::string& level) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw Error("unknown log level")
        .key("--log-level")
        .expected("trace, debug, info, warn, error or off")
        .found(level);
  auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("motioncue", console);
  logger->set_pattern("[%H:%M:%S] %^%l%$ %v");
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

std::shared_ptr<void> add_log_file(const std::filesystem::path& file, bool append) {
  auto sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(file.string(), !append);
  sink->set_pattern("[%Y-%m-%d %H:%M:%S.%e] %l %v");
  auto logger = spdlog::default_logger();
  logger->sinks().push_back(sink);
  logger->flush_on(spdlog::level::info);
  const std::weak_ptr<spdlog::logger> weak_logger = logger;
  return std::shared_ptr<void>(sink.get(), [sink, weak_logger](void*) {
    const auto l = weak_logger.lock();
    if (!l) return;
    auto& sinks = l->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), sink), sinks.end());
  });
}

}  // namespace motioncue
