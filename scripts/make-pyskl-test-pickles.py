#!/usr/bin/env python3
"""Writes the small synthetic pickles the PySKL/numpy-pickle tests read.

Run it once with numpy 1.x and once with numpy 2.x (they spell the reconstruction globals
`numpy.core.*` and `numpy._core.*`); each run writes only the files of its numpy major version:

    python3 -m venv /tmp/np1 && /tmp/np1/bin/pip install 'numpy<2' && /tmp/np1/bin/python scripts/make-pyskl-test-pickles.py
    python3 -m pip install 'numpy>=2' && python3 scripts/make-pyskl-test-pickles.py

Every value is synthetic and given by a formula the Swift tests repeat, so they can assert
exact values:
  keypoint[m, t, v, c] = 100*m + 10*t + v/2 + c/4      (exact in float16 for these sizes)
  keypoint_score[m, t, v] = (v + 1) / 32
  array "<name>" of the array files: arange(prod(shape)) * 0.25 - 1, reshaped, cast.
pyskl-hostile.pkl is a dict {case name: bytes of one broken or malicious annotation pickle}.
"""
import os
import pickle
import sys

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "STGCNTestSupport", "Resources", "pyskl")
MAJOR = int(np.__version__.split(".")[0])
TAG = f"np{MAJOR}"


def ramp(shape, dtype):
    n = int(np.prod(shape))
    return (np.arange(n, dtype=np.float64) * 0.25 - 1).reshape(shape).astype(dtype)


def keypoint(m, t, v, c, dtype):
    mm, tt, vv, cc = np.meshgrid(np.arange(m), np.arange(t), np.arange(v), np.arange(c), indexing="ij")
    return (100.0 * mm + 10.0 * tt + vv / 2.0 + cc / 4.0).astype(dtype)


def score(m, t, v, dtype):
    return np.broadcast_to((np.arange(v) + 1) / 32.0, (m, t, v)).astype(dtype)


def arrays():
    """One of every dtype, byte order and memory order the reader must handle."""
    return {
        "f16": ramp((2, 3), np.float16),
        "f32": ramp((2, 3, 4), np.float32),
        "f64": ramp((5,), np.float64),
        "i8": ramp((2, 2), np.int8),        # -1, -0.75 … cast toward zero: -1, 0, 0, 0
        "i16": (np.arange(6, dtype=np.int16) - 3).reshape(2, 3),
        "i32": (np.arange(6, dtype=np.int32) * -1000).reshape(3, 2),
        "i64": np.array([-(2 ** 40), 0, 2 ** 40], dtype=np.int64),
        "u8": np.arange(250, 256, dtype=np.uint8),
        "bool": np.array([True, False, True]),
        "be_f32": ramp((2, 3), ">f4"),
        "be_i16": (np.arange(4, dtype=">i2") - 2),
        "be_f64_fortran": np.asfortranarray(ramp((2, 3), ">f8")),
        "fortran_f32": np.asfortranarray(ramp((2, 3, 4), np.float32)),
        # Contiguous in a permuted axis order (neither C nor F): numpy >= 2.3 writes
        # _frombuffer(..., 'K', axis_order) under protocol 5, older ones _reconstruct.
        "permuted_f32": ramp((2, 3, 4), np.float32).transpose(1, 2, 0).copy().transpose(2, 0, 1),
        "empty_f32": np.zeros((0, 3), np.float32),
        "zero_dim_f64": np.array(2.5),
        "scalar_i64": np.int64(7),
        "scalar_i32": np.int32(-3),
        "scalar_f32": np.float32(1.5),
        "scalar_bool": np.bool_(True),
    }


def annotation(name, label, m, t, v, c, dtype, with_score, order="C"):
    kp = keypoint(m, t, v, c, dtype)
    if order == "F":
        kp = np.asfortranarray(kp)
    ann = {"frame_dir": name, "label": label, "total_frames": t, "keypoint": kp,
           "img_shape": (1080, 1920), "original_shape": (1080, 1920)}
    if with_score:
        ann["keypoint_score"] = score(m, t, v, dtype)
    return ann


class Reduced:
    """Pickles as an arbitrary call, to write hostile files the way an attacker would."""

    def __init__(self, function, arguments, state=None):
        self.function, self.arguments, self.state = function, arguments, state

    def __reduce__(self):
        return (self.function, self.arguments) if self.state is None else (self.function, self.arguments, self.state)


