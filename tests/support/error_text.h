// The text of the motioncue::Error that a callable throws, for tests of error messages.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>

#include "motioncue/core/error.h"

namespace motioncue::testing {

// The message of the Error thrown by f, or nothing when f returns normally.
template <class F>
std::optional<std::string> thrown_message(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

// The message of the Error thrown by f; fails the test when none is thrown.
template <class F>
std::string error_of(F&& f) {
  auto message = thrown_message(std::forward<F>(f));
  if (!message) ADD_FAILURE() << "no motioncue::Error thrown";
  return message.value_or("");
}

// The message of the Error thrown by f, or "no error" (for tests that expect success too).
template <class F>
std::string message_of(F&& f) {
  return thrown_message(std::forward<F>(f)).value_or("no error");
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace motioncue::testing
