#!/usr/bin/env python3
"""Compare the loss curves of two fixed-seed `stgcn train` runs (issue: no change in results).

Each argument is a work_dir (or its metrics.jsonl). The script prints, per epoch, the mean
training loss, training accuracy and test loss of both runs and the relative difference, and
exits non-zero when any differs by more than --tolerance (default 1e-5, "float tolerance").

Typical use, before and after an optimization (same binary flags, same seed, same threads):

    git stash && swift build -c release && .build/release/stgcn --num-epoch 2 --work-dir /tmp/before
    git stash pop && swift build -c release && .build/release/stgcn --num-epoch 2 --work-dir /tmp/after
    python3 bench/loss_curve.py /tmp/before /tmp/after
"""
import argparse
import json
import os
import sys


def read_curve(path):
    if os.path.isdir(path):
        path = os.path.join(path, "metrics.jsonl")
    records = []
    with open(path) as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as error:
                sys.exit(f"{path}:{number}: not a JSON object ({error})")
    if not records:
        sys.exit(f"{path}: no epochs recorded")
    return path, records


def relative(a, b):
    if a is None or b is None:
        return 0.0 if a is None and b is None else float("inf")
    scale = max(abs(a), abs(b), 1e-12)
    return abs(a - b) / scale


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--tolerance", type=float, default=1e-5)
    options = parser.parse_args()
    before_path, before = read_curve(options.before)
    after_path, after = read_curve(options.after)
    if len(before) != len(after):
        print(f"note: {before_path} has {len(before)} epochs, {after_path} {len(after)}; comparing the first "
              f"{min(len(before), len(after))}")
    worst = 0.0
    print(f"{'epoch':>5} {'train loss before':>18} {'after':>18} {'rel diff':>9} {'acc before':>10} {'after':>8} "
          f"{'test loss before':>17} {'after':>17}")
    for old, new in zip(before, after):
        test_old = old.get("test", {}).get("loss")
        test_new = new.get("test", {}).get("loss")
        difference = max(relative(old["train_loss"], new["train_loss"]), relative(test_old, test_new),
                         relative(old["train_accuracy"], new["train_accuracy"]))
        worst = max(worst, difference)
        print(f"{old['epoch']:>5} {old['train_loss']:>18.12f} {new['train_loss']:>18.12f} {difference:>9.2e} "
              f"{old['train_accuracy']:>10.4f} {new['train_accuracy']:>8.4f} "
              f"{test_old if test_old is not None else '-':>17} {test_new if test_new is not None else '-':>17}")
    verdict = "same curve" if worst <= options.tolerance else "DIFFERENT"
    print(f"largest relative difference {worst:.3e} (tolerance {options.tolerance:g}): {verdict}")
    return 0 if worst <= options.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
