#include "motioncue/core/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include <fmt/format.h>

namespace motioncue {
namespace {
std::atomic<bool> g_enabled{true};
}

void Progress::set_enabled(bool enabled) { g_enabled = enabled; }

std::string format_duration(double s) {
  if (!(s >= 0) || s > 1e7) return "?";
  const long t = static_cast<long>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, (t % 3600) / 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

Progress::Progress(std::string label, std::int64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_print_(start_),
      tty_(::isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { finish(); }

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

std::string Progress::render() const {
  const double el = elapsed_seconds();
  const double rate = el > 0 ? done_ / el : 0.0;
  std::string line = label_ + " ";
  if (total_ > 0) {
    const double frac = std::min(1.0, static_cast<double>(done_) / total_);
    const int width = 24, filled = static_cast<int>(frac * width);
    line += "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
    line += fmt::format("{}/{} {:3.0f}% ", done_, total_, 100 * frac);
  } else {
    line += fmt::format("{} ", done_);
  }
  line += fmt::format("{:.1f} {}/s ", rate, unit_);
  if (total_ > 0 && done_ < total_ && rate > 0)
    line += "ETA " + format_duration((total_ - done_) / rate);
  else
    line += "in " + format_duration(el);
  if (!status_.empty()) line += " | " + status_;
  return line;
}

void Progress::advance(std::int64_t n) {
  done_ += n;
  maybe_print(false);
}

void Progress::set_status(std::string status) { status_ = std::move(status); }

void Progress::maybe_print(bool force) {
  if (!g_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_print_).count();
  if (tty_) {
    if (!force && since < 0.1) return;
    std::fprintf(stderr, "\r\033[K%s", render().c_str());
    if (force) std::fputc('\n', stderr);
  } else {
    const int decile =
        total_ > 0 ? static_cast<int>(10 * done_ / std::max<std::int64_t>(1, total_)) : -1;
    if (!force && decile == last_decile_ && since < 30) return;
    // finish() right after the line for the last item would print the same count again.
    if (force && done_ == printed_done_) return;
    last_decile_ = decile;
    printed_done_ = done_;
    std::fprintf(stderr, "%s\n", render().c_str());
  }
  std::fflush(stderr);
  last_print_ = now;
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  maybe_print(true);
}

}  // namespace motioncue
