"""Builds the lock-step training reference: the official model trained by PyTorch for 12
iterations exactly as `stgcn train` trains it, so `LockStepTrainingTests` can replay the run
through the real `Trainer` and compare.

The run (dropout 0, so nothing random is left but the batch order):

- Model: `bench/stgcn_torch.py` (official architecture and key names), ntu-rgb+d, spatial, edge
  importance, 10 classes, starting from ../shared/fixtures/stgcn-ntu-spatial/model.safetensors.
- Data: 16 deterministic clips (3, 24, 25, 2), class-dependent joint oscillations plus noise,
  written here as the official `data.npy` + `label.pkl` (the Swift test feeds them to the
  Trainer as `feeder.feeder.Feeder`, for training and for the evaluation).
- Recipe: batch 4 (drop_last), 3 epochs, SGD lr 0.01 divided by 10 at epoch 2, momentum 0.9,
  Nesterov, weight decay 1e-4 on every parameter (BN and edge importance included), seed 5.
- Batch order: the Trainer's own, recomputed here bit for bit (`RunSeeds.derive`, `SplitMix64`
  keyed streams and the Fisher-Yates shuffle with Lemire's bounded draws of
  `Feeder.batches`), so PyTorch sees the same samples in the same batches.

The run is chaotic after a few iterations (ReLUs and 8-row batch statistics amplify rounding), so
one float32 run is one draw from a spread. The script runs float64 (the truth) and an ensemble of
four PyTorch float32 runs that differ only in rounding: 1 and 2 threads, and two runs whose initial
weights carry relative noise of 1e-7 (below float32's resolution of 6e-8 per ulp times a few).
The Swift test holds its distance from float64 against the ensemble's largest distance.

Outputs, in Tests/STGCNTestSupport/Resources/lockstep/: `data.npy`, `label.pkl`, and
`reference.safetensors` with, for `p` in (f64, f32_0 … f32_3):

- `<p>.iteration_loss` (12): each batch's mean cross-entropy;
- `<p>.epoch_loss` (3): the epoch means as `metrics.jsonl` reports them;
- `<p>.eval_logits` (16, 10): evaluation-mode logits of the trained model on the 16 clips;
- `<p>.delta.<param>`: the first 64 entries (in C order) of each parameter's change
  (trained - initial), and `<p>.delta_norm.<param>`: the L2 norm of the whole change;
- `<p>.running.<bn>.running_{mean,var}`: every batch norm's running statistics after training.

With `--dropout 0.5` it writes `dropout.safetensors` instead (same keys, plus `masks.kept` and
`masks.index_sum`): the same run with dropout 0.5, each block's `tcn.4` (blocks 1-9) multiplying
by exactly the mask the Trainer draws — `Dropout.makeKeepMask` after
`STGCNNetwork.reseedDropout(RunSeeds.derive(seed, 3, epoch, batch))`, replicated here (xoshiro256**
per 65,536-entry chunk, C order over the block's (N·M, C, T, V) activation) — times 1 / (1 - p).
Its float32 ensemble runs on one thread: the unperturbed run and three with perturbed weights.

Run from the repository root (needs torch and numpy; the Swift build and tests never need them):

    python3 bench/lockstep_reference.py [--fixture ../shared/fixtures/stgcn-ntu-spatial]
    python3 bench/lockstep_reference.py --dropout 0.5
"""
import argparse
import os
import pickle
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from float64_reference import write_safetensors  # noqa: E402
from stgcn_torch import STGCN, read_safetensors  # noqa: E402

OUTPUT = "Tests/STGCNTestSupport/Resources/lockstep"
MASK = (1 << 64) - 1
INCREMENT = 0x9E3779B97F4A7C15
SEED, BATCH, EPOCHS, STEPS, BASE_LR = 5, 4, 3, [2], 0.01
CLIPS, FRAMES, JOINTS, PERSONS, CLASSES = 16, 24, 25, 2, 10
KEPT_ENTRIES = 64
CHUNK = 1 << 16  # Dropout.chunkSize
BLOCK_SEED_STRIDE = 0x9E3779B9  # STGCNNetwork.reseedDropout: block i gets seed + i * this


