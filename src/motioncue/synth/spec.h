// A benchmark specification (configs/synth/*.yaml): image size, camera, lighting, boxes, and the
// sizes of the four splits. Parsing is strict: an unknown key, a missing field, a value of the
// wrong type or out of range is an Error naming the file and the key.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "motioncue/synth/motion.h"

namespace motioncue::synth {

struct Range {
  double lo = 0, hi = 0;
};

struct SplitSpec {
  std::string name;                    // labeled, unlabeled, val, test
  int items = 0;                       // images (labeled) or sequences (videos)
  int frames = 1;                      // frames per sequence (1 for labeled)
  int subjects = 1;                    // distinct subjects in the split (items cycle over them)
  bool flow = false;                   // write exact ground-truth flow for adjacent pairs
  double random_pose_fraction = 0.0;   // labeled: share of poses from the static sampler
  std::vector<MotionFamily> families;  // motions used (all by default)
  bool is_video() const { return name != "labeled"; }
};

struct SynthSpec {
  std::string name;
  std::uint64_t seed = 0;
  int width = 0, height = 0;
  double fps = 30;
  double style_noise = 0.05;
  double beta_clip = 2.0;
  // camera
  Range focal;          // fx = fy = focal * width
  Range person_height;  // fraction of the frame height a 1.7 m tall person spans
  Range elevation_deg;  // camera above (positive) the pelvis, looking at it
  Range roll_deg;
  Range offset;  // person's centre shifted from the frame centre, fraction of the frame
  double camera_motion = 0.0;  // probability that a video's camera follows the person
  // lighting
  Range ambient, diffuse;
  // occluders
  double occluder_probability = 0.0;
  // boxes
  double box_padding = 1.2;
  double box_center_jitter = 0.0;  // std, fraction of the box side
  double box_scale_jitter = 0.0;   // std of log scale
  // rendering and output
  int supersample = 2;
  int png_compression = 3;
  int crop_resolution = 224;  // for the flow statistics
  SplitSpec labeled, unlabeled, val, test;

  std::vector<const SplitSpec*> splits() const { return {&labeled, &unlabeled, &val, &test}; }
  std::string source_text;  // the YAML the spec was parsed from
};

SynthSpec parse_spec(const std::string& yaml_text, const std::string& origin);
// NAME (a built-in spec: tiny, cpu) or FILE (a YAML file). A file path wins when it exists.
SynthSpec load_spec(const std::string& name_or_file);
std::vector<std::string> builtin_spec_names();
// The text of a built-in spec (embedded in the binary from configs/synth/); throws if unknown.
std::string builtin_spec_text(const std::string& name);

}  // namespace motioncue::synth
