// The motion-consistency loss of docs/METHOD.md section 4: the flow implied by two predicted meshes
// ("mesh flow") against the optical flow of the two frames, at the vertices visible in both.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>

namespace motioncue::losses {

// The authors' form (docs/METHOD.md section 4) or the robust form (docs/ARCHITECTURE.md, "losses"):
// the robust form keeps pairs whose two predictions disagree grossly out of the term, caps each
// vertex's error, normalises by the batch's motion instead of each pair's, and measures the
// error in units of the predicted body size, so that shrinking the body cannot buy a lower loss.
enum class FlowLossForm { authors, robust };
// "authors" or "robust"; anything else is an Error naming `key`.
FlowLossForm parse_flow_loss_form(const std::string& name, const std::string& key);
// The name parse_flow_loss_form reads: "authors" or "robust".
const char* flow_loss_form_name(FlowLossForm form);

struct FlowLossOptions {
  FlowLossForm form = FlowLossForm::authors;
  double threshold_px_at_224 = 50.0;  // drop a pair whose largest visible flow reaches this
  bool threshold = true;
  bool normalize = true;  // divide each pair's error by its squared mean visible flow norm
  bool backward = true;   // average the forward (1->2) and backward (2->1) terms
  int resolution = 224;   // crop resolution; the flows must be resolution x resolution
  // Lower bound of the normaliser (pixels^2 at any resolution): a pair whose mean flow is below
  // 0.1 px would otherwise be divided by almost zero. Only matters for near-static pairs.
  double normalizer_floor_px2 = 1e-2;
  // Robust form only. A vertex's error, in pixels divided by the pair's predicted scale s_b (the
  // error of a body of scale 1), is capped at truncate_px_at_224 * R / 224.
  double truncate_px_at_224 = 8.0;
  // A pair whose predicted root orientations differ by more than this (a facing flip between
  // two nearly identical frames) is left out of the term and counted in pairs_disagreeing.
  double max_root_turn_deg = 45.0;
  // Lower bound of the batch normaliser, in pixels at 224 (scaled with R).
  double batch_floor_px_at_224 = 0.25;
};

// What the robust form needs beyond the projected points (both optional; undefined tensors
// disable that part): the pair's predicted camera scales and the angle between its two predicted
// root orientations.
struct PairPredictions {
  at::Tensor scale1, scale2;  // N, the weak-perspective s of each frame, differentiable
  at::Tensor root_turn_deg;   // N, no gradient
};

// Angle in degrees of R1^T R2 per item: root1, root2 N x 3 x 3 -> N (no gradient).
at::Tensor rotation_angle_deg(const at::Tensor& root1, const at::Tensor& root2);

struct FlowLossTerms {
  at::Tensor loss;           // scalar, differentiable: (forward + backward) / 2, or forward
  at::Tensor forward_term;   // scalar, differentiable
  at::Tensor backward_term;  // scalar, differentiable; a constant 0 when options.backward is off
  // Counted per pair and direction: pairs_total = N, or 2 N with the backward term. A pair is
  // kept in a direction when it has a usable vertex and passes the threshold.
  int64_t pairs_kept = 0;
  int64_t pairs_total = 0;
  int64_t pairs_disagreeing = 0;  // robust form: pairs left out for a root turn (per direction)
  double mean_visible_fraction = 0.0;  // mean over pairs of (vertices visible in both) / V
};

// The loss on projected points. p1, p2: N x V x 2 crop pixels of the same vertices in frames 1
// and 2 (each projected with its own frame's camera); both_visible: N x V (bool, or 0/1), the
// vertices visible in both frames; flow_fw = OF(1->2), flow_bw = OF(2->1): N x 2 x R x R pixels.
//
// Per pair b and direction (forward shown): F_B = p2 - p1; OF = flow_fw sampled bilinearly at p1
// (differentiable in p1, zero outside the image); e_b = sum_v m |F_B - OF|^2 / sum_v m. With
// threshold, the pair is dropped if max_v m |OF| >= threshold_px_at_224 * R / 224. With
// normalize, e_b is divided by max((mean_v m |OF|)^2, floor), a constant (no gradient). The term
// is the mean of e_b over the kept pairs. The backward direction swaps the roles (F_B = p1 - p2,
// flow_bw sampled at p2).
//
// The robust form differs in four ways: each vertex's squared error is divided by s_b^2, s_b =
// (scale1 + scale2) / 2 (the error in units of the predicted body size: per-frame pose noise
// enters the mesh flow multiplied by the scale, so an error in pixels could always be lowered by
// shrinking the body), then capped (truncate; capping after the division keeps the form free of
// a scale preference); pairs with root_turn_deg > max_root_turn_deg are dropped; and instead of
// each pair's own normaliser the mean of the kept e_b is divided by max(mean over kept pairs of
// (mean_v m |OF|)^2, (batch_floor_px_at_224 * R / 224)^2), a constant, so near-static pairs do not
// take most of the weight.
//
// Non-finite flow values (an oracle flow marks occluded points NaN) make the vertices whose
// bilinear neighbourhood touches them unusable, as if not visible. With no usable vertex or every
// pair dropped the loss is an exact 0 that is still connected to p1 and p2 (zero gradient, never
// NaN).
FlowLossTerms flow_consistency_loss(const at::Tensor& p1, const at::Tensor& p2,
                                    const at::Tensor& both_visible, const at::Tensor& flow_fw,
                                    const at::Tensor& flow_bw, const FlowLossOptions& options = {},
                                    const PairPredictions& predictions = {});

// The same from the meshes and cameras of the two frames: project_pair at options.resolution
// (each frame's own camera, visibility rasterised at the flow's resolution, mask = visible in
// both), then flow_consistency_loss. verts1, verts2: N x V x 3; cam1, cam2: N x 3 (s, tx, ty);
// faces: F x 3 int64. Use project_pair + flow_consistency_loss directly to share the projection
// with the texture loss.
FlowLossTerms flow_consistency_loss_from_meshes(const at::Tensor& verts1, const at::Tensor& cam1,
                                                const at::Tensor& verts2, const at::Tensor& cam2,
                                                const at::Tensor& faces, const at::Tensor& flow_fw,
                                                const at::Tensor& flow_bw,
                                                const FlowLossOptions& options = {});

}  // namespace motioncue::losses
