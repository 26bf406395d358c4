"""Gymnasium's single-env steps/s for the classic envs that `dojo bench envs` compares against.

Measures as src/cli/bench-envs.ts does for its `single` mode: `gymnasium.make(id)` (default wrappers
included), random actions from `env.action_space.sample()`, resets included, each env warmed up in 0.5 s
runs until its rate stops rising (two runs in a row no faster than the best by 2 %, at most 20 s), then the
best of 8 runs sharing `--seconds`. Prints one JSON object {id: steps_per_s} and the versions it ran with;
never a dependency of RL Dojo. The reference rates in src/cli/bench-envs.ts (GYMNASIUM_REFERENCE) are issue
3's (Gymnasium 1.4, Python 3.11, NumPy 1.24, best of 8 runs), measured before this script existed:

    pip install "gymnasium==1.4.*" "numpy==1.24.*"
    python3 bench/gymnasium_envs.py [--seconds 0.4]
"""
import json
import sys
import time

import gymnasium
import numpy

IDS = ["CartPole-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0", "Pendulum-v1"]
CHUNK_S = 0.5
WARMUP_MAX_S = 20.0
REPEATS = 8


def steps_per_s(env, budget_s):
    """Steps/s of random actions for `budget_s`, in blocks of 256 steps, resetting finished episodes."""
    steps = 0
    start = time.perf_counter()
    now = start
    while now - start < budget_s:
        for _ in range(256):
            _, _, terminated, truncated, _ = env.step(env.action_space.sample())
            if terminated or truncated:
                env.reset()
        steps += 256
        now = time.perf_counter()
    return steps / (now - start)


def bench(env_id, seconds):
    env = gymnasium.make(env_id)
    env.reset(seed=0)
    env.action_space.seed(0)
    fastest = steps_per_s(env, CHUNK_S)
    flat, spent = 0, CHUNK_S
    while spent < WARMUP_MAX_S and flat < 2:
        rate = steps_per_s(env, CHUNK_S)
        if rate > 1.02 * fastest:
            fastest, flat = rate, 0
        else:
            flat += 1
        spent += CHUNK_S
    best = max(steps_per_s(env, seconds / REPEATS) for _ in range(REPEATS))
    env.close()
    return round(best)


def main():
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 0.4
    rates = {env_id: bench(env_id, seconds) for env_id in IDS}
    versions = {"gymnasium": gymnasium.__version__, "numpy": numpy.__version__, "python": sys.version.split()[0]}
    print(json.dumps({"versions": versions, "steps_per_s": rates}))


if __name__ == "__main__":
    main()
