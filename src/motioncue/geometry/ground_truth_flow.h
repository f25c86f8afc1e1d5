// Exact optical flow between two posed meshes of one topology (same faces, moved vertices): the
// one ground-truth flow of motioncue (the synthetic benchmark's flow files are made with it).
#pragma once

#include <opencv2/core.hpp>

#include <cstdint>

namespace motioncue::geometry {

struct GroundTruthFlow {
  cv::Mat flow;          // CV_32FC2: frame-2 position minus frame-1 position; 0 where not covered
  cv::Mat covered;       // CV_8UC1: 255 where the mesh covers the pixel in frame 1
  cv::Mat visible_in_2;  // CV_8UC1: 255 where that surface point is also visible in frame 2
};

// For each pixel of frame 1 covered by the mesh, the surface point seen at the pixel centre
// (barycentric weights of the winning face) is carried to frame 2 with the same weights; the
// flow is its frame-2 projection minus its frame-1 projection. With perspective_correct the
// screen points come from a pinhole camera (depth = z_cam) and the weights are 3D ones, so the
// frame-2 projection is exact: u2 = sum(b z2 u2) / sum(b z2).
// Occlusion rule: the point is visible in frame 2 when it projects inside the image, in front of
// the camera, and no face near it (the winners of the 3 x 3 pixels around it in frame 2 and the
// faces touching those, which catches silhouette slivers that win no pixel centre) contains it
// and lies nearer than its depth minus depth_tolerance there (negative: 1 % of the frame-2
// mesh's depth range). Depths are compared at the point itself, not at a pixel centre, so a
// steep face does not hide points it does not cover, and a point that lands on a pixel whose
// centre the mesh misses (at the silhouette) is still visible. Faces indices are checked by the
// rasteriser.
GroundTruthFlow ground_truth_flow(const float* screen1, const float* screen2, int64_t num_vertices,
                                  const int64_t* faces, int64_t num_faces, int height, int width,
                                  bool perspective_correct, double depth_tolerance = -1.0);

}  // namespace motioncue::geometry
