#!/usr/bin/env python3
"""Checks `stgcn export-onnx` against `stgcn infer` with onnxruntime.

For each case it exports an ONNX model with the Swift tool, runs it with onnxruntime on a
batch, runs `stgcn infer` on the same .npy batch and compares the logits (max abs difference
must not exceed --tolerance, default 1e-4). Cases: the official fixture model
(../shared/fixtures/stgcn-ntu-spatial, when present, also compared with PyTorch's logits),
and seeded-random models written here in safetensors (openpose and ntu-rgb+d layouts, other
strategies, T, M, channel counts and opsets; one goes through `stgcn convert` to .pt first),
which need no fixtures. Exits non-zero when any case fails.

Needs numpy and onnxruntime (scripts/check-onnx installs them in a virtual environment).
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import onnxruntime as ort

try:
    import onnx
except ImportError:
    onnx = None

BLOCKS = [(None, 64, 1), (64, 64, 1), (64, 64, 1), (64, 64, 1), (64, 128, 2),
          (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 256, 1)]
JOINTS = {"openpose": 18, "ntu-rgb+d": 25, "ntu_edge": 24, "coco": 17}
SUBSETS = {"uniform": 1, "distance": 2, "spatial": 3}


def random_state_dict(rng, channels, layout, strategy, classes, importance):
    """An official-format state dict with random weights of sensible magnitudes."""
    v, k = JOINTS[layout], SUBSETS[strategy]
    sd = {}

    def bn(prefix, n):
        sd[prefix + "weight"] = rng.uniform(0.5, 1.5, n)
        sd[prefix + "bias"] = rng.normal(0, 0.1, n)
        sd[prefix + "running_mean"] = rng.normal(0, 0.1, n)
        sd[prefix + "running_var"] = rng.uniform(0.5, 2.0, n)
        sd[prefix + "num_batches_tracked"] = np.array(7, dtype=np.int64)

    def conv(prefix, out, inp, kt):
        sd[prefix + "weight"] = rng.normal(0, (2.0 / (inp * kt)) ** 0.5, (out, inp, kt, 1))
        sd[prefix + "bias"] = rng.normal(0, 0.05, out)

    bn("data_bn.", channels * v)
    for i, (cin, cout, stride) in enumerate(BLOCKS):
        cin = channels if cin is None else cin
        p = f"st_gcn_networks.{i}."
        conv(p + "gcn.conv.", k * cout, cin, 1)
        bn(p + "tcn.0.", cout)
        conv(p + "tcn.2.", cout, cout, 9)
        bn(p + "tcn.3.", cout)
        if i > 0 and (cin != cout or stride != 1):
            conv(p + "residual.0.", cout, cin, 1)
            bn(p + "residual.1.", cout)
        if importance:
            sd[f"edge_importance.{i}"] = rng.uniform(0.5, 1.5, (k, v, v))
    conv("fcn.", classes, 256, 1)
    return {name: (a if a.dtype == np.int64 else a.astype(np.float32)) for name, a in sd.items()}


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[a.dtype]
        blob = a.tobytes()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def read_safetensors(path, name):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    entry = json.loads(raw[8:8 + n])[name]
    begin, end = entry["data_offsets"]
    assert entry["dtype"] == "F32", entry
    return np.frombuffer(raw[8 + n + begin:8 + n + end], dtype=np.float32).reshape(entry["shape"])


def write_config(path, channels, classes, layout, strategy, importance, model="net.st_gcn.Model"):
    with open(path, "w") as f:
        f.write(f"""model: {model}
model_args:
  in_channels: {channels}
  num_class: {classes}
  edge_importance_weighting: {importance}
  graph_args:
    layout: '{layout}'
    strategy: '{strategy}'
