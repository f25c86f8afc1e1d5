// The one error type of motioncue: a problem plus the context a user needs to fix it (which
// file, which key, what was expected and what was found). The CLI turns it into one line.
#pragma once

#include <stdexcept>
#include <string>

namespace motioncue {

class Error : public std::runtime_error {
 public:
  explicit Error(std::string problem);

  // Builders, used as: throw Error("unsupported dtype").file(path).found(descr);
  Error& file(std::string path);
  Error& key(std::string name);
  Error& expected(std::string what);
  Error& found(std::string what);

  const std::string& problem() const { return problem_; }
  const std::string& file_path() const { return file_; }
  const std::string& key_name() const { return key_; }

  // "<file>: <key>: <problem> (expected X, found Y)", leaving out the parts that are empty.
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  void rebuild();

  std::string problem_, file_, key_, expected_, found_;
  std::string message_;
};

}  // namespace motioncue
