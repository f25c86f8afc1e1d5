// motioncue launch: N processes of one motioncue command on this machine, each with the
// environment torchrun gives (RANK, LOCAL_RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), so a
// data-parallel run starts the same way here as under torchrun across machines.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "motioncue/core/error.h"
#include "verb.h"

extern char** environ;

namespace {

namespace mc = motioncue;

struct LaunchOptions {
  int nproc = 2;
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  std::string rendezvous;
  std::vector<std::string> global_flags;  // --quiet and --log-level as given to launch
  std::vector<std::string> command;
};

// The tool's own flags given before `launch` hold for the processes it starts.
std::vector<std::string> global_flags(const CLI::App& root) {
  std::vector<std::string> flags;
  if (root.count("--quiet") > 0) flags.emplace_back("--quiet");
  if (root.count("--log-level") > 0) {
    flags.emplace_back("--log-level");
    flags.push_back(root.get_option("--log-level")->as<std::string>());
  }
  return flags;
}

// A port no one listens on now (the kernel's pick for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw mc::Error("cannot open a socket to find a free port").key("--master-port");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  close(fd);
  if (!ok) throw mc::Error("cannot find a free port").key("--master-port");
  return ntohs(addr.sin_port);
}

bool is_launch_variable(const std::string& entry) {
  for (const char* name : {"RANK=", "LOCAL_RANK=", "WORLD_SIZE=", "MASTER_ADDR=", "MASTER_PORT=",
                           "MOTIONCUE_RENDEZVOUS="})
    if (entry.rfind(name, 0) == 0) return true;
  return false;
}

std::string describe(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

void launch(const LaunchOptions& o) {
  if (o.nproc < 1 || o.nproc > 1024)
    throw mc::Error("process count out of range")
        .key("--nproc")
        .expected("1..1024")
        .found(std::to_string(o.nproc));
  if (o.command.empty()) throw mc::Error("no command to launch: give it after --").key("--");
  if (o.command.front() == "launch") throw mc::Error("launch cannot launch itself").key("--");
  if (o.master_port < 0 || o.master_port > 65535)
    throw mc::Error("port out of range").key("--master-port").found(std::to_string(o.master_port));
  if (!o.rendezvous.empty() && o.rendezvous.rfind("file:", 0) != 0)
    throw mc::Error("unknown rendezvous")
        .key("--rendezvous")
        .expected("file:PATH")
        .found(o.rendezvous);
  const int port = o.master_port == 0 ? free_port() : o.master_port;

  // Everything the children need is built before the first fork: between fork and exec a child
  // only calls execve.
  std::vector<std::string> args{"motioncue"};
  args.insert(args.end(), o.global_flags.begin(), o.global_flags.end());
  args.insert(args.end(), o.command.begin(), o.command.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::vector<std::string>> envs(o.nproc);
  std::vector<std::vector<char*>> envps(o.nproc);
  for (int r = 0; r < o.nproc; ++r) {
    for (char** e = environ; *e; ++e)
      if (!is_launch_variable(*e)) envs[r].emplace_back(*e);
    envs[r].push_back("RANK=" + std::to_string(r));
    envs[r].push_back("LOCAL_RANK=" + std::to_string(r));
    envs[r].push_back("WORLD_SIZE=" + std::to_string(o.nproc));
    envs[r].push_back("MASTER_ADDR=" + o.master_addr);
    envs[r].push_back("MASTER_PORT=" + std::to_string(port));
    if (!o.rendezvous.empty()) envs[r].push_back("MOTIONCUE_RENDEZVOUS=" + o.rendezvous);
    for (auto& e : envs[r]) envps[r].push_back(e.data());
    envps[r].push_back(nullptr);
  }

  std::vector<pid_t> pids(o.nproc, -1);
  for (int r = 0; r < o.nproc; ++r) {
    const pid_t pid = fork();
    if (pid < 0) {
      for (int q = 0; q < r; ++q) kill(pids[q], SIGTERM);
      throw mc::Error(std::string("cannot start a process: ") + std::strerror(errno));
    }
    if (pid == 0) {
      execve("/proc/self/exe", argv.data(), envps[r].data());
      _exit(127);
    }
    pids[r] = pid;
  }

  // The first rank to fail stops the others: a data-parallel run cannot go on without it. Every
  // rank that failed on its own is named (waitpid's order need not be the order they failed in:
  // a rank whose peer crashed fails a moment later, and either may be reaped first).
  std::vector<std::pair<int, int>> failures;  // rank, status
  bool stopping = false;
  int running = o.nproc;
  while (running > 0) {
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) break;
    int r = 0;
    while (r < o.nproc && pids[r] != pid) ++r;
    if (r == o.nproc) continue;
    pids[r] = -1;
    --running;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) continue;
    if (stopping && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) continue;
    failures.emplace_back(r, status);
    if (!stopping) {
      stopping = true;
      for (pid_t p : pids)
        if (p > 0) kill(p, SIGTERM);
    }
  }
  if (!failures.empty()) {
    std::sort(failures.begin(), failures.end());
    std::string what;
    for (const auto& [r, status] : failures)
      what += (what.empty() ? "" : ", ") + std::string("rank ") + std::to_string(r) + " of " +
              std::to_string(o.nproc) + " " + describe(status);
    throw mc::Error(what + "; the other ranks were stopped").key(o.command.front());
  }
}

mc::cli::VerbRegistration register_launch(
    "launch", "Run a motioncue command as N data-parallel processes on this machine",
    [](CLI::App& app) {
      auto o = std::make_shared<LaunchOptions>();
      app.add_option("--nproc", o->nproc, "processes (ranks) to start");
      app.add_option("--master-addr", o->master_addr, "address of rank 0's rendezvous store");
      app.add_option("--master-port", o->master_port,
                     "port of rank 0's rendezvous store (0: a free one)");
      app.add_option("--rendezvous", o->rendezvous,
                     "file:PATH: meet through a file on a shared file system instead of TCP");
      app.add_option("command", o->command, "the motioncue command, after --")->required();
      app.callback([o, &app] {
        o->global_flags = global_flags(*app.get_parent());
        launch(*o);
      });
    });

}  // namespace
