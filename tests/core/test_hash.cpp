#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "motioncue/core/hash.h"

// FNV-1a's published 64-bit test vectors: a checksum that claims to be FNV-1a must be it.
TEST(Hash, Fnv1aMatchesItsTestVectors) {
  EXPECT_EQ(motioncue::fnv1a64(std::string()), 0xcbf29ce484222325ULL);
  EXPECT_EQ(motioncue::fnv1a64(std::string("a")), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(motioncue::fnv1a64(std::string("foobar")), 0x85944171f73967e8ULL);
  const std::vector<std::uint8_t> bytes = {'f', 'o', 'o', 'b', 'a', 'r'};
  EXPECT_EQ(motioncue::fnv1a64_hex(bytes), "85944171f73967e8");
  EXPECT_NE(motioncue::legacy_checkpoint_checksum_hex(bytes), motioncue::fnv1a64_hex(bytes));
}
