#!/usr/bin/env python3
"""Side-by-side benchmark: swift-stgcn (`stgcn bench --json`) against PyTorch (bench/torch_bench.py)
on the same shapes and thread count, one measurement per process, printing the ratios.

    python3 bench/compare.py                      # NTU and Kinetics, infer b1/b16, train b16, 2 threads
    python3 bench/compare.py --preset ntu --threads 2 --repeats 3
    python3 bench/compare.py --check              # first verify the PyTorch model on the fixture

Installs PyTorch (CPU) with pip when it is missing. Build the Swift side first:
`swift build -c release` (the script does it when .build/release/stgcn is missing).
"""
import argparse
import glob
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def ensure_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "torch", "numpy"])


def run_json(command, env=None):
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=HERE)
    if out.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def tcmalloc():
    """The tcmalloc library to preload into PyTorch (what an informed PyTorch user runs); installs
    Debian's libtcmalloc-minimal4 when running as root and it is missing."""
    def find():
        found = glob.glob("/usr/lib/*/libtcmalloc_minimal.so*") + glob.glob("/usr/lib/*/libtcmalloc.so*")
        return found[0] if found else None
    if find() is None and hasattr(os, "geteuid") and os.geteuid() == 0 and os.path.exists("/usr/bin/apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "libtcmalloc-minimal4"], capture_output=True)
    if find() is None:
        print("note: tcmalloc not found (Debian: apt-get install libtcmalloc-minimal4); "
              "comparing with stock PyTorch only", file=sys.stderr)
    return find()


def check_fixture():
    """The PyTorch model reproduces the official fixture's logits from model.safetensors."""
    import numpy as np
    import torch
    sys.path.insert(0, HERE)
    from stgcn_torch import load_fixture_model
    folder = os.path.join(ROOT, "..", "shared", "fixtures", "stgcn-ntu-spatial")
    model, io = load_fixture_model(folder)
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(io["input"])).numpy()
    diff = float(np.abs(logits - io["logits_eval"]).max())
    print(f"PyTorch model vs fixture logits_eval: max abs diff {diff:.2e}")
    if diff > 1e-4:
        raise SystemExit("the benchmark's PyTorch model does not match the fixture")


