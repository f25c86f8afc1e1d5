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

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "model")


class BasicBlock(nn.Module):  # torchvision's
    def __init__(self, inplanes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False),
                                            nn.BatchNorm2d(planes))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


def rot6d_to_rotmat(x):  # SPIN's
    x = x.view(-1, 3, 2)
    a1, a2 = x[:, :, 0], x[:, :, 1]
    b1 = nn.functional.normalize(a1)
    b2 = nn.functional.normalize(a2 - torch.einsum('bi,bi->b', b1, a2).unsqueeze(-1) * b1)
    b3 = torch.cross(b1, b2, dim=1)
    return torch.stack((b1, b2, b3), dim=-1)


class CompactHMR(nn.Module):
    """SPIN's HMR (hmr.py) with motioncue's compact backbone in place of ResNet-50."""

    def __init__(self):
        super().__init__()
        npose = 24 * 6
        self.conv1 = nn.Conv2d(3, 32, 5, 2, 2, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        widths, inplanes = [32, 64, 128, 256], 32
        for i, w in enumerate(widths):
            setattr(self, "layer%d" % (i + 1), nn.Sequential(BasicBlock(inplanes, w, 1 if i == 0 else 2)))
            inplanes = w
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(256 + npose + 13, 1024)
        self.drop1 = nn.Dropout()
        self.fc2 = nn.Linear(1024, 1024)
        self.drop2 = nn.Dropout()
        self.decpose = nn.Linear(1024, npose)
        self.decshape = nn.Linear(1024, 10)
        self.deccam = nn.Linear(1024, 3)
        self.register_buffer('init_pose', torch.zeros(1, npose))
        self.register_buffer('init_shape', torch.zeros(1, 10))
        self.register_buffer('init_cam', torch.zeros(1, 3))

    def forward(self, x, n_iter=3):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        xf = self.avgpool(x).view(x.size(0), -1)
        b = x.shape[0]
        pred_pose = self.init_pose.expand(b, -1)
        pred_shape = self.init_shape.expand(b, -1)
        pred_cam = self.init_cam.expand(b, -1)
        for _ in range(n_iter):  # as SPIN's hmr.py
            xc = torch.cat([xf, pred_pose, pred_shape, pred_cam], 1)
            xc = self.drop1(self.fc1(xc))
            xc = self.drop2(self.fc2(xc))
            pred_pose = self.decpose(xc) + pred_pose
            pred_shape = self.decshape(xc) + pred_shape
            pred_cam = self.deccam(xc) + pred_cam
        return rot6d_to_rotmat(pred_pose).view(b, 24, 3, 3), pred_pose, pred_shape, pred_cam


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
    model = CompactHMR()
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