""")


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


class Checker:
    def __init__(self, stgcn, folder, tolerance):
        self.stgcn, self.folder, self.tolerance = stgcn, folder, tolerance
        self.failures = 0
        self.worst = 0.0
        checker = f", onnx.checker {onnx.__version__}" if onnx is not None else ""
        print(f"onnxruntime {ort.__version__}{checker}, numpy {np.__version__}, tolerance {self.tolerance:g} (max abs diff)")
        print(f"{'case':<44} {'input (N,C,T,V,M)':<22} {'max |ort - stgcn|':>18} {'max |logit|':>12}  result")

    def compare(self, label, config, weights, inputs, export_args):
        model = os.path.join(self.folder, label.replace(" ", "_").replace("/", "_") + ".onnx")
        try:
            run([self.stgcn, "export-onnx", "-c", config, "--weights", weights, "-o", model] + export_args)
            if onnx is not None:  # the official checker too, when the onnx package happens to be installed
                onnx.checker.check_model(onnx.load(model), full_check=True)
            session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
        except Exception as error:  # noqa: BLE001 - report and count any failure
            print(f"{label:<44} export or load failed: {error}")
            self.failures += 1
            return None
        ort_logits = None
        for x in inputs:
            shape = "(" + ",".join(map(str, x.shape)) + ")"
            try:
                npy = os.path.join(self.folder, "input.npy")
                out = os.path.join(self.folder, "logits.npy")
                np.save(npy, np.ascontiguousarray(x, dtype=np.float32))
                run([self.stgcn, "infer", "-c", config, "--weights", weights, "--input", npy, "--output", out])
                swift_logits = np.load(out)
                ort_logits = session.run(["logits"], {"input": x.astype(np.float32)})[0]
                if ort_logits.shape != swift_logits.shape:
                    raise RuntimeError(f"shapes differ: onnxruntime {ort_logits.shape}, stgcn {swift_logits.shape}")
                diff = float(np.abs(ort_logits - swift_logits).max())
                scale = float(np.abs(swift_logits).max())
            except Exception as error:  # noqa: BLE001
                print(f"{label:<44} {shape:<22} failed: {error}")
                self.failures += 1
                continue
            ok = diff <= self.tolerance and np.isfinite(ort_logits).all()
            self.worst = max(self.worst, diff)
            self.failures += 0 if ok else 1
            print(f"{label:<44} {shape:<22} {diff:>18.3e} {scale:>12.3f}  {'ok' if ok else 'FAIL'}")
        return ort_logits


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stgcn", default=os.path.join(root, ".build", "debug", "stgcn"), help="the stgcn binary")
    parser.add_argument("--fixtures", default=os.path.join(root, "..", "shared", "fixtures"))
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()
    if not os.access(args.stgcn, os.X_OK):
        sys.exit(f"check_onnx: {args.stgcn} not found; build it with `swift build` or pass --stgcn")

    with tempfile.TemporaryDirectory(prefix="stgcn-onnx-") as folder:
        check = Checker(args.stgcn, folder, args.tolerance)

        fixture = os.path.join(args.fixtures, "stgcn-ntu-spatial")
        if os.path.isdir(fixture):
            config, weights = os.path.join(fixture, "test.yaml"), os.path.join(fixture, "model.safetensors")
            data = np.load(os.path.join(fixture, "data.npy"))
            logits = check.compare("fixture ntu-rgb+d/spatial", config, weights, [data], ["--frames", "40"])
            if logits is not None:
                reference = read_safetensors(os.path.join(fixture, "io.safetensors"), "logits_eval")
                diff = float(np.abs(logits - reference).max())
                ok = diff <= args.tolerance
                check.failures += 0 if ok else 1
                print(f"{'  same, onnxruntime vs PyTorch logits_eval':<44} {'(2,3,40,25,2)':<22} {diff:>18.3e} "
                      f"{float(np.abs(reference).max()):>12.3f}  {'ok' if ok else 'FAIL'}")
            odd = np.random.default_rng(2018).normal(0, 0.5, (3, 3, 37, 25, 2)).astype(np.float32)
            odd[1, :, 20:, :, 1] = 0  # a second person who leaves
            check.compare("fixture, odd T, opset 13, batch 3", config, weights, [odd],
                          ["--frames", "37", "--opset", "13"])
        else:
            print(f"(no fixtures at {fixture}: only the self-contained random-weight cases run)")

        cases = [
            # label, channels, layout, strategy, classes, importance, export args, input shapes
            ("random openpose/spatial, M=2", 3, "openpose", "spatial", 7, True,
             ["--frames", "31", "--persons", "2"], [(2, 3, 31, 18, 2), (1, 3, 31, 18, 2)]),
            ("random openpose/spatial, M=1, via .pt", 3, "openpose", "spatial", 5, True,
             ["--frames", "16", "--persons", "1", "--opset", "13"], [(4, 3, 16, 18, 1)]),
            ("random openpose/distance, M=3, dynamic T", 3, "openpose", "distance", 4, False,
             ["--dynamic-frames", "--persons", "3", "--opset", "18"], [(2, 3, 23, 18, 3), (1, 3, 50, 18, 3)]),
            ("random ntu-rgb+d/uniform, C=2, odd T", 2, "ntu-rgb+d", "uniform", 12, True,
             ["--frames", "45", "--opset", "21"], [(2, 2, 45, 25, 2)]),
            ("two-stream openpose/spatial, dynamic T", 3, "openpose", "spatial", 6, True,
             ["--dynamic-frames", "--opset", "17"], [(2, 3, 20, 18, 2), (1, 3, 3, 18, 2)]),
            ("two-stream ntu-rgb+d/spatial, opset 13", 3, "ntu-rgb+d", "spatial", 5, False,
             ["--frames", "17", "--opset", "13"], [(2, 3, 17, 25, 2)]),
        ]
        for index, (label, channels, layout, strategy, classes, importance, export, shapes) in enumerate(cases):
            rng = np.random.default_rng(2019 + index)
            config = os.path.join(folder, f"random{index}.yaml")
            weights = os.path.join(folder, f"random{index}.safetensors")
            if label.startswith("two-stream"):
                write_config(config, channels, classes, layout, strategy, importance, model="net.st_gcn_twostream.Model")
                state = {}
                for stream in ("origin_stream.", "motion_stream."):
                    for name, tensor in random_state_dict(rng, channels, layout, strategy, classes, importance).items():
                        state[stream + name] = tensor
                write_safetensors(weights, state)
            else:
                write_config(config, channels, classes, layout, strategy, importance)
                write_safetensors(weights, random_state_dict(rng, channels, layout, strategy, classes, importance))
            if "via .pt" in label:
                converted = os.path.join(folder, f"random{index}.pt")
                run([args.stgcn, "convert", weights, converted, "-c", config])
                weights = converted
            inputs = [rng.normal(0, 0.5, shape).astype(np.float32) for shape in shapes]
            check.compare(label, config, weights, inputs, export)

    print(f"worst max abs difference {check.worst:.3e}; {check.failures} failure(s)")
    sys.exit(1 if check.failures else 0)


if __name__ == "__main__":
    main()
