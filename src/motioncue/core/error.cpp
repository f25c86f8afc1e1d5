#include "motioncue/core/error.h"

namespace motioncue {

Error::Error(std::string problem) : std::runtime_error(problem), problem_(std::move(problem)) {
  rebuild();
}

Error& Error::file(std::string path) {
  file_ = std::move(path);
  rebuild();
  return *this;
}

Error& Error::key(std::string name) {
  key_ = std::move(name);
  rebuild();
  return *this;
}

Error& Error::expected(std::string what) {
  expected_ = std::move(what);
  rebuild();
  return *this;
}

Error& Error::found(std::string what) {
  found_ = std::move(what);
  rebuild();
  return *this;
}

void Error::rebuild() {
  std::string m;
  if (!file_.empty()) m += file_ + ": ";
  if (!key_.empty()) m += key_ + ": ";
  m += problem_;
  if (!expected_.empty() || !found_.empty()) {
    m += " (";
    if (!expected_.empty()) m += "expected " + expected_;
    if (!expected_.empty() && !found_.empty()) m += ", ";
    if (!found_.empty()) m += "found " + found_;
    m += ")";
  }
  message_ = std::move(m);
}

}  // namespace motioncue
