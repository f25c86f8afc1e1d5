// An exclusive claim on an output folder for as long as a process writes it: a second motioncue
// process that tries to write the same folder gets a clear Error instead of interleaving its
// files with the first one's. The claim is an advisory flock(2) on the folder itself, so it leaves
// no file behind and ends when the process does, however it ends (kill -9 included).
#pragma once

#include <filesystem>

namespace motioncue {

class FolderLock {
 public:
  // Takes the claim on the existing folder `dir`, or throws an Error naming it when another
  // process (or another FolderLock in this process) holds it.
  explicit FolderLock(const std::filesystem::path& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace motioncue