def finalize(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplitMix64:
    """SeededRandom's SplitMix64, including its keyed initializer."""

    def __init__(self, *keys):  # no keys: state 0, set `state` for SplitMix64(seed:)
        mixed = 0x517CC1B727220A
        for key in keys:
            mixed = finalize(((mixed ^ key) + INCREMENT) & MASK)
        self.state = mixed

    def next(self):
        self.state = (self.state + INCREMENT) & MASK
        return finalize(self.state)


def derive(seed, *keys):
    """STGCNTraining's RunSeeds.derive."""
    def mix(value):
        return finalize((value + INCREMENT) & MASK)
    state = mix(seed ^ 0x5EED5EED5EED5EED)
    for key in keys:
        state = mix(state ^ mix((key + INCREMENT) & MASK))
    return state


def xoshiro_state(seed):
    """SeededRandom's SeededGenerator(seed:): xoshiro256** state from four SplitMix64(seed) draws."""
    mixer = SplitMix64()
    mixer.state = seed & MASK
    return [mixer.next() for _ in range(4)]


def xoshiro_next(state):
    """SeededGenerator.next() on a list of four integers (or of numpy uint64 lanes), in place."""
    s0, s1, s2, s3 = state
    scaled = (s1 * 5) & MASK if isinstance(s1, int) else s1 * np.uint64(5)
    result = rotate_left(scaled, 7) * 9
    result = result & MASK if isinstance(s1, int) else result
    t = (s1 << 17) & MASK if isinstance(s1, int) else s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    state[:] = [s0, s1, s2, rotate_left(s3, 45)]
    return result


def rotate_left(x, k):
    if isinstance(x, int):
        return ((x << k) | (x >> (64 - k))) & MASK
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


def keep_masks(requests, probability):
    """Dropout.makeKeepMask(count:mode: .training) for each `(block_seed, count)` of `requests`,
    as a layer whose generator was just seeded with `block_seed` draws it: one seed per
    65,536-entry chunk from the layer's generator, each chunk drawn by its own SeededGenerator,
    an entry kept when nextUniform() (24 bits) < 1 - p (in float32). All chunks of all requests
    are drawn together, one numpy lane each."""
    lanes, spans = [], []
    for block_seed, count in requests:
        layer = xoshiro_state(block_seed)
        chunks = (count + CHUNK - 1) // CHUNK
        spans.append((len(lanes), chunks, count))
        lanes += [xoshiro_state(xoshiro_next(layer)) for _ in range(chunks)]
    state = [np.array([lane[i] for lane in lanes], dtype=np.uint64) for i in range(4)]
    keep = float(np.float32(1) - np.float32(probability))
    kept = np.empty((CHUNK, len(lanes)), dtype=bool)
    with np.errstate(over="ignore"):
        for i in range(CHUNK):
            kept[i] = (xoshiro_next(state) >> np.uint64(40)).astype(np.float64) * (1.0 / 16_777_216.0) < keep
    return [kept[:, first:first + chunks].T.reshape(-1)[:count] for first, chunks, count in spans]


def trainer_batches(count, batch_size, seed):
    """SkeletonData's Feeder.batches(count:batchSize:shuffle: true, dropLast: true, seed:)."""
    order = list(range(count))
    random = SplitMix64(seed, 0xFEED)
    for i in range(count - 1, 0, -1):
        bound = i + 1
        product = random.next() * bound
        if (product & MASK) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (product & MASK) < threshold:
                product = random.next() * bound
        j = product >> 64
        order[i], order[j] = order[j], order[i]
    return [order[s:s + batch_size] for s in range(0, count - batch_size + 1, batch_size)]


def make_data():
    rng = np.random.default_rng(20181)
    labels = [i % CLASSES for i in range(CLIPS)]
    t = np.arange(FRAMES)[None, :, None, None]
    joint_phase = rng.uniform(0, 2 * np.pi, (1, 1, JOINTS, 1))
    data = np.empty((CLIPS, 3, FRAMES, JOINTS, PERSONS), dtype=np.float32)
    for n, label in enumerate(labels):
        frequency = 1 + label % 5
        for c in range(3):
            wave = np.sin(2 * np.pi * frequency * t / FRAMES + joint_phase + c + label)
            data[n, c] = 0.5 * wave + rng.normal(0, 0.1, (FRAMES, JOINTS, PERSONS))
    data[:, :, :, :, 1] *= 0.5  # a weaker second person
    return data, labels


class MaskReplay(torch.nn.Module):
    """`tcn.4` with the Trainer's masks: in training, multiplies by the mask `masks.current[block]`
    (0 or 1 / (1 - p), in C order over the block's (N·M, C, T, V) activation); the identity in
    evaluation, as nn.Dropout."""

    def __init__(self, masks, block):
        super().__init__()
        self.masks, self.block = masks, block

    def forward(self, x):
        if not self.training:
            return x
        mask = self.masks.current[self.block]
        assert mask.numel() == x.numel(), f"block {self.block}: mask {mask.numel()} for {tuple(x.shape)}"
        return x * mask.to(x.dtype).view_as(x)


class TrainerMasks:
    """The keep masks the Trainer draws for every batch of the run (blocks 1-9; block 0 has no
    dropout), from `RunSeeds.derive(seed, 3, epoch, batch)` as `STGCNNetwork.reseedDropout`."""

    def __init__(self, probability, counts):
        self.probability = probability
        self.keys = [(epoch, b, block) for epoch in range(EPOCHS) for b in range(CLIPS // BATCH) for block in counts]
        requests = [((derive(SEED, 3, epoch, b) + block * BLOCK_SEED_STRIDE) & MASK, counts[block])
                    for epoch, b, block in self.keys]
        self.kept = dict(zip(self.keys, keep_masks(requests, probability)))
        self.current = {}

    def select(self, epoch, b):
        scale = 1 / (1 - self.probability)
        self.current = {block: torch.from_numpy(kept.astype(np.float64) * scale)
                        for (e, i, block), kept in self.kept.items() if (e, i) == (epoch, b)}


def block_activation_counts():
    """Entries of each block's (N·M, C, T, V) training activation, for blocks 1-9."""
    counts, frames = {}, FRAMES
    for block, (_, channels, stride) in enumerate([(3, 64, 1)] + [(64, 64, 1)] * 3 + [(64, 128, 2), (128, 128, 1), (128, 128, 1),
                                                                   (128, 256, 2), (256, 256, 1), (256, 256, 1)]):
        frames = (frames - 1) // stride + 1
        if block > 0:
            counts[block] = BATCH * PERSONS * channels * frames * JOINTS
    return counts


def train(weights, data, labels, dtype, masks=None):
    model = STGCN(weights["A"], in_channels=3, num_class=CLASSES, dropout=masks.probability if masks else 0.0)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in weights.items()}, strict=True)
    model = model.to(dtype)
    if masks:
        for block, module in enumerate(model.st_gcn_networks):
            if block > 0:
                module.tcn[4] = MaskReplay(masks, block)
    initial = {name: p.detach().clone() for name, p in model.named_parameters()}
    optimizer = torch.optim.SGD(model.parameters(), lr=BASE_LR, momentum=0.9, weight_decay=1e-4, nesterov=True)
    x_all = torch.from_numpy(data).to(dtype)
    y_all = torch.tensor(labels)
    iteration_losses, epoch_losses = [], []
    for epoch in range(EPOCHS):
        for group in optimizer.param_groups:
            group["lr"] = BASE_LR * 0.1 ** sum(epoch >= s for s in STEPS)
        model.train()
        loss_sum, seen = 0.0, 0
        for b, indices in enumerate(trainer_batches(CLIPS, BATCH, derive(SEED, 1, epoch))):
            if masks:
                masks.select(epoch, b)
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x_all[indices]), y_all[indices])
            loss.backward()
            optimizer.step()
            # The Trainer keeps the float32 loss and sums loss x samples in double precision.
            value = float(np.float32(loss.item())) if dtype == torch.float32 else loss.item()
            iteration_losses.append(loss.item())
            loss_sum += value * len(indices)
            seen += len(indices)
        epoch_losses.append(loss_sum / seen)
    model.eval()
    with torch.no_grad():
        logits = model(x_all).numpy().astype(np.float64)
    out = {"iteration_loss": np.array(iteration_losses), "epoch_loss": np.array(epoch_losses), "eval_logits": logits}
    for name, parameter in model.named_parameters():
        delta = (parameter.detach() - initial[name]).numpy().astype(np.float64)
        out["delta." + name] = delta.reshape(-1)[:KEPT_ENTRIES].copy()
        out["delta_norm." + name] = np.array([np.linalg.norm(delta)])
    for name, buffer in model.named_buffers():
        if name.endswith("running_mean") or name.endswith("running_var"):
            out["running." + name] = buffer.numpy().astype(np.float64)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixture", default="../shared/fixtures/stgcn-ntu-spatial")
    parser.add_argument("--dropout", type=float, default=0.0,
                        help="0: write data.npy, label.pkl and reference.safetensors; p > 0: write "
                             "dropout.safetensors, the run with dropout p and the Trainer's masks replayed")
    args = parser.parse_args()
    torch.set_num_threads(2)
    weights = read_safetensors(os.path.join(args.fixture, "model.safetensors"))
    data, labels = make_data()
    os.makedirs(OUTPUT, exist_ok=True)
    if args.dropout > 0:
        return write_dropout_reference(args.dropout, weights, data, labels)
    np.save(os.path.join(OUTPUT, "data.npy"), data)
    with open(os.path.join(OUTPUT, "label.pkl"), "wb") as handle:
        pickle.dump(([f"clip{i:02d}" for i in range(CLIPS)], labels), handle, protocol=2)
    runs = [("f64", weights, torch.float64, 2), ("f32_0", weights, torch.float32, 2), ("f32_1", weights, torch.float32, 1),
            ("f32_2", perturbed(weights, 1), torch.float32, 2), ("f32_3", perturbed(weights, 2), torch.float32, 2)]
    tensors, results = {}, {}
    for prefix, initial, dtype, threads in runs:
        torch.set_num_threads(threads)
        results[prefix] = train(initial, data, labels, dtype)
        for key, value in results[prefix].items():
            tensors[f"{prefix}.{key}"] = np.asarray(value, dtype=np.float64)
    write_safetensors(os.path.join(OUTPUT, "reference.safetensors"), tensors,
                      {"source": "bench/lockstep_reference.py", "torch": torch.__version__})
    print("batch order, epoch 0:", trainer_batches(CLIPS, BATCH, derive(SEED, 1, 0)))
    report(results)


