#!/usr/bin/env python3
"""Side-by-side training: `stgcn train` and the official PyTorch training logic, over seeds.

For each seed and dropout rate, both sides start from the same initial weights (the official
`weights_init` — convolutions N(0, 0.02²) with zero bias, batch norms γ ~ N(1, 0.02²), β = 0,
edge importance 1 — drawn by PyTorch with `torch.manual_seed(seed)` and handed to Swift through
the config's `weights:`), train on the same official-format data (`train_data.npy` +
`train_label.pkl`) with the same recipe (read from a `stgcn`/official YAML config), and are
evaluated on `val_data.npy` + `val_label.pkl`.

What differs between the sides is only what the official code leaves to its random generator:
the shuffled batch order and the dropout masks (each side draws its own from the seed), and
float32 rounding. So single runs differ; distributions over seeds are compared. The script
prints, per side, the mean ± standard deviation over seeds of every epoch's training loss and
of the final top-1, and the difference of the means in units of the pooled standard deviation.

PyTorch side (the official `processor/recognition.py` logic): per epoch `lr = base_lr ·
0.1^(#steps ≤ epoch)`; a `DataLoader` with `shuffle=True, drop_last=True`; `model.train()`;
cross-entropy; SGD (momentum 0.9, `nesterov`, `weight_decay` on every parameter); evaluation in
`model.eval()`. The model is `bench/stgcn_torch.py` (official architecture and key names).

Example (MSR Action3D cross-subject; 3 seeds; dropout 0.5 and 0):

    stgcn gendata text msr-action3d --data-path ../shared/data/msr-action3d --out-folder /tmp/msr64 \\
        --frames 64 --long-clips truncate
    python3 bench/train_compare.py -c config/msr-action3d/train.yaml --data /tmp/msr64 \\
        --seeds 1 2 3 --dropout 0.5 0 --out /tmp/compare-msr

Seeds can be split over processes (e.g. `--threads 1 --seeds 1 2 --out A` beside `--threads 1
--seeds 3 4 --out B`); `--summarize A B` then prints the combined report. Each run is added to
`<out>/summary.json` as soon as it finishes.

Needs torch, numpy and PyYAML; uses `.build/release/stgcn` unless --stgcn is given.
"""
import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time

import numpy as np
import torch
import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from float64_reference import write_safetensors  # noqa: E402
from graph_numpy import LAYOUTS, adjacency  # noqa: E402
from stgcn_torch import STGCN  # noqa: E402


def layout_adjacency(graph_args):
    """A (K, V, V) for a built-in layout name or an inline layout {name, num_node, center, edges}."""
    layout, strategy = graph_args.get("layout", "openpose"), graph_args.get("strategy", "uniform")
    if isinstance(layout, dict):
        LAYOUTS[layout["name"]] = (layout["num_node"], layout["center"], [tuple(e) for e in layout["edges"]])
        layout = layout["name"]
    return adjacency(layout, strategy, graph_args.get("max_hop", 1))


def official_init(model, seed):
    torch.manual_seed(seed)
    for name, module in model.named_modules():
        if isinstance(module, torch.nn.Conv2d):
            module.weight.data.normal_(0.0, 0.02)
            if module.bias is not None:
                module.bias.data.fill_(0)
        elif isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            module.weight.data.normal_(1.0, 0.02)
            module.bias.data.fill_(0)


def load_split(folder, split):
    data = np.load(os.path.join(folder, f"{split}_data.npy")).astype(np.float32)
    with open(os.path.join(folder, f"{split}_label.pkl"), "rb") as handle:
        _, labels = pickle.load(handle)
    return torch.from_numpy(data), torch.tensor([int(v) for v in labels])


def train_pytorch(config, model, train, test, seed, epochs, log):
    x, y = train
    generator = torch.Generator().manual_seed(seed)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=config["batch_size"],
                                         shuffle=True, drop_last=True, generator=generator)
    base_lr, steps = config["base_lr"], config.get("step", [])
    optimizer = torch.optim.SGD(model.parameters(), lr=base_lr, momentum=0.9, nesterov=config.get("nesterov", True),
                                weight_decay=config.get("weight_decay", 1e-4))
    losses = []
    for epoch in range(epochs):
        for group in optimizer.param_groups:
            group["lr"] = base_lr * 0.1 ** sum(epoch >= s for s in steps)
        model.train()
        total, seen = 0.0, 0
        for xb, yb in loader:
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(yb)
            seen += len(yb)
        losses.append(total / seen)
        log(f"    pytorch epoch {epoch + 1}: loss {losses[-1]:.4f}")
    model.eval()
    correct = 0
    with torch.no_grad():
        tx, ty = test
        for start in range(0, len(ty), 64):
            correct += (model(tx[start:start + 64]).argmax(1) == ty[start:start + 64]).sum().item()
    return losses, correct / len(ty)


