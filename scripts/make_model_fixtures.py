#!/usr/bin/python3
"""Writes tests/fixtures/model/: PyTorch state dicts of SPIN's HMR layout with the compact
backbone, saved by torch.save, and the PyTorch forward pass on a fixed input, so the C++ import
can be checked parameter by parameter and output by output.

Every parameter and buffer is a strided view of one small random storage (torch.save keeps
views of a storage as views), so the files stay a few tens of kB although the network has
~2.8 M parameters.

Run: /usr/bin/python3 scripts/make_model_fixtures.py   (needs torch and numpy)
"""
import collections
import os

import numpy as np
import torch
import torch.nn as nn

from hmr_reference import compact_hmr

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "model")


def strided_weights(model, gen):
    """Replaces every parameter and buffer by a strided view of one shared random storage."""
    base = torch.randn(8192, generator=gen) * 0.05
    positive = torch.rand(4096, generator=gen) + 0.5  # running variances, BN weights
    offset = 0
    for module in model.modules():
        for name, t in list(module._parameters.items()) + list(module._buffers.items()):
            if t is None:
                continue
            if t.dtype == torch.int64:  # num_batches_tracked
                module._buffers[name] = torch.tensor(7, dtype=torch.int64)
                continue
            src = positive if name in ("running_var", "weight") and t.dim() == 1 else base
            strides = [1] * t.dim()
            span = sum(s - 1 for s in t.shape) + 1
            start = offset % (src.numel() - span)
            offset += 997
            view = src.as_strided(t.shape, strides, start)
            if name in module._parameters:
                module._parameters[name] = nn.Parameter(view, requires_grad=t.requires_grad)
            else:
                module._buffers[name] = view
    init_pose = torch.tensor([1.0, 0, 0, -1, 0, 0] + [1.0, 0, 0, 1, 0, 0] * 23).view(1, 144)
    model.init_pose = init_pose
    model.init_cam = torch.tensor([[0.9, 0.0, 0.0]])


def main():
    os.makedirs(OUT, exist_ok=True)
    gen = torch.Generator().manual_seed(20240202)
    model = compact_hmr()
    strided_weights(model, gen)
    model.eval()
    state = model.state_dict()  # an OrderedDict with _metadata, as torch.save usually sees it
    torch.save(state, os.path.join(OUT, "compact_hmr_state_dict.pt"))
    # SPIN's checkpoint layout: {'model': state dict of a DataParallel-wrapped model, ...}.
    prefixed = collections.OrderedDict(("module." + k, v) for k, v in state.items())
    torch.save({"model": prefixed, "total_step_count": 1234, "epoch": 3},
               os.path.join(OUT, "compact_hmr_spin_checkpoint.pt"))

    images = torch.randn(2, 3, 64, 64, generator=gen)
    with torch.no_grad():
        rotmats, pose, shape, cam = model(images)
    np.savez(os.path.join(OUT, "compact_hmr_reference.npz"),
             images=images.numpy(), rotmats=rotmats.numpy(), pose6d=pose.numpy(),
             betas=shape.numpy(), cam=cam.numpy())
    print("parameters", sum(p.numel() for p in model.parameters()),
          "tensors", len(state))


if __name__ == "__main__":
    main()
