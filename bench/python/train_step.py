#!/usr/bin/python3
"""The training step of bench_model's BM_Train in Python PyTorch, for a side-by-side check that
motioncue's C++ step runs at the speed of the same step in Python on the same LibTorch.

The network is scripts/hmr_reference.py's HMR on ResNet-18 or ResNet-34 (the architecture of
motioncue's model/hmr_module.cpp). The step, as BM_Train's: Adam (lr 5e-5), the mean squared
error of (pose 6D, shape, camera) against a fixed random target, BatchNorm and dropout in
training mode; one warm-up step, then `--iterations` timed ones. Needs Debian's python3-torch
(apt-get install python3-torch). Run:
  /usr/bin/python3 bench/python/train_step.py --threads 1 --batch 4 --resolution 224
next to:
  build/bench/bench_model --benchmark_filter='BM_Train/resnet18_224'
"""
import argparse
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from hmr_reference import resnet_hmr  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backbone", choices=("resnet18", "resnet34"), default="resnet18")
    parser.add_argument("--resolution", type=int, default=224)
    parser.add_argument("--batch", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=5)
    args = parser.parse_args()
    if args.resolution < 32 or min(args.batch, args.threads, args.iterations) < 1:
        parser.error("--resolution must be >= 32; --batch, --threads, --iterations >= 1")
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    net = resnet_hmr(args.backbone)
    net.train()
    adam = torch.optim.Adam(net.parameters(), lr=5e-5)
    images = torch.randn(args.batch, 3, args.resolution, args.resolution)
    target = torch.randn(args.batch, 24 * 6 + 13) * 0.1

    def step():
        adam.zero_grad()
        _, pose, shape, cam = net(images)
        loss = (torch.cat((pose, shape, cam), 1) - target).pow(2).mean()
        loss.backward()
        adam.step()

    step()  # warm-up: allocations, the optimizer's state
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(args.iterations):
        step()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"python BM_Train/{args.backbone}_{args.resolution}, batch {args.batch}, "
          f"{args.threads} thread(s), torch {torch.__version__}: "
          f"{1000 * cpu / args.iterations:.0f} ms CPU, {1000 * wall / args.iterations:.0f} ms wall "
          f"per step ({args.batch * args.iterations / wall:.2f} images/s wall)")


if __name__ == "__main__":
    main()
