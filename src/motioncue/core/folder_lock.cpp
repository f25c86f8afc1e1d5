#include "motioncue/core/folder_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "motioncue/core/error.h"

namespace motioncue {

FolderLock::FolderLock(const std::filesystem::path& dir) {
  fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd_ < 0)
    throw Error(std::string("cannot open the output folder: ") + std::strerror(errno))
        .file(dir.string());
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    fd_ = -1;
    if (error == EWOULDBLOCK)
      throw Error(
          "another motioncue process is writing to this folder; wait for it or choose "
          "another output folder")
          .file(dir.string());
    throw Error(std::string("cannot lock the output folder: ") + std::strerror(error))
        .file(dir.string());
  }
}

FolderLock::~FolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the flock
}

}  // namespace motioncue
