// The text of the motioncue::Error that a callable throws, for tests of error messages.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "motioncue/core/error.h"

namespace motioncue::testing {

// The message of the Error thrown by f; fails the test when none is thrown.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no motioncue::Error thrown";
  return {};
}

// The message of the Error thrown by f, or "no error" (for tests that expect success too).
template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace motioncue::testing
