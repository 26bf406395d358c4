"""The bench:nn workloads in PyTorch, one thread. Prints {name: median_ms} as JSON.

Run by bench/nn.ts when /usr/bin/python3 can import torch; never a dependency of RL Dojo.
Debian's python3-torch links the reference BLAS: point it at OpenBLAS first, e.g.
  update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
"""
import json
import sys
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(1)


def median_ms(fn, budget=2.0, warmup=0.5, min_samples=5, max_samples=200, min_sample=0.002):
    """Times like bench/common.ts medianMs: warm up for `warmup` s, then samples of `reps` back-to-back
    calls lasting at least `min_sample` s each; returns the median sample / reps, in ms."""
    calls = 0
    warm_start = time.perf_counter()
    while calls < 3 or time.perf_counter() - warm_start < warmup:
        fn()
        calls += 1
    per_call = (time.perf_counter() - warm_start) / calls
    reps = max(1, -(-min_sample // per_call))
    reps = int(reps)
    times = []
    start = time.perf_counter()
    while len(times) < max_samples and (len(times) < min_samples or time.perf_counter() - start < budget):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) * 1000 / reps)
    times.sort()
    return times[len(times) // 2]


def mlp_step(sizes, act, batch):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i + 2 < len(sizes):
            layers.append(torch.nn.Tanh() if act == "tanh" else torch.nn.ReLU())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=3e-4)
    x, y = torch.randn(batch, sizes[0]), torch.randn(batch, sizes[-1])

    def step():
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()

    return step


def act_latency():
    net = torch.nn.Sequential(torch.nn.Linear(8, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 4))
    obs = torch.randn(1, 8)

    def step():
        with torch.no_grad():
            net(obs)

    return step


def cnn():
    net = torch.nn.Sequential(
        torch.nn.Conv2d(4, 32, 8, 4), torch.nn.ReLU(), torch.nn.Conv2d(32, 64, 4, 2), torch.nn.ReLU(),
        torch.nn.Conv2d(64, 64, 3, 1), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(3136, 512), torch.nn.ReLU(), torch.nn.Linear(512, 6))
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    x, y = torch.randn(32, 4, 84, 84), torch.randn(32, 6)

    def step():
        opt.zero_grad()
        torch.nn.functional.mse_loss(net(x), y).backward()
        opt.step()

    return step


def matmul(n):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return lambda: torch.mm(a, b)


WORKLOADS = {
    "mlp_ppo_b64": lambda: mlp_step([8, 64, 64, 4], "tanh", 64),
    "mlp_ppo_b2048": lambda: mlp_step([8, 64, 64, 4], "tanh", 2048),
    "mlp_walker_b256": lambda: mlp_step([24, 256, 256, 4], "relu", 256),
    "act_latency": act_latency,
    "cnn_nature_b32": cnn,
    "matmul_64": lambda: matmul(64),
    "matmul_256": lambda: matmul(256),
    "matmul_1024": lambda: matmul(1024),
}

if __name__ == "__main__":
    names = sys.argv[1].split(",") if len(sys.argv) > 1 else list(WORKLOADS)
    print(json.dumps({n: median_ms(WORKLOADS[n]()) for n in names if n in WORKLOADS}))