def combine(rounds):
    """One record per side from alternating rounds: median throughputs (and, for Swift, median
    effective GFLOP/s, roof and fraction of roof), largest peak RSS, and on the Swift record the
    median of the per-round ratios (`ratio_torch`, `cpu_ratio_torch`, ...)."""
    def merged(records):
        if records[0] is None:
            return None
        out = dict(records[0])
        for key in ("clips_per_second", "clips_per_cpu_second", "gflops", "roof_gflops", "fraction_of_roof",
                    "fp32_peak_gflops"):
            if key in out:
                out[key] = statistics.median(r[key] for r in records)
        out["peak_rss_bytes"] = max(r["peak_rss_bytes"] for r in records)
        out["rounds"] = len(records)
        return out
    swift = merged([r[0] for r in rounds])
    torch_stock = merged([r[1] for r in rounds])
    torch_tc = merged([r[2] for r in rounds])
    for name, index in (("torch", 1), ("torch_tcmalloc", 2)):
        if rounds[0][index] is None:
            continue
        swift["ratio_" + name] = statistics.median(r[0]["clips_per_second"] / r[index]["clips_per_second"] for r in rounds)
        swift["cpu_ratio_" + name] = statistics.median(
            r[0]["clips_per_cpu_second"] / r[index]["clips_per_cpu_second"] for r in rounds)
    return swift, torch_stock, torch_tc


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=["ntu", "kinetics"], action="append")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--check", action="store_true", help="verify the PyTorch model on the fixture first")
    parser.add_argument("--no-tcmalloc", action="store_true", help="skip the tcmalloc-preloaded PyTorch run")
    parser.add_argument("--rounds", type=int, default=1,
                        help="alternate Swift and PyTorch this many times per case; ratios are the median of the "
                             "per-round ratios, so slow phases of a shared machine hit both sides")
    parser.add_argument("--mode", choices=["infer", "train"], action="append", help="only these modes")
    parser.add_argument("--batch", type=int, action="append", help="only these batch sizes")
    args = parser.parse_args()
    ensure_torch()
    if args.check:
        check_fixture()
    binary = os.path.join(ROOT, ".build", "release", "stgcn")
    if not os.path.exists(binary):
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "stgcn"], cwd=ROOT)
    preload = None if args.no_tcmalloc else tcmalloc()
    cases = [(mode, batch) for mode, batch in [("infer", 1), ("infer", 16), ("train", 16)]
             if (not args.mode or mode in args.mode) and (not args.batch or batch in args.batch)]
    rows = []
    for preset in args.preset or ["ntu", "kinetics"]:
        for mode, batch in cases:
            common = ["--preset", preset, "--mode", mode, "--batch", str(batch), "--threads", str(args.threads),
                      "--frames", str(args.frames), "--repeats", str(args.repeats)]
            rounds = []
            for _ in range(max(1, args.rounds)):
                swift = run_json([binary, "bench", "--json"] + common)
                torch_stock = run_json([sys.executable, "torch_bench.py"] + common)
                torch_tc = None
                if preload:
                    env = dict(os.environ, LD_PRELOAD=preload)
                    torch_tc = run_json([sys.executable, "torch_bench.py"] + common, env=env)
                rounds.append((swift, torch_stock, torch_tc))
            swift, torch_stock, torch_tc = combine(rounds)
            rows.append((preset, mode, batch, swift, torch_stock, torch_tc))
            print(json.dumps({"preset": preset, "mode": mode, "batch": batch, "swift": swift,
                              "torch": torch_stock, "torch_tcmalloc": torch_tc}), file=sys.stderr)
    rounds_note = f", median of {args.rounds} alternating rounds" if args.rounds > 1 else ""
    print(f"\n{args.threads} threads, T={args.frames}, median of {args.repeats}{rounds_note}; wall-clock clips/s (peak RSS GB)")
    header = f"{'preset':9} {'mode':6} {'batch':>5} | {'swift':>15} | {'torch':>15} | {'ratio':>6}"
    if preload:
        header += f" | {'torch+tcmalloc':>15} | {'ratio':>6}"
    print(header)
    for preset, mode, batch, s, t, tc in rows:
        def cell(r):
            return f"{r['clips_per_second']:7.2f} ({r['peak_rss_bytes'] / 1e9:4.2f})"
        line = (f"{preset:9} {mode:6} {batch:5d} | {cell(s):>15} | {cell(t):>15} | "
                f"{s['ratio_torch']:5.2f}x")
        if tc:
            line += f" | {cell(tc):>15} | {s['ratio_torch_tcmalloc']:5.2f}x"
        print(line)
    print("\nclips per CPU-second (user + system time of all threads; robust when other work shares the machine)")
    for preset, mode, batch, s, t, tc in rows:
        line = (f"{preset:9} {mode:6} {batch:5d} | swift {s['clips_per_cpu_second']:7.3f} | torch {t['clips_per_cpu_second']:7.3f}"
                f" | ratio {s['cpu_ratio_torch']:5.2f}x")
        if tc:
            line += (f" | torch+tcmalloc {tc['clips_per_cpu_second']:7.3f}"
                     f" | ratio {s['cpu_ratio_torch_tcmalloc']:5.2f}x")
        print(line)
    print("\nswift effective GFLOP/s (official FLOP count), the SGEMM roof measured around it and the FP32 peak "
          "(register-only FMA loop on every thread)")
    for preset, mode, batch, s, t, tc in rows:
        peak = s.get("fp32_peak_gflops")
        peak_text = f" | peak {peak:6.1f} ({s.get('fp32_peak_isa', '?')}) | {100 * s['gflops'] / peak:5.1f}% of peak" if peak else ""
        print(f"{preset:9} {mode:6} {batch:5d} | {s['gflops']:6.1f} GFLOP/s | roof {s['roof_gflops']:6.1f} | "
              f"{100 * s['fraction_of_roof']:5.1f}%{peak_text}")
    print(f"\nswift: {rows[0][3].get('blas', '')}")
    print(f"cpu: {rows[0][3].get('cpu', '')}")


if __name__ == "__main__":
    main()