def hostile():
    """Broken or malicious annotation files, each pickled on its own (values of one dict)."""
    good = annotation("good", 0, 1, 2, 17, 2, np.float32, True)

    def with_(**changes):
        ann = dict(good)
        ann.update(changes)
        return {"split": {"train": ["good", "bad"]}, "annotations": [good, dict(ann, frame_dir="bad")]}

    def without(key):
        ann = dict(good, frame_dir="bad")
        del ann[key]
        return {"annotations": [good, ann]}

    reconstruct = np.ndarray.__reduce__(np.zeros(1, np.float32))[0]
    float32 = np.dtype(np.float32)
    cases = {
        "keypoint-rank": with_(keypoint=np.zeros((3, 4), np.float32)),
        "keypoint-int": with_(keypoint=np.zeros((1, 2, 17, 2), np.int32)),
        "keypoint-object": with_(keypoint=np.array([[[[1.0, "x"]]]], dtype=object)),
        "keypoint-list": with_(keypoint=[[[[1.0, 2.0]]]]),
        "keypoint-missing": without("keypoint"),
        "score-shape": with_(keypoint_score=np.zeros((1, 2, 16), np.float32)),
        "label-string": with_(label="jump"),
        "label-negative": with_(label=np.int64(-1)),
        "label-float": with_(label=np.float32(1.0)),
        "frame-dir-missing": without("frame_dir"),
        "img-shape": with_(img_shape=(1080,)),
        "nan": with_(keypoint=np.full((1, 2, 17, 2), np.nan, np.float32)),
        "not-annotations": {"split": {}, "annotations": 3},
        "root-int": 5,
        "annotation-list": [good, [1, 2]],
        "split-values": {"split": {"train": "good"}, "annotations": [good]},
        "byte-count": with_(keypoint=Reduced(reconstruct, (np.ndarray, (0,), b"b"), (1, (1, 2, 17, 2), float32, False, b"\0" * 8))),
        "huge-shape": with_(keypoint=Reduced(reconstruct, (np.ndarray, (0,), b"b"), (1, (2 ** 40, 2 ** 40, 17, 2), float32, False, b"\0" * 8))),
        "negative-shape": with_(keypoint=Reduced(reconstruct, (np.ndarray, (0,), b"b"), (1, (1, -2, 17, 2), float32, False, b""))),
        "os-system": with_(keypoint=Reduced(os.system, ("echo pwned",))),
        "numpy-load": with_(keypoint=Reduced(np.load, ("/etc/passwd",))),
        "eval": with_(label=Reduced(eval, ("1+1",))),
    }
    return {name: pickle.dumps(value, protocol=4) for name, value in cases.items()}


def dump(name, value, protocol):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        pickle.dump(value, f, protocol=protocol)
    print(f"{path}: {os.path.getsize(path)} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    for protocol in (2, 4, 5):
        dump(f"arrays-{TAG}-p{protocol}.pkl", arrays(), protocol)

    # PySKL 2D (HRNet, COCO-17): float16 keypoints with scores, numpy-scalar and int labels.
    anns_2d = [
        annotation("S001C001P001R001A001", np.int64(0), 2, 4, 17, 2, np.float16, True),
        annotation("S001C001P002R001A002", 1, 1, 3, 17, 2, np.float16, True),
        annotation("S001C002P001R001A003", np.int32(2), 3, 5, 17, 2, np.float16, True),
    ]
    split_2d = {"xsub_train": ["S001C001P001R001A001", "S001C002P001R001A003"],
                "xsub_val": ["S001C001P002R001A002"]}
    # PySKL 3D (NTU-25): float32/float64 keypoints without scores; big-endian and Fortran-ordered ones.
    anns_3d = [
        annotation("S001C001P001R001A001", 0, 2, 4, 25, 3, np.float32, False),
        annotation("S001C001P002R001A002", np.int64(1), 1, 6, 25, 3, ">f4", False),
        annotation("S001C001P003R001A001", 0, 2, 3, 25, 3, np.float64, False, order="F"),
    ]
    split_3d = {"xsub_train": ["S001C001P001R001A001", "S001C001P003R001A001"],
                "xsub_val": ["S001C001P002R001A002", "S999C001P001R001A001"]}
    for protocol in (2, 4, 5):
        dump(f"pyskl-2d-{TAG}-p{protocol}.pkl", {"split": split_2d, "annotations": anns_2d}, protocol)
        dump(f"pyskl-3d-{TAG}-p{protocol}.pkl", {"split": split_3d, "annotations": anns_3d}, protocol)
    # Older MMAction2 files: a plain list of annotations, no split.
    dump(f"mmaction-list-{TAG}-p4.pkl", anns_3d[:2], 4)
    if MAJOR >= 2:
        dump("pyskl-hostile.pkl", hostile(), 4)


if __name__ == "__main__":
    sys.exit(main())
