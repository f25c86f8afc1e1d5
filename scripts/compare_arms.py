#!/usr/bin/env python3
"""Per-sequence comparison of two arms of a `motioncue experiment` run folder.

  scripts/compare_arms.py RUN LABELED ARM_A ARM_B [METRIC]

For every seed folder RUN/labeled_LABELED/seed_*/ that has both arms' test.json, prints per test
sequence METRIC (default pa_mpjpe_mm) of ARM_A and ARM_B and the relative change B vs A, then the
mean change over sequences per seed, and how many sequence-seed pairs B improves. Standard
library only.
"""
import glob
import json
import os
import sys


def main():
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    run, labeled, arm_a, arm_b = sys.argv[1:5]
    metric = sys.argv[5] if len(sys.argv) == 6 else "pa_mpjpe_mm"
    seeds = sorted(glob.glob(os.path.join(run, "labeled_" + labeled, "seed_*")))
    better = total = 0
    print(f"sequence,seed,{arm_a},{arm_b},change_percent")
    summary = []
    for seed_dir in seeds:
        files = [os.path.join(seed_dir, arm, "test.json") for arm in (arm_a, arm_b)]
        if not all(os.path.exists(f) for f in files):
            continue
        a, b = (json.load(open(f))["per_sequence"] for f in files)
        changes = []
        for name in sorted(a):
            va, vb = a[name][metric], b[name][metric]
            change = 100.0 * (vb - va) / va
            changes.append(change)
            better += vb < va
            total += 1
            print(f"{name},{os.path.basename(seed_dir)},{va:.1f},{vb:.1f},{change:+.1f}")
        summary.append((os.path.basename(seed_dir), sum(changes) / len(changes)))
    for seed, mean in summary:
        print(f"# {seed}: mean per-sequence change {mean:+.2f} %")
    print(f"# {arm_b} better than {arm_a} on {better} of {total} sequence-seed pairs")


if __name__ == "__main__":
    main()
