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
using motioncue::train::TemporalOptions;
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

enum class Verb { train, refine, temporal };

const char* defaults_of(Verb verb) {
  switch (verb) {
    case Verb::train:
      return motioncue::train::kTrainDefaults;
    case Verb::refine:
      return motioncue::train::kRefineDefaults;
    case Verb::temporal:
      return motioncue::train::kTemporalDefaults;
  }
  return "";
}

std::string check_error(const Config& config, Verb verb) {
  try {
    if (verb == Verb::refine)
      RefineOptions::from_config(config).check();
    else if (verb == Verb::temporal)
      TemporalOptions::from_config(config).check();
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
  const Config temporal(motioncue::train::kTemporalDefaults, "temporal defaults");
  expect_same_settings(BaselineOptions{}.settings(), BaselineOptions::from_config(train).settings(),
                       "train");
  expect_same_settings(RefineOptions{}.settings(), RefineOptions::from_config(refine).settings(),
                       "refine");
  expect_same_settings(TemporalOptions{}.settings(),
                       TemporalOptions::from_config(temporal).settings(), "temporal train");
}

TEST(TrainingOptions, EveryYamlKeyIsReadIntoAMember) {
  const Config train(motioncue::train::kTrainDefaults, "train defaults");
  const Config refine(motioncue::train::kRefineDefaults, "refine defaults");
  const Config temporal(motioncue::train::kTemporalDefaults, "temporal defaults");
  std::set<std::string> train_keys, refine_keys, temporal_keys;
  collect_leaf_keys(train.root(), "", train_keys);
  collect_leaf_keys(refine.root(), "", refine_keys);
  collect_leaf_keys(temporal.root(), "", temporal_keys);
  EXPECT_EQ(keys_of(BaselineOptions{}.settings()), train_keys);
  EXPECT_EQ(keys_of(RefineOptions{}.settings()), refine_keys);
  EXPECT_EQ(keys_of(TemporalOptions{}.settings()), temporal_keys);
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
  EXPECT_EQ(check_error(config, Verb::refine), "(no error)");
}

TEST(TrainingOptions, CheckNamesTheKeyOfAValueOutOfRangeOrAnUnknownName) {
  const std::vector<std::pair<Verb, std::string>> cases = {
      {Verb::train, "train.lr=-1"},
      {Verb::train, "train.lr=.nan"},
      {Verb::train, "train.steps=0"},
      {Verb::train, "train.batch_size=0"},
      {Verb::train, "model.resolution=8"},
      {Verb::train, "model.backbone=vgg"},
      {Verb::train, "train.lr_schedule=step"},
      {Verb::train, "device=tpu"},
      {Verb::refine, "refine.lr=0"},
      {Verb::refine, "refine.w_flow=-0.01"},
      {Verb::refine, "refine.max_root_turn_deg=360"},
      {Verb::refine, "refine.truncate_px=0"},
      {Verb::refine, "refine.adam_beta1=1"},
      {Verb::refine, "refine.flow=sintel-magic"},
      {Verb::refine, "refine.grad_clip=.inf"},
      {Verb::refine, "refine.flow_resolution=-1"},
      {Verb::temporal, "temporal.frames=-1"},
      {Verb::temporal, "temporal.hidden=0"},
      {Verb::temporal, "temporal.lr_context=0"},
      {Verb::temporal, "temporal.lr_network=-1e-5"},
      {Verb::temporal, "temporal.w_flow=-1"},
      {Verb::temporal, "temporal.context_anchor=.nan"},
      {Verb::temporal, "temporal.batch_size=0"},
      {Verb::temporal, "temporal.flow=sintel-magic"},
      {Verb::temporal, "validation.split=3dpw_test.npz"}};
  for (const auto& [verb, setting] : cases) {
    Config config(defaults_of(verb), "defaults");
    config.set(setting);
    const std::string key = setting.substr(0, setting.find('='));
    const std::string error = check_error(config, verb);
    EXPECT_NE(error.find(key), std::string::npos) << setting << ": " << error;
  }
  for (const Verb verb : {Verb::train, Verb::refine, Verb::temporal})
    EXPECT_EQ(check_error(Config(defaults_of(verb), "d"), verb), "(no error)");
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
