#pragma once

#include <filesystem>

namespace motioncue::train {
struct TrainSummary;
void write_summary(const std::filesystem::path& file, const TrainSummary& summary);
}  // namespace motioncue::train