def train_swift(stgcn, config_path, config, folder, weights, seed, dropout, epochs, data, threads):
    work = os.path.join(folder, "work")
    run_config = dict(config)
    run_config["work_dir"] = work
    run_config["weights"] = weights
    run_config["seed"] = seed
    run_config["num_epoch"] = epochs
    run_config["eval_interval"] = epochs
    run_config["save_interval"] = epochs
    run_config["model_args"] = dict(config["model_args"], dropout=dropout)
    for split, key in (("train", "train_feeder_args"), ("val", "test_feeder_args")):
        run_config[key] = dict(config.get(key, {}), data_path=os.path.join(data, f"{split}_data.npy"),
                               label_path=os.path.join(data, f"{split}_label.pkl"))
    path = os.path.join(folder, "config.yaml")
    with open(path, "w") as handle:
        yaml.safe_dump(run_config, handle, sort_keys=False)
    result = subprocess.run([stgcn, "train", "-c", path, "--threads", str(threads)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"stgcn train failed ({result.returncode}) for {config_path}, seed {seed}:\n{result.stderr}")
    with open(os.path.join(work, "metrics.jsonl")) as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [r["train_loss"] for r in records], records[-1]["test"]["top1"]


def summary(values):
    return (statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0)


def report(results):
    """Per dropout rate: the per-epoch training loss and final top-1 of both sides, mean ± std over seeds."""
    for dropout, runs in sorted(results.items(), reverse=True):
        epochs = min(len(r["swift_loss"]) for r in runs)
        seeds = ", ".join(str(r["seed"]) for r in runs)
        print(f"\ndropout {dropout}, {len(runs)} seeds ({seeds}): train loss per epoch, mean ± std")
        print(f"{'epoch':>5}  {'stgcn':>16}  {'pytorch':>16}")
        for epoch in range(epochs):
            s = summary([r["swift_loss"][epoch] for r in runs])
            t = summary([r["torch_loss"][epoch] for r in runs])
            print(f"{epoch + 1:>5}  {s[0]:>8.4f} ± {s[1]:<6.4f}  {t[0]:>8.4f} ± {t[1]:<6.4f}")
        for r in runs:
            print(f"seed {r['seed']}: top-1 stgcn {100 * r['swift_top1']:.1f}%, pytorch {100 * r['torch_top1']:.1f}%")
        s = summary([100 * r["swift_top1"] for r in runs])
        t = summary([100 * r["torch_top1"] for r in runs])
        pooled = ((s[1] ** 2 + t[1] ** 2) / 2) ** 0.5
        gap = abs(s[0] - t[0]) / pooled if pooled > 0 else float("inf")
        print(f"final top-1: stgcn {s[0]:.1f} ± {s[1]:.1f}%, pytorch {t[0]:.1f} ± {t[1]:.1f}%; "
              f"|difference| = {gap:.2f} pooled standard deviations")


def merged(folders):
    """The runs of several `--out` folders (e.g. seeds split over parallel processes), by dropout rate."""
    results = {}
    for folder in folders:
        with open(os.path.join(folder, "summary.json")) as handle:
            for dropout, runs in json.load(handle).items():
                results.setdefault(float(dropout), []).extend(runs)
    return results


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="a stgcn/official training config (recipe and model)")
    parser.add_argument("--data", required=True, help="folder with {train,val}_{data.npy,label.pkl}")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--dropout", type=float, nargs="+", default=[0.5, 0.0])
    parser.add_argument("--epochs", type=int, help="override num_epoch (and scale nothing else)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stgcn", default=os.path.join(root, ".build", "release", "stgcn"))
    parser.add_argument("--out", default="/tmp/stgcn-train-compare")
    parser.add_argument("--summarize", nargs="+", metavar="OUT",
                        help="only print the combined report of finished --out folders (seeds run in parallel processes)")
    args = parser.parse_args()
    if args.summarize:
        report(merged(args.summarize))
        return
    with open(args.config) as handle:
        config = yaml.safe_load(handle)
    epochs = args.epochs or config["num_epoch"]
    torch.set_num_threads(args.threads)
    os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))
    adjacency_matrix = layout_adjacency(config["model_args"].get("graph_args", {}))
    train, test = load_split(args.data, "train"), load_split(args.data, "val")
    print(f"data {args.data}: train {tuple(train[0].shape)}, val {tuple(test[0].shape)}; {epochs} epochs, "
          f"batch {config['batch_size']}, lr {config['base_lr']} steps {config.get('step', [])}; "
          f"torch {torch.__version__}, {args.threads} threads; stgcn {args.stgcn}", flush=True)
    results = {}
    for dropout in args.dropout:
        for seed in args.seeds:
            folder = os.path.join(args.out, f"dropout{dropout}-seed{seed}")
            os.makedirs(folder, exist_ok=True)
            model_args = config["model_args"]
            model = STGCN(adjacency_matrix, in_channels=model_args.get("in_channels", 3), num_class=model_args["num_class"],
                          dropout=dropout, edge_importance=model_args.get("edge_importance_weighting", True))
            official_init(model, seed)
            weights = os.path.join(folder, "init.safetensors")
            state = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
            write_safetensors(weights, {k: v for k, v in state.items() if v.dtype == np.float32},
                              {"source": "bench/train_compare.py"})
            started = time.time()
            swift_losses, swift_top1 = train_swift(args.stgcn, args.config, config, folder, weights, seed, dropout, epochs,
                                                   args.data, args.threads)
            swift_seconds = time.time() - started
            started = time.time()
            torch_losses, torch_top1 = train_pytorch(config, model, train, test, seed, epochs, lambda _: None)
            torch_seconds = time.time() - started
            results.setdefault(dropout, []).append({"seed": seed, "swift_loss": swift_losses, "swift_top1": swift_top1,
                                                    "torch_loss": torch_losses, "torch_top1": torch_top1,
                                                    "swift_seconds": swift_seconds, "torch_seconds": torch_seconds})
            print(f"dropout {dropout} seed {seed}: top-1 swift {100 * swift_top1:.1f}% ({swift_seconds:.0f} s), "
                  f"pytorch {100 * torch_top1:.1f}% ({torch_seconds:.0f} s); final loss swift {swift_losses[-1]:.4f}, "
                  f"pytorch {torch_losses[-1]:.4f}", flush=True)
            partial = os.path.join(args.out, "summary.json.partial")
            with open(partial, "w") as handle:
                json.dump({str(k): v for k, v in results.items()}, handle, indent=1)
            os.replace(partial, os.path.join(args.out, "summary.json"))
    report(results)


if __name__ == "__main__":
    main()
