"""A PyTorch ST-GCN written for this project's benchmarks and parity checks.

It follows the published architecture (data BN over C*V channels, ten spatial-temporal
blocks, edge importance, global pooling, 1x1 classifier) with the official state-dict key
names, so `model.safetensors` from the fixtures loads into it directly. The graph buffer `A`
is taken from the checkpoint or built by `bench/graph.py`-free code below.
"""
import json
import struct

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F


def read_safetensors(path):
    """Reads a safetensors file into a dict of numpy arrays (no safetensors package needed)."""
    with open(path, "rb") as handle:
        blob = handle.read()
    length = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + length])
    dtypes = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "F16": np.float16}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = blob[8 + length + begin: 8 + length + end]
        tensors[name] = np.frombuffer(raw, dtype=dtypes[info["dtype"]]).reshape(info["shape"]).copy()
    return tensors


class SpatialTemporalBlock(nn.Module):
    """Graph convolution (1x1 conv to K*C_out, then aggregation with A), temporal conv, residual."""

    def __init__(self, c_in, c_out, subsets, stride=1, dropout=0.0, residual=True, kernel=9):
        super().__init__()
        self.subsets = subsets
        self.gcn = nn.Module()
        self.gcn.conv = nn.Conv2d(c_in, c_out * subsets, kernel_size=1)
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(c_out), nn.ReLU(inplace=True),
            nn.Conv2d(c_out, c_out, (kernel, 1), (stride, 1), ((kernel - 1) // 2, 0)),
            nn.BatchNorm2d(c_out), nn.Dropout(dropout, inplace=True))
        if not residual:
            self.residual_kind = "none"
        elif c_in == c_out and stride == 1:
            self.residual_kind = "identity"
        else:
            self.residual_kind = "projection"
            self.residual = nn.Sequential(nn.Conv2d(c_in, c_out, 1, (stride, 1)), nn.BatchNorm2d(c_out))

    def forward(self, x, adjacency):
        if self.residual_kind == "none":
            shortcut = 0
        elif self.residual_kind == "identity":
            shortcut = x
        else:
            shortcut = self.residual(x)
        z = self.gcn.conv(x)
        n, kc, t, v = z.shape
        z = z.view(n, self.subsets, kc // self.subsets, t, v)
        y = torch.einsum("nkctv,kvw->nctw", z, adjacency).contiguous()
        return F.relu(self.tcn(y) + shortcut)


class STGCN(nn.Module):
    """The ST-GCN network with the official module names."""

    def __init__(self, adjacency, in_channels=3, num_class=60, dropout=0.0, edge_importance=True):
        super().__init__()
        self.register_buffer("A", torch.as_tensor(adjacency, dtype=torch.float32))
        k, v, _ = self.A.shape
        self.data_bn = nn.BatchNorm1d(in_channels * v)
        plan = [(in_channels, 64, 1), (64, 64, 1), (64, 64, 1), (64, 64, 1), (64, 128, 2),
                (128, 128, 1), (128, 128, 1), (128, 256, 2), (256, 256, 1), (256, 256, 1)]
        self.st_gcn_networks = nn.ModuleList([
            SpatialTemporalBlock(ci, co, k, s, 0.0 if i == 0 else dropout, residual=i != 0)
            for i, (ci, co, s) in enumerate(plan)])
        if edge_importance:
            self.edge_importance = nn.ParameterList([nn.Parameter(torch.ones(self.A.shape)) for _ in plan])
        else:
            self.edge_importance = [1] * len(plan)
        self.fcn = nn.Conv2d(256, num_class, kernel_size=1)

    def forward(self, x):
        n, c, t, v, m = x.shape
        x = x.permute(0, 4, 3, 1, 2).contiguous().view(n * m, v * c, t)
        x = self.data_bn(x)
        x = x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).contiguous().view(n * m, c, t, v)
        for block, importance in zip(self.st_gcn_networks, self.edge_importance):
            x = block(x, self.A * importance)
        x = x.mean(dim=(2, 3)).view(n, m, -1).mean(dim=1)
        return self.fcn(x[:, :, None, None]).view(n, -1)


def load_fixture_model(folder, dtype=torch.float32):
    """The fixture model (ntu-rgb+d, spatial, 10 classes) with its weights, and its io tensors."""
    weights = read_safetensors(f"{folder}/model.safetensors")
    io = read_safetensors(f"{folder}/io.safetensors")
    model = STGCN(weights["A"], in_channels=3, num_class=10, dropout=0.0)
    state = {k: torch.from_numpy(v) for k, v in weights.items()}
    model.load_state_dict(state, strict=True)
    return model.to(dtype), io
