#include <gtest/gtest.h>

#include <string>

#include "../support/temp_dir.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"
#include "motioncue/core/json_file.h"

namespace {

std::string message_of_parse(const std::string& text) {
  try {
    motioncue::parse_json(text, "boxes.json");
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

// A box file nested 100,000 levels used to overflow the stack (a segfault); it is refused before
// parsing, naming the file.
TEST(JsonFile, DeepNestingIsAnErrorNamingTheFileNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const auto msg = message_of_parse(deep);
  EXPECT_NE(msg.find("boxes.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("nested too deeply"), std::string::npos) << msg;
  EXPECT_NE(message_of_parse(std::string(65, '{')).find("nested too deeply"), std::string::npos);
}

TEST(JsonFile, BracketsInsideStringsDoNotCountAndNormalFilesParse) {
  const std::string brackets = "{\"name\": \"" + std::string(200, '[') + "\\\"]\", \"v\": [[1]]}";
  const auto j = motioncue::parse_json(brackets, "x.json");
  EXPECT_EQ(j["v"][0][0], 1);
  EXPECT_EQ(j["name"].get<std::string>().size(), 202u);
  std::string at_limit;
  for (int i = 0; i < motioncue::kMaxJsonDepth; ++i) at_limit += "[";
  for (int i = 0; i < motioncue::kMaxJsonDepth; ++i) at_limit += "]";
  EXPECT_EQ(message_of_parse(at_limit), "no error");
}

TEST(JsonFile, MalformedOrMissingFilesNameTheFile) {
  EXPECT_NE(message_of_parse("{\"a\": ").find("boxes.json"), std::string::npos);
  motioncue::testing::TempDir dir;
  try {
    motioncue::read_json_file(dir / "missing.json");
    FAIL() << "no error";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.json"), std::string::npos) << e.what();
  }
}

TEST(JsonFile, FieldOfTheWrongTypeIsAnErrorNamingFileAndKey) {
  const auto j = nlohmann::json::parse(R"({"n": 3, "s": "x", "b": true, "o": {}, "neg": -1})");
  EXPECT_EQ(motioncue::json_field_or(j, "n", 0, "f.json"), 3);
  EXPECT_EQ(motioncue::json_field_or(j, "absent", 5, "f.json"), 5);
  EXPECT_EQ(motioncue::json_field_or(j, "s", std::string(), "f.json"), "x");
  EXPECT_TRUE(motioncue::json_field_or(j, "b", false, "f.json"));
  EXPECT_DOUBLE_EQ(motioncue::json_field_or(j, "n", 0.5, "f.json"), 3.0);
  EXPECT_TRUE(motioncue::json_field_or(j, "o", nlohmann::json(), "f.json").is_object());
  const auto message = [&](auto call) -> std::string {
    try {
      call();
    } catch (const motioncue::Error& e) {
      return e.what();
    }
    return "no error";
  };
  for (const auto& msg :
       {message([&] { motioncue::json_field_or(j, "s", 0, "f.json"); }),
        message([&] { motioncue::json_field_or(j, "n", std::string(), "f.json"); }),
        message([&] { motioncue::json_field_or(j, "n", false, "f.json"); }),
        message([&] { motioncue::json_field_or(j, "s", 0.0, "f.json"); }),
        message([&] { motioncue::json_field_or(j, "neg", std::uint64_t{0}, "f.json"); }),
        message([&] { motioncue::json_field_or(j, "n", nlohmann::json::object(), "f.json"); })}) {
    EXPECT_NE(msg.find("f.json"), std::string::npos) << msg;
    EXPECT_NE(msg.find("wrong JSON type"), std::string::npos) << msg;
  }
  EXPECT_NE(message([&] {
              motioncue::json_field_or(nlohmann::json(3), "n", 0, "g.json");
            }).find("g.json"),
            std::string::npos);
}
