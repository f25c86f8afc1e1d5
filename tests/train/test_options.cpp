// The typed settings of the training verbs: the struct defaults are the YAML defaults users see,
// every YAML key has a member, a Config is read into the right members, and check() names the key
// of a value out of range or an unknown name.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "motioncue/core/config.h"
#include "motioncue/core/error.h"
#include "motioncue/train/defaults.h"
#include "motioncue/train/options.h"

namespace {

using motioncue::Config;
using motioncue::train::BaselineOptions;
using motioncue::train::RefineOptions;
using Settings = std::vector<std::pair<std::string, std::string>>;

void collect_leaf_keys(const YAML::Node& node, const std::string& prefix,
                       std::set<std::string>& out) {
  if (!node.IsMap()) {
    out.insert(prefix);
    return;
  }
  for (const auto& item : node)
    collect_leaf_keys(item.second,
                      (prefix.empty() ? "" : prefix + ".") + item.first.as<std::string>(), out);
}

std::set<std::string> keys_of(const Settings& settings) {
  std::set<std::string> keys;
  for (const auto& [key, value] : settings) keys.insert(key);
  return keys;
}

void expect_same_settings(const Settings& members, const Settings& yaml, const char* what) {
  ASSERT_EQ(members.size(), yaml.size()) << what;
  for (std::size_t i = 0; i < members.size(); ++i) {
    EXPECT_EQ(members[i].first, yaml[i].first) << what;
    EXPECT_EQ(members[i].second, yaml[i].second)
        << what << ": the member default of " << members[i].first
        << " differs from its YAML default";
  }
}

std::string check_error(const Config& config, bool refine) {
  try {
    if (refine)
      RefineOptions::from_config(config).check();
    else
      BaselineOptions::from_config(config).check();
  } catch (const motioncue::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TrainingOptions, MemberDefaultsAreTheYamlDefaults) {
  const Config train(motioncue::train::kTrainDefaults, "train defaults");
  const Config refine(motioncue::train::kRefineDefaults, "refine defaults");
  expect_same_settings(BaselineOptions{}.settings(), BaselineOptions::from_config(train).settings(),
                       "train");
  expect_same_settings(RefineOptions{}.settings(), RefineOptions::from_config(refine).settings(),
                       "refine");
}

TEST(TrainingOptions, EveryYamlKeyIsReadIntoAMember) {
  const Config train(motioncue::train::kTrainDefaults, "train defaults");
  const Config refine(motioncue::train::kRefineDefaults, "refine defaults");
  std::set<std::string> train_keys, refine_keys;
  collect_leaf_keys(train.root(), "", train_keys);
  collect_leaf_keys(refine.root(), "", refine_keys);
  EXPECT_EQ(keys_of(BaselineOptions{}.settings()), train_keys);
  EXPECT_EQ(keys_of(RefineOptions{}.settings()), refine_keys);
}

TEST(TrainingOptions, AConfigIsReadIntoItsMembers) {
  Config config(motioncue::train::kRefineDefaults, "refine defaults");
  config.set("refine.flow_loss=robust");
  config.set("refine.truncate_px=4");
  config.set("refine.max_root_turn_deg=30");
  config.set("refine.backward=false");
  config.set("labeled.seed=7");
  config.set("validation.protocol=3dpw");
  config.set("refine.w_flow=0");
  const RefineOptions o = RefineOptions::from_config(config);
  EXPECT_EQ(o.flow_loss.form, motioncue::losses::FlowLossForm::robust);
  EXPECT_EQ(o.flow_loss.truncate_px_at_224, 4.0);
  EXPECT_EQ(o.flow_loss.max_root_turn_deg, 30.0);
  EXPECT_FALSE(o.flow_loss.backward);
  EXPECT_EQ(o.run.labeled.seed, 7);
  EXPECT_EQ(o.run.validation.protocol, "3dpw");
  EXPECT_FALSE(o.uses_pairs());
  EXPECT_EQ(check_error(config, true), "(no error)");
}

TEST(TrainingOptions, CheckNamesTheKeyOfAValueOutOfRangeOrAnUnknownName) {
  const std::vector<std::pair<bool, std::string>> cases = {{false, "train.lr=-1"},
                                                           {false, "train.lr=.nan"},
                                                           {false, "train.steps=0"},
                                                           {false, "train.batch_size=0"},
                                                           {false, "model.resolution=8"},
                                                           {false, "model.backbone=vgg"},
                                                           {false, "train.lr_schedule=step"},
                                                           {false, "device=tpu"},
                                                           {true, "refine.lr=0"},
                                                           {true, "refine.w_flow=-0.01"},
                                                           {true, "refine.max_root_turn_deg=360"},
                                                           {true, "refine.truncate_px=0"},
                                                           {true, "refine.adam_beta1=1"},
                                                           {true, "refine.flow=sintel-magic"},
                                                           {true, "refine.grad_clip=.inf"},
                                                           {true, "refine.flow_resolution=-1"}};
  for (const auto& [refine, setting] : cases) {
    Config config(refine ? motioncue::train::kRefineDefaults : motioncue::train::kTrainDefaults,
                  "defaults");
    config.set(setting);
    const std::string key = setting.substr(0, setting.find('='));
    const std::string error = check_error(config, refine);
    EXPECT_NE(error.find(key), std::string::npos) << setting << ": " << error;
  }
  EXPECT_EQ(check_error(Config(motioncue::train::kTrainDefaults, "d"), false), "(no error)");
  EXPECT_EQ(check_error(Config(motioncue::train::kRefineDefaults, "d"), true), "(no error)");
}

TEST(TrainingOptions, AnUnknownFlowLossFormIsAnErrorWhileReading) {
  Config config(motioncue::train::kRefineDefaults, "refine defaults");
  config.set("refine.flow_loss=huber");
  try {
    RefineOptions::from_config(config);
    FAIL() << "refine.flow_loss=huber was read";
  } catch (const motioncue::Error& e) {
    EXPECT_NE(std::string(e.what()).find("refine.flow_loss"), std::string::npos) << e.what();
  }
}
