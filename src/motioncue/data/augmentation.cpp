#include "motioncue/data/augmentation.h"

#include <algorithm>
#include <string>

#include "motioncue/core/error.h"
#include "motioncue/data/rng.h"

namespace motioncue::data {

AugmentParams sample_augmentation(const Augmentation& aug, Rng& rng) {
  AugmentParams p;
  if (!aug.enabled) return p;
  p.flip = rng.uniform() < aug.flip_prob;
  const double rot =
      std::clamp(rng.normal() * aug.rot_sigma_deg, -aug.rot_clip_deg, aug.rot_clip_deg);
  p.rotation_deg = rng.uniform() < aug.rot_off_prob ? 0.0 : rot;
  p.scale = std::clamp(1.0 + rng.normal() * aug.scale_sigma, aug.scale_min, aug.scale_max);
  for (auto& g : p.gains) g = static_cast<float>(rng.uniform(aug.gain_min, aug.gain_max));
  return p;
}

Augmentation scaled_augmentation(double strength) {
  if (!(strength >= 0.0 && strength <= 2.0))
    throw Error("augmentation strength out of range")
        .key("augment_strength")
        .expected("[0, 2] (1 = SPIN's ranges)")
        .found(std::to_string(strength));
  Augmentation aug;
  aug.rot_sigma_deg *= strength;
  aug.rot_clip_deg *= strength;
  aug.scale_sigma *= strength;
  aug.scale_min = 1.0 - (1.0 - aug.scale_min) * strength;
  aug.scale_max = 1.0 + (aug.scale_max - 1.0) * strength;
  aug.gain_min = 1.0 - (1.0 - aug.gain_min) * strength;
  aug.gain_max = 1.0 + (aug.gain_max - 1.0) * strength;
  return aug;
}

void validate(const Augmentation& aug) {
  auto prob = [](double v, const char* name) {
    if (!(v >= 0.0 && v <= 1.0))
      throw Error("augmentation probability out of range")
          .key(name)
          .expected("[0, 1]")
          .found(std::to_string(v));
  };
  prob(aug.flip_prob, "flip_prob");
  prob(aug.rot_off_prob, "rot_off_prob");
  if (!(aug.rot_sigma_deg >= 0 && aug.rot_clip_deg >= 0))
    throw Error("rotation sigma and clip must be non-negative").key("rot_sigma_deg");
  if (!(aug.scale_sigma >= 0 && aug.scale_min > 0 && aug.scale_min <= aug.scale_max))
    throw Error("invalid scale augmentation")
        .key("scale_min")
        .expected("sigma >= 0, 0 < min <= max")
        .found(std::to_string(aug.scale_min) + ".." + std::to_string(aug.scale_max));
  if (!(aug.gain_min >= 0 && aug.gain_min <= aug.gain_max))
    throw Error("invalid colour gains")
        .key("gain_min")
        .expected("0 <= min <= max")
        .found(std::to_string(aug.gain_min) + ".." + std::to_string(aug.gain_max));
}

}  // namespace motioncue::data
