#!/usr/bin/env python3
"""Frame-to-frame jitter of the 2D keypoints an `infer` run projected, per track: the mean over
frames and keypoints of |p(t+1) - 2 p(t) + p(t-1)| (pixels/frame^2), and the same divided by the
person's crop side (so people of different sizes compare). Only triples of consecutive frames of
one track count. With no ground truth this shows smoothness, not accuracy.

  scripts/keypoint_jitter.py INFER_OUT [INFER_OUT ...]
"""
import json
import math
import os
import sys


def tracks_of(run):
    frames_dir = os.path.join(run, "frames")
    if not os.path.isdir(frames_dir):
        sys.exit(f"{run}: no frames/ folder (not an infer output)")
    tracks = {}
    for name in sorted(os.listdir(frames_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(frames_dir, name)) as f:
            frame = json.load(f)
        for person in frame["people"]:
            tracks.setdefault(person["track_id"], {})[frame["frame"]] = person
    return tracks


def points(person):
    """keypoints_2d as (x, y) pairs: stored flat (24 x 2 numbers) in the per-frame JSON."""
    flat = person["keypoints_2d"]
    return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]


def jitter(track):
    total = total_rel = 0.0
    count = 0
    for t in sorted(track):
        if t - 1 not in track or t + 1 not in track:
            continue
        a, b, c = (points(track[s]) for s in (t - 1, t, t + 1))
        side = track[t]["crop_side"]
        for p0, p1, p2 in zip(a, b, c):
            d = math.hypot(p2[0] - 2 * p1[0] + p0[0], p2[1] - 2 * p1[1] + p0[1])
            total += d
            total_rel += d / side
            count += 1
    if count == 0:
        return None
    return total / count, total_rel / count, count // len(points(next(iter(track.values()))))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print("run,track,frames,triples,jitter_px,jitter_per_crop_side")
    for run in sys.argv[1:]:
        for tid, track in sorted(tracks_of(run).items()):
            j = jitter(track)
            if j is None:
                continue
            print(f"{run},{tid},{len(track)},{j[2]},{j[0]:.2f},{j[1]:.4f}")


if __name__ == "__main__":
    main()
