#include "motioncue/synth/spec.h"

#include <yaml-cpp/yaml.h>

#include <fmt/format.h>

#include <map>
#include <set>

#include "motioncue/core/embedded_texts.h"
#include "motioncue/core/error.h"
#include "motioncue/core/files.h"

namespace motioncue::synth {

const std::map<std::string, std::string>& builtin_spec_table();  // builtin_specs.cpp (generated)

namespace {

// A YAML map read strictly: every key must be consumed, and a consumed key must exist.
class Section {
 public:
  Section(YAML::Node node, std::string path, const std::string& origin)
      : node_(std::move(node)), path_(std::move(path)), origin_(origin) {
    if (!node_.IsMap())
      throw Error("expected a map of keys").file(origin_).key(path_.empty() ? "(top)" : path_);
  }
  std::string full(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

  YAML::Node get(const std::string& key) {
    used_.insert(key);
    YAML::Node n = node_[key];
    if (!n || n.IsNull()) throw Error("missing field").file(origin_).key(full(key));
    return n;
  }
  bool has(const std::string& key) const { return static_cast<bool>(node_[key]); }

  template <typename T>
  T value(const std::string& key, const char* kind) {
    YAML::Node n = get(key);
    try {
      if (!n.IsScalar()) throw YAML::Exception(YAML::Mark::null_mark(), "not a scalar");
      return n.as<T>();
    } catch (const YAML::Exception&) {
      throw Error("wrong type").file(origin_).key(full(key)).expected(kind).found(dump(n));
    }
  }
  double number(const std::string& key, double lo, double hi) {
    const double v = value<double>(key, "a number");
    if (!(v >= lo && v <= hi))
      throw Error("value out of range")
          .file(origin_)
          .key(full(key))
          .expected(fmt::format("a number in [{}, {}]", lo, hi))
          .found(fmt::format("{}", v));
    return v;
  }
  int integer(const std::string& key, int lo, int hi) {
    const long long v = value<long long>(key, "an integer");
    if (v < lo || v > hi)
      throw Error(v < 0 ? "negative size or count" : "value out of range")
          .file(origin_)
          .key(full(key))
          .expected(fmt::format("an integer in [{}, {}]", lo, hi))
          .found(std::to_string(v));
    return static_cast<int>(v);
  }
  bool boolean(const std::string& key) { return value<bool>(key, "true or false"); }
  Range range(const std::string& key, double lo, double hi) {
    YAML::Node n = get(key);
    if (!n.IsSequence() || n.size() != 2)
      throw Error("wrong type").file(origin_).key(full(key)).expected("[low, high]").found(dump(n));
    Range r;
    try {
      r = {n[0].as<double>(), n[1].as<double>()};
    } catch (const YAML::Exception&) {
      throw Error("wrong type")
          .file(origin_)
          .key(full(key))
          .expected("[low, high] numbers")
          .found(dump(n));
    }
    if (!(r.lo >= lo && r.hi <= hi && r.lo <= r.hi))
      throw Error("range out of bounds")
          .file(origin_)
          .key(full(key))
          .expected(fmt::format("low <= high within [{}, {}]", lo, hi))
          .found(dump(n));
    return r;
  }
  Section section(const std::string& key) { return Section(get(key), full(key), origin_); }

  // Every key present must have been read.
  void finish() const {
    for (const auto& kv : node_) {
      const std::string key = kv.first.as<std::string>();
      if (!used_.count(key)) throw Error("unknown key").file(origin_).key(full(key));
    }
  }

  static std::string dump(const YAML::Node& n) {
    YAML::Emitter e;
    e << YAML::Flow << n;
    return e.c_str();
  }

 private:
  YAML::Node node_;
  std::string path_;
  const std::string& origin_;
  std::set<std::string> used_;
};

SplitSpec parse_split(Section& top, const std::string& name, const std::string& origin) {
  Section s = top.section(name);
  SplitSpec split;
  split.name = name;
  const bool video = name != "labeled";
  split.items = s.integer(video ? "sequences" : "images", video ? 0 : 1, 1000000);
  split.subjects = s.integer("subjects", 1, 1000000);
  if (video) {
    split.frames = s.integer("frames", 2, 100000);
    split.flow = s.boolean("flow");
  } else {
    split.random_pose_fraction = s.number("random_pose_fraction", 0.0, 1.0);
  }
  if (s.has("families")) {
    YAML::Node f = s.get("families");
    if (!f.IsSequence() || f.size() == 0)
      throw Error("wrong type")
          .file(origin)
          .key(s.full("families"))
          .expected("a list of motion families");
    for (const auto& item : f) {
      try {
        split.families.push_back(parse_motion_family(item.as<std::string>()));
      } catch (Error& e) {
        throw e.file(origin).key(s.full("families"));
      }
    }
  } else {
    split.families = all_motion_families();
  }
  s.finish();
  return split;
}

}  // namespace

SynthSpec parse_spec(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(std::string("malformed YAML: ") + e.what()).file(origin);
  }
  if (!root || root.IsNull()) throw Error("empty spec").file(origin);
  Section top(root, "", origin);
  SynthSpec spec;
  spec.source_text = yaml_text;
  spec.name = top.value<std::string>("name", "a string");
  spec.seed = top.value<std::uint64_t>("seed", "a non-negative integer");
  spec.width = top.integer("width", 32, 4096);
  spec.height = top.integer("height", 32, 4096);
  spec.fps = top.number("fps", 1, 1000);
  spec.style_noise = top.number("style_noise", 0, 0.5);
  spec.beta_clip = top.number("beta_clip", 0, 5);
  {
    Section c = top.section("camera");
    spec.focal = c.range("focal", 0.2, 10);
    spec.person_height = c.range("person_height", 0.1, 1.5);
    spec.elevation_deg = c.range("elevation_deg", -60, 60);
    spec.roll_deg = c.range("roll_deg", -45, 45);
    spec.offset = c.range("offset", -0.4, 0.4);
    spec.camera_motion = c.number("motion_probability", 0, 1);
    c.finish();
  }
  {
    Section l = top.section("lighting");
    spec.ambient = l.range("ambient", 0, 2);
    spec.diffuse = l.range("diffuse", 0, 2);
    l.finish();
  }
  spec.occluder_probability = top.number("occluder_probability", 0, 1);
  {
    Section b = top.section("box");
    spec.box_padding = b.number("padding", 1.0, 3.0);
    spec.box_center_jitter = b.number("center_jitter", 0, 0.5);
    spec.box_scale_jitter = b.number("scale_jitter", 0, 0.5);
    b.finish();
  }
  spec.supersample = top.integer("supersample", 1, 4);
  spec.png_compression = top.integer("png_compression", 0, 9);
  spec.crop_resolution = top.integer("crop_resolution", 16, 1024);
  spec.labeled = parse_split(top, "labeled", origin);
  spec.unlabeled = parse_split(top, "unlabeled", origin);
  spec.val = parse_split(top, "val", origin);
  spec.test = parse_split(top, "test", origin);
  top.finish();
  return spec;
}

std::vector<std::string> builtin_spec_names() {
  std::vector<std::string> names;
  for (const auto& kv : builtin_spec_table()) names.push_back(kv.first);
  return names;
}

std::string builtin_spec_text(const std::string& name) {
  return embedded_text(builtin_spec_table(), name, "--spec");
}

SynthSpec load_spec(const std::string& name_or_file) {
  const std::filesystem::path path(name_or_file);
  // A folder cannot be a spec file: `--spec tiny` beside a folder named tiny means the built-in.
  if (std::filesystem::exists(path) && !std::filesystem::is_directory(path))
    return parse_spec(read_file_text(path), path.string());
  return parse_spec(builtin_spec_text(name_or_file), "built-in spec '" + name_or_file + "'");
}

}  // namespace motioncue::synth
