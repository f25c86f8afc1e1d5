// A progress bar for long loops: count, rate and ETA. On a terminal it redraws one line; when
// stderr is not a terminal (logs, CI) it prints a plain line every 10 % or every 30 seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace motioncue {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, std::string unit = "it");
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::int64_t n = 1);
  // Free text shown after the counters, e.g. "loss 0.123".
  void set_status(std::string status);
  void finish();

  double elapsed_seconds() const;
  // The line as it would be printed now (used by the tests and by the plain mode).
  std::string render() const;

  static void set_enabled(bool enabled);  // globally off for quiet runs and tests

 private:
  void maybe_print(bool force);

  std::string label_, unit_, status_;
  std::int64_t total_, done_ = 0;
  std::chrono::steady_clock::time_point start_, last_print_;
  int last_decile_ = -1;
  std::int64_t printed_done_ = -1;  // done_ at the last line printed (non-tty)
  bool tty_, finished_ = false;
};

std::string format_duration(double seconds);  // "1h02m", "3m05s", "12s"

}  // namespace motioncue
