// Runs the motioncue executable and captures its exit code and combined output.
#pragma once

#include <sys/wait.h>
#include <array>
#include <cstdio>
#include <string>

namespace motioncue::testing {

struct CliResult {
  int exit_code;
  std::string output;
};

inline CliResult run_cli(const std::string& args) {
  const std::string cmd = std::string(MOTIONCUE_CLI) + " --quiet " + args + " 2>&1";
  CliResult r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Lines of output that are not empty.
inline int output_lines(const std::string& output) {
  int lines = 0;
  bool any = false;
  for (const char c : output) {
    if (c == '\n') {
      lines += any;
      any = false;
    } else if (c != ' ') {
      any = true;
    }
  }
  return lines + any;
}

}  // namespace motioncue::testing
