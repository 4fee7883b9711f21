"""Builds the float64 reference that the parity tests measure accuracy against.

The fixture in ../shared/fixtures/stgcn-ntu-spatial is one float32 run of the official model
(PyTorch 2.13). Float32 results hinge on summation order: a few ReLUs of that fixture decide on
values within rounding of zero, so two correct float32 implementations (or one implementation
under two BLAS kernels) can differ by 1e-2 of a gradient's largest entry. A bound that means
something is accuracy against exact arithmetic, approximated here by running the same model on
the same weights and input in float64.

This script runs `bench/stgcn_torch.py`'s model (official key names and computation) in float64
and writes `Tests/STGCNTestSupport/Resources/float64-reference/reference.safetensors`:

- `logits_eval`, `logits_train`, `loss_train`, `after_forward.<bn>.running_{mean,var}`: float64,
  whole.
- `grad.<param>` and `after_2_steps.<param>` (3.1 M entries each) are stored as a correction to
  the fixture's float32 tensor, so that the resource stays small: `<key>.correction` (int8) and
  `<key>.scale` (float64, one value) with `float64 value = fixture + correction * scale`, where
  `scale = max |float64 - fixture| / 127`. The quantization error of each entry is at most
  scale / 2 = 1/254 of PyTorch float32's own worst error on that tensor, so errors measured
  against the rebuilt reference are within 0.4% of that tensor's PyTorch error of the truth.

Run from the repository root (needs torch and numpy; the Swift build and tests never need them):

    python3 bench/float64_reference.py [--fixture ../shared/fixtures/stgcn-ntu-spatial]

It prints, per group, PyTorch float32's (the fixture's) worst error against float64.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stgcn_torch import load_fixture_model, read_safetensors  # noqa: E402

OUTPUT = "Tests/STGCNTestSupport/Resources/float64-reference/reference.safetensors"


def write_safetensors(path, tensors, metadata):
    """Writes numpy arrays as safetensors (sorted keys, 8-byte aligned header), atomically."""
    codes = {np.dtype(np.float64): "F64", np.dtype(np.int8): "I8", np.dtype(np.float32): "F32"}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        raw = array.astype(array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": codes[array.dtype], "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    temporary = path + ".tmp"
    with open(temporary, "wb") as handle:
        handle.write(struct.pack("<Q", len(text)))
        handle.write(text)
        for raw in blobs:
            handle.write(raw)
    os.replace(temporary, path)


def run(model, x, labels):
    """Eval logits, train logits/loss, running stats after one training forward, gradients,
    and parameters after two SGD steps (lr 0.1, momentum 0.9, Nesterov, weight decay 1e-4)."""
    out = {}
    model.eval()
    with torch.no_grad():
        out["logits_eval"] = model(x).numpy().copy()
    model.train()
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, labels)
    out["logits_train"] = logits.detach().numpy().copy()
    out["loss_train"] = np.array([loss.item()])
    for name, buffer in model.named_buffers():
        if name.endswith("running_mean") or name.endswith("running_var"):
            out["after_forward." + name] = buffer.numpy().copy()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4, nesterov=True)
    optimizer.zero_grad()
    loss.backward()
    for name, parameter in model.named_parameters():
        out["grad." + name] = parameter.grad.numpy().copy()
    optimizer.step()
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(model(x), labels).backward()
    optimizer.step()
    for name, parameter in model.named_parameters():
        out["after_2_steps." + name] = parameter.detach().numpy().copy()
    return out


def worst_relative(actual, expected):
    scale = max(np.abs(expected).max(), 1e-3)
    return float(np.abs(actual.astype(np.float64) - expected).max() / scale)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixture", default="../shared/fixtures/stgcn-ntu-spatial")
    parser.add_argument("--output", default=OUTPUT)
    args = parser.parse_args()

    torch.manual_seed(0)
    model, io = load_fixture_model(args.fixture, dtype=torch.float64)
    x = torch.from_numpy(io["input"].astype(np.float64))
    labels = torch.from_numpy(io["label"].astype(np.int64))
    reference = run(model, x, labels)

    tensors, worst = {}, {}
    for key, value in reference.items():
        fixture = io[key].astype(np.float64).reshape(value.shape)
        group = key.split(".")[0]
        error = worst_relative(fixture, value)
        if error > worst.get(group, (-1.0, ""))[0]:
            worst[group] = (error, key)
        if group in ("grad", "after_2_steps"):
            difference = value - fixture
            scale = float(np.abs(difference).max()) / 127.0
            correction = np.zeros(value.shape, np.int8) if scale == 0 else \
                np.clip(np.rint(difference / scale), -127, 127).astype(np.int8)
            tensors[key + ".correction"] = correction
            tensors[key + ".scale"] = np.array([scale])
            rebuilt = fixture + correction.astype(np.float64) * scale
            assert np.abs(rebuilt - value).max() <= 0.5 * scale * (1 + 1e-9) + 1e-300, key
        else:
            tensors[key] = value.astype(np.float64)

    metadata = {"generator": "bench/float64_reference.py", "torch": torch.__version__,
                "fixture": "stgcn-ntu-spatial", "encoding": "grad.* and after_2_steps.*: "
                "float64 = fixture float32 + correction(int8) * scale"}
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    write_safetensors(args.output, tensors, metadata)
    print(f"wrote {args.output} ({os.path.getsize(args.output) / 1e6:.1f} MB, torch {torch.__version__})")
    print("PyTorch float32 (the fixture) against float64, worst entry of max |ref| per group:")
    for group, (error, key) in sorted(worst.items()):
        print(f"  {group:14s} {error:.2e}  ({key})")


if __name__ == "__main__":
    main()
