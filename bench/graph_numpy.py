"""The normalized ST-GCN adjacency in numpy (for the benchmark model), from the published
layout facts; checked against ../shared/fixtures/adjacency.safetensors by compare.py --check."""
import numpy as np

LAYOUTS = {
    "openpose": (18, 1, [(4, 3), (3, 2), (7, 6), (6, 5), (13, 12), (12, 11), (10, 9), (9, 8), (11, 5),
                         (8, 2), (5, 1), (2, 1), (0, 1), (15, 0), (14, 0), (17, 15), (16, 14)]),
    "ntu-rgb+d": (25, 20, [(a - 1, b - 1) for a, b in [
        (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10),
        (12, 11), (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23),
        (23, 8), (24, 25), (25, 12)]]),
}


def adjacency(layout, strategy="spatial", max_hop=1):
    joints, center, edges = LAYOUTS[layout]
    link = np.eye(joints)
    for i, j in edges:
        link[i, j] = link[j, i] = 1
    hop = np.full((joints, joints), np.inf)
    reach = [np.linalg.matrix_power(link, d) > 0 for d in range(max_hop + 1)]
    for d in range(max_hop, -1, -1):
        hop[reach[d]] = d
    adj = (hop <= max_hop).astype(float)
    column = adj.sum(0)
    normalized = adj / np.where(column > 0, column, 1)
    if strategy == "uniform":
        return normalized[None].astype(np.float32)
    parts = []
    for h in range(max_hop + 1):
        if strategy == "distance":
            parts.append(np.where(hop == h, normalized, 0))
            continue
        root, close, further = (np.zeros((joints, joints)) for _ in range(3))
        for i in range(joints):
            for j in range(joints):
                if hop[j, i] == h:
                    if hop[j, center] == hop[i, center]:
                        root[j, i] = normalized[j, i]
                    elif hop[j, center] > hop[i, center]:
                        close[j, i] = normalized[j, i]
                    else:
                        further[j, i] = normalized[j, i]
        parts.extend([root] if h == 0 else [root + close, further])
    return np.stack(parts).astype(np.float32)
