#!/usr/bin/env python3
"""Writes the person boxes of a sequence folder (annotations.npz: center, scale) as an infer box
file, so `motioncue infer SEQ/frames --boxes OUT.json` crops exactly the sequence's person squares
(infer widens a box by 1.2 into its square, so the box given is the square shrunk by 1.2).

  scripts/boxes_from_sequence.py SEQUENCE_DIR OUT.json
"""
import ast
import json
import struct
import sys
import zipfile


def read_npy(data, name):
    if data[:6] != b"\x93NUMPY":
        raise ValueError(f"{name}: not an .npy array")
    major = data[6]
    start = 10 if major == 1 else 12
    header_len = struct.unpack("<H" if major == 1 else "<I", data[8:start])[0]
    header = ast.literal_eval(data[start:start + header_len].decode("latin1"))
    kinds = {"<f4": ("f", 4), "<f8": ("d", 8)}
    if header["descr"] not in kinds or header["fortran_order"]:
        raise ValueError(f"{name}: float32/float64 in C order expected, found {header['descr']}")
    code, size = kinds[header["descr"]]
    count = 1
    for n in header["shape"]:
        count *= n
    body = data[start + header_len:]
    if len(body) < count * size:
        raise ValueError(f"{name}: shorter than its shape {header['shape']}")
    return list(struct.unpack("<%d%s" % (count, code), body[:count * size])), header["shape"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip())
    seq, out = sys.argv[1], sys.argv[2]
    try:
        with zipfile.ZipFile(f"{seq}/annotations.npz") as z:
            center, cshape = read_npy(z.read("center.npy"), "center")
            scale, sshape = read_npy(z.read("scale.npy"), "scale")
    except (OSError, KeyError, ValueError, SyntaxError, TypeError, struct.error, zipfile.BadZipFile) as e:
        sys.exit(f"boxes_from_sequence: {seq}/annotations.npz: {e}")
    frames = sshape[0]
    if cshape != (frames, 2):
        sys.exit(f"boxes_from_sequence: {seq}/annotations.npz: center has shape {cshape}")
    boxes = {}
    for t in range(frames):
        half = 200.0 * scale[t] / 1.2 / 2
        x, y = center[2 * t], center[2 * t + 1]
        boxes["%06d.png" % t] = [[x - half, y - half, x + half, y + half]]
    with open(out, "w") as f:
        json.dump(boxes, f)
    print(f"{frames} boxes -> {out}")


if __name__ == "__main__":
    main()
