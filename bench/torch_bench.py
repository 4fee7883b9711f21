"""Times the PyTorch ST-GCN of bench/stgcn_torch.py on one shape, in this process, and prints
one JSON line (the same fields as `stgcn bench --json`). Run one measurement per process so
that peak memory belongs to it alone."""
import argparse
import json
import resource
import statistics
import time

import numpy as np
import torch

from stgcn_torch import STGCN
from graph_numpy import adjacency

PRESETS = {
    "ntu": dict(layout="ntu-rgb+d", joints=25, classes=60, dropout=0.5),
    "kinetics": dict(layout="openpose", joints=18, classes=400, dropout=0.0),
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", choices=PRESETS, default="ntu")
    parser.add_argument("--mode", choices=["infer", "train"], default="infer")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    preset = PRESETS[args.preset]
    model = STGCN(adjacency(preset["layout"], "spatial"), in_channels=3, num_class=preset["classes"],
                  dropout=preset["dropout"])
    x = torch.rand(args.batch, 3, args.frames, preset["joints"], 2) - 0.5
    labels = torch.arange(args.batch) % preset["classes"]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)

    def step():
        if args.mode == "infer":
            model.eval()
            with torch.inference_mode():
                model(x)
        else:
            model.train()
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), labels)
            loss.backward()
            optimizer.step()

    for _ in range(args.warmup):
        step()
    times = []
    cpu_start = resource.getrusage(resource.RUSAGE_SELF)
    for _ in range(args.repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    cpu_end = resource.getrusage(resource.RUSAGE_SELF)
    cpu_per_batch = ((cpu_end.ru_utime + cpu_end.ru_stime) - (cpu_start.ru_utime + cpu_start.ru_stime)) / args.repeats
    print(json.dumps({
        "preset": args.preset, "mode": args.mode, "batch": args.batch, "frames": args.frames,
        "threads": args.threads, "clips_per_second": args.batch / median, "seconds_per_batch": median,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "torch": torch.__version__,
        "cpu_seconds_per_batch": cpu_per_batch, "clips_per_cpu_second": args.batch / cpu_per_batch,
    }, sort_keys=True))


if __name__ == "__main__":
    main()
