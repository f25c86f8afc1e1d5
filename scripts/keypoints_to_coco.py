#!/usr/bin/env python3
"""Turns a `motioncue keypoints` run into COCO keypoint annotations, so that footage without
ground truth can score another run against a detector (`motioncue infer --boxes coco --coco`).

  scripts/keypoints_to_coco.py RUN/keypoints.json OUT.json [--min-score 0.3]

Each detected person becomes an annotation with the detector's box; a keypoint scoring below
--min-score is marked unlabelled (v = 0), the others visible (v = 2).
"""
import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("keypoints", help="keypoints.json of a motioncue keypoints run")
    parser.add_argument("out", help="COCO annotation file to write")
    parser.add_argument("--min-score", type=float, default=0.3)
    args = parser.parse_args()
    try:
        with open(args.keypoints) as f:
            run = json.load(f)
        images, annotations = [], []
        for frame in run["frames"]:
            images.append({"id": frame["frame"], "file_name": frame["source"],
                           "width": frame["width"], "height": frame["height"]})
            for person in frame["people"]:
                x0, y0, x1, y1 = person["box"]
                keypoints = []
                for x, y, score in person["coco17"]:
                    keypoints += [x, y, 2 if score >= args.min_score else 0]
                annotations.append({"id": len(annotations) + 1, "image_id": frame["frame"],
                                    "category_id": 1, "iscrowd": 0,
                                    "bbox": [x0, y0, x1 - x0, y1 - y0],
                                    "area": (x1 - x0) * (y1 - y0), "keypoints": keypoints,
                                    "num_keypoints": sum(v > 0 for v in keypoints[2::3])})
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.exit(f"keypoints_to_coco: {args.keypoints}: not a keypoints run ({e})")
    with open(args.out, "w") as f:
        json.dump({"images": images, "annotations": annotations,
                   "categories": [{"id": 1, "name": "person"}]}, f)
    print(f"{len(annotations)} people in {len(images)} frames -> {args.out}")


if __name__ == "__main__":
    main()
