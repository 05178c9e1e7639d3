#!/usr/bin/env python3
"""PyTorch + captum timing of integrated gradients and a value map, the anchor of `mazerender benchmark attribution`.

Builds the IMPALA policy of Scripts/bench_torch.py (random weights) at --scale, then times, on the observations
mazerender hands it:
- captum's IntegratedGradients of the UP group's probability (softmax summed over action 5) for one observation
  (--observation, float32 [1, 3, 64, 64]), black baseline, --steps Gauss-Legendre steps in one internal batch;
- the value head over a batch (--value-map, float32 [N, 3, 64, 64]: the mouse on every legal cell of a maze), one
  forward pass under no_grad.
Prints one JSON object with the median seconds of each (after a warm-up run).

Usage: python3 Scripts/bench_attribution_torch.py --scale 4 --observation obs.npy --value-map cells.npy
"""
import argparse
import json
import os
import statistics
import sys
import time

import numpy
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_torch import ImpalaPolicy  # noqa: E402


def median_seconds(body, repeats):
    body()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--observation", required=True)
    parser.add_argument("--value-map", required=True)
    args = parser.parse_args()
    from captum.attr import IntegratedGradients
    import captum

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = ImpalaPolicy(args.scale).eval()

    def up_probability(x):
        log_probs, _ = model(x)
        return torch.exp(log_probs[:, 5])

    observation = torch.from_numpy(numpy.load(args.observation))
    cells = torch.from_numpy(numpy.load(args.value_map))
    ig = IntegratedGradients(up_probability)

    def integrate():
        ig.attribute(observation, baselines=torch.zeros_like(observation), n_steps=args.steps, method="gausslegendre",
                     internal_batch_size=args.steps)

    def value_map():
        with torch.no_grad():
            model(cells)

    print(json.dumps({"implementation": "pytorch+captum", "torch": torch.__version__, "captum": captum.__version__,
                      "threads": args.threads, "scale": args.scale, "steps": args.steps,
                      "integrated_gradients_seconds": median_seconds(integrate, args.repeats),
                      "value_map_cells": int(cells.shape[0]),
                      "value_map_seconds": median_seconds(value_map, args.repeats)}))


if __name__ == "__main__":
    main()
