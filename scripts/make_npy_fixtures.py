#!/usr/bin/python3
"""Writes the small .npy/.npz fixtures the core tests read, with numpy itself.

Run once by hand (python3-numpy from Debian); the outputs are committed under tests/fixtures/.
Every value is a simple formula of its index so the C++ test can recompute it.
"""
import os
import numpy as np

out = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "npy")
os.makedirs(out, exist_ok=True)

def ramp(shape, dtype):
    return (np.arange(int(np.prod(shape))) % 97).reshape(shape).astype(dtype)

for name, dtype in [("f16", np.float16), ("f32", np.float32), ("f64", np.float64),
                    ("i32", np.int32), ("i64", np.int64), ("u8", np.uint8),
                    ("u32", np.uint32)]:
    np.save(os.path.join(out, f"ramp_{name}.npy"), ramp((3, 4, 5), dtype))
np.save(os.path.join(out, "ramp_bool.npy"), ramp((3, 4, 5), np.int64) % 2 == 1)
np.save(os.path.join(out, "ramp_f32_fortran.npy"), np.asfortranarray(ramp((3, 4, 5), np.float32)))
np.save(os.path.join(out, "ramp_f64_bigendian.npy"), ramp((3, 4, 5), ">f8"))
np.save(os.path.join(out, "scalar_f64.npy"), np.float64(2.5))
np.save(os.path.join(out, "empty_f32.npy"), np.zeros((0, 3), np.float32))
with open(os.path.join(out, "ramp_f32_v2.npy"), "wb") as f:
    np.lib.format.write_array(f, ramp((3, 4, 5), np.float32), version=(2, 0))
np.save(os.path.join(out, "names_bytes.npy"), np.array([b"img_000.png", b"a.jpg"]))
arrays = dict(a=ramp((3, 4, 5), np.float32), b=ramp((7,), np.int64), c=ramp((2, 2), np.uint8),
              imgname=np.array(["images/000000.png", "images/000001.png", "caf\u00e9.png"]))
np.savez(os.path.join(out, "stored.npz"), **arrays)
np.savez_compressed(os.path.join(out, "deflated.npz"), **arrays)
print("fixtures written to", os.path.abspath(out))