def perturbed(weights, seed):
    """`weights` with relative noise of 1e-7 on every float32 tensor."""
    rng = np.random.default_rng(seed)
    return {k: (v * (1 + 1e-7 * rng.standard_normal(v.shape))).astype(v.dtype) if v.dtype == np.float32 else v
            for k, v in weights.items()}


def write_dropout_reference(probability, weights, data, labels):
    """dropout.safetensors: the run with dropout `probability`, PyTorch multiplying by the masks
    the Trainer draws. One thread throughout; the float32 ensemble is the unperturbed run and
    three runs with perturbed initial weights. Values of float32 runs that are float32 numbers
    (all but the norms and epoch means) are stored as F32, losing nothing, and `masks.kept` / `masks.index_sum` (12 iterations x blocks
    1-9: kept entries, and the sum of their C-order indices) let the test check the replay of
    the masks themselves."""
    saved = os.path.join(OUTPUT, "data.npy")
    if not os.path.exists(saved) or not np.array_equal(np.load(saved), data):
        sys.exit(f"{saved} is missing or differs from this script's clips: run it without --dropout first")
    torch.set_num_threads(1)
    counts = block_activation_counts()
    masks = TrainerMasks(probability, counts)
    runs = [("f64", weights, torch.float64), ("f32_0", weights, torch.float32), ("f32_1", perturbed(weights, 3), torch.float32),
            ("f32_2", perturbed(weights, 1), torch.float32), ("f32_3", perturbed(weights, 2), torch.float32)]
    tensors, results = {}, {}
    for prefix, initial, dtype in runs:
        results[prefix] = train(initial, data, labels, dtype, masks)
        for key, value in results[prefix].items():
            value = np.asarray(value, dtype=np.float64)
            exact = dtype == torch.float32 and np.array_equal(value.astype(np.float32), value)
            tensors[f"{prefix}.{key}"] = value.astype(np.float32) if exact else value
    blocks = sorted(counts)
    kept = np.array([[masks.kept[(e, b, block)].sum() for block in blocks]
                     for e in range(EPOCHS) for b in range(CLIPS // BATCH)], dtype=np.float64)
    index_sum = np.array([[np.flatnonzero(masks.kept[(e, b, block)]).sum() for block in blocks]
                          for e in range(EPOCHS) for b in range(CLIPS // BATCH)], dtype=np.float64)
    tensors["masks.kept"], tensors["masks.index_sum"] = kept, index_sum
    write_safetensors(os.path.join(OUTPUT, "dropout.safetensors"), tensors,
                      {"source": "bench/lockstep_reference.py --dropout %g" % probability, "dropout": "%g" % probability,
                       "torch": torch.__version__})
    print("kept fraction per block (all iterations):", " ".join(f"{v:.4f}" for v in kept.sum(0) / (len(kept) * np.array([counts[b] for b in blocks]))))
    report(results)


def report(results):
    f64 = results["f64"]
    print("iteration losses f64:", " ".join(f"{v:.5f}" for v in f64["iteration_loss"]))
    for prefix, run in results.items():
        if prefix == "f64":
            continue
        print(f"{prefix}: |loss - f64| per iteration", " ".join(f"{v:.1e}" for v in np.abs(run["iteration_loss"] - f64["iteration_loss"])),
              "| eval logits %.2e" % np.abs(run["eval_logits"] - f64["eval_logits"]).max())


if __name__ == "__main__":
    main()
