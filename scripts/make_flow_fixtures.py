#!/usr/bin/python3
"""Writes the tiny TorchScript modules that test the TorchScript flow backend's contract.

Run with Debian's python3-torch: /usr/bin/python3 scripts/make_flow_fixtures.py
Outputs tests/fixtures/flow/{probe,shift,bad_shape}.pt (a few KB each).
"""
import os

import torch


class Probe(torch.nn.Module):
    """flow x = red channel of image1, flow y = blue channel of image2, returned RAFT-style as a
    tuple whose last element is the flow: checks channel order, value range and argument order."""

    def forward(self, image1: torch.Tensor, image2: torch.Tensor):
        flow = torch.stack([image1[:, 0], image2[:, 2]], dim=1)
        return (flow * 0.0, flow)


class Shift(torch.nn.Module):
    """A constant translation held as a parameter (so the module has a device), as a list."""

    def __init__(self):
        super().__init__()
        self.shift = torch.nn.Parameter(torch.tensor([3.0, -2.0]).view(1, 2, 1, 1))

    def forward(self, image1: torch.Tensor, image2: torch.Tensor):
        n, _, h, w = image1.shape
        return [self.shift.expand(n, 2, h, w).contiguous()]


class BadShape(torch.nn.Module):
    """Returns one channel only: the backend must refuse it with a clear error."""

    def forward(self, image1: torch.Tensor, image2: torch.Tensor):
        return image1[:, :1]


def main():
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                       "flow")
    os.makedirs(out, exist_ok=True)
    for name, module in [("probe", Probe()), ("shift", Shift()), ("bad_shape", BadShape())]:
        path = os.path.join(out, name + ".pt")
        torch.jit.script(module).save(path)
        print(path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
