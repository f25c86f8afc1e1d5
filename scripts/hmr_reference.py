"""SPIN's HMR regressor on a torchvision-style ResNet, in Python PyTorch: the reference that
motioncue's C++ network (src/motioncue/model/hmr_module.cpp) is checked against. Used by
scripts/make_model_fixtures.py (the compact backbone's import fixtures) and by
bench/python/train_step.py (the ResNet-18 training step, side by side with bench_model).
"""
import torch
import torch.nn as nn


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


class HMR(nn.Module):
    """SPIN's HMR (hmr.py) on a ResNet of BasicBlocks: `blocks` per stage of `widths` channels,
    after a stem of `stem_width` channels and a `stem_kernel` convolution."""

    def __init__(self, blocks, widths=(64, 128, 256, 512), stem_width=64, stem_kernel=7):
        super().__init__()
        npose = 24 * 6
        self.conv1 = nn.Conv2d(3, stem_width, stem_kernel, 2, stem_kernel // 2, bias=False)
        self.bn1 = nn.BatchNorm2d(stem_width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        inplanes = stem_width
        for i, (count, w) in enumerate(zip(blocks, widths)):
            layer = []
            for b in range(count):
                layer.append(BasicBlock(inplanes, w, 2 if i > 0 and b == 0 else 1))
                inplanes = w
            setattr(self, "layer%d" % (i + 1), nn.Sequential(*layer))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(inplanes + npose + 13, 1024)
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


def compact_hmr():
    """HMR with motioncue's compact backbone in place of ResNet-50."""
    return HMR(blocks=(1, 1, 1, 1), widths=(32, 64, 128, 256), stem_width=32, stem_kernel=5)


def resnet_hmr(name):
    """HMR on ResNet-18 or ResNet-34."""
    return HMR(blocks={"resnet18": (2, 2, 2, 2), "resnet34": (3, 4, 6, 3)}[name])
