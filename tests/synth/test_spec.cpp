#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/synth/spec.h"

using namespace motioncue::synth;

namespace {
std::string error_of(const std::string& text) {
  try {
    parse_spec(text, "bad.yaml");
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "";
}
std::string tiny() { return builtin_spec_text("tiny"); }
}  // namespace

TEST(Spec, BuiltinSpecsParse) {
  for (const auto& name : {"tiny", "cpu"}) {
    const SynthSpec s = load_spec(name);
    EXPECT_EQ(s.name, name);
    EXPECT_GT(s.labeled.items, 0);
    EXPECT_GE(s.unlabeled.families.size(), 8u);
  }
  const SynthSpec cpu = load_spec("cpu");
  EXPECT_GE(cpu.labeled.items, 1000);
  EXPECT_GE(cpu.unlabeled.items, 20);
}

TEST(Spec, UnknownKeyIsNamed) {
  const std::string e = error_of(tiny() + "\ncolour: red\n");
  EXPECT_NE(e.find("bad.yaml"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("colour"), std::string::npos) << e;
  const std::string nested =
      error_of(std::regex_replace(tiny(), std::regex("  roll_deg:"), "  rol_deg:"));
  EXPECT_NE(nested.find("camera.roll_deg"), std::string::npos) << nested;  // the missing one
}

TEST(Spec, NegativeSizeIsRejected) {
  const std::string e = error_of(std::regex_replace(
      tiny(), std::regex("sequences: 2\n  frames: 6\n  subjects: 2\n  flow: true\nval"),
      "sequences: -3\n  frames: 6\n  subjects: 2\n  flow: true\nval"));
  EXPECT_NE(e.find("unlabeled.sequences"), std::string::npos) << e;
  EXPECT_NE(e.find("negative"), std::string::npos) << e;
}

TEST(Spec, MissingFieldIsNamed) {
  const std::string e = error_of(std::regex_replace(tiny(), std::regex("\nwidth: [0-9]+"), ""));
  EXPECT_NE(e.find("missing field"), std::string::npos) << e;
  EXPECT_NE(e.find("width"), std::string::npos) << e;
}

TEST(Spec, WrongTypeAndBadFamilyAreNamed) {
  const std::string e = error_of(std::regex_replace(tiny(), std::regex("fps: 30"), "fps: fast"));
  EXPECT_NE(e.find("fps"), std::string::npos) << e;
  EXPECT_NE(e.find("wrong type"), std::string::npos) << e;
  const std::string f = error_of(std::regex_replace(
      tiny(), std::regex("  flow: false\n"), "  flow: false\n  families: [walk, moonwalk]\n"));
  EXPECT_NE(f.find("val.families"), std::string::npos) << f;
  EXPECT_NE(f.find("moonwalk"), std::string::npos) << f;
}

TEST(Spec, UnknownNameListsTheBuiltins) {
  try {
    load_spec("no_such_spec");
    FAIL();
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("tiny"), std::string::npos);
  }
}

TEST(Spec, AFolderNamedLikeABuiltinDoesNotHideIt) {
  namespace fs = std::filesystem;
  const auto previous = fs::current_path();
  const auto dir = fs::temp_directory_path() / ("motioncue_spec_" + std::to_string(::getpid()));
  fs::create_directories(dir / "tiny");
  fs::current_path(dir);
  std::string error;
  SynthSpec spec;
  try {
    spec = load_spec("tiny");
  } catch (const motioncue::Error& e) {
    error = e.what();
  }
  fs::current_path(previous);
  fs::remove_all(dir);
  EXPECT_EQ(error, "");
  EXPECT_EQ(spec.name, load_spec("tiny").name);
}
