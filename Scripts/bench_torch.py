#!/usr/bin/env python3
"""PyTorch CPU forward-pass throughput of the IMPALA maze policy, for comparison with mazerender.

Builds the architecture of procgen-tools' InterpretableImpalaModel + CategoricalPolicy (random weights)
at scale 1 and 4, runs it under torch.no_grad() with 2 threads on batches of 1, 64 and 256, and prints
one JSON object: observations/second, median of several repeats.

Usage: python3 Scripts/bench_torch.py [--threads 2] [--repeats 7]

With --observations FILE.npy (float32 [N, 3, 64, 64], as `mazerender benchmark vfield` writes them) and
--scale S, it instead times the forward pass over exactly those observations, as one batch and in batches of
64, and prints {"seconds": best median, "batch": the batching that gave it, ...}; with --batches 1,64 it times
each of those batchings instead and adds {"seconds_by_batch": {"1": median, "64": median}}.
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, 1, 1)
        self.conv2 = nn.Conv2d(channels, channels, 3, 1, 1)

    def forward(self, x):
        out = self.conv2(torch.relu(self.conv1(torch.relu(x))))
        return out + x


class Block(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, 1, 1)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.res1 = Residual(out_channels)
        self.res2 = Residual(out_channels)

    def forward(self, x):
        return self.res2(self.res1(self.maxpool(self.conv(x))))


class ImpalaPolicy(nn.Module):
    def __init__(self, scale, actions=15):
        super().__init__()
        widths = [16 * scale, 32 * scale, 32 * scale]
        self.block1 = Block(3, widths[0])
        self.block2 = Block(widths[0], widths[1])
        self.block3 = Block(widths[1], widths[2])
        self.fc = nn.Linear(widths[2] * 8 * 8, 256)
        self.fc_policy = nn.Linear(256, actions)
        self.fc_value = nn.Linear(256, 1)

    def forward(self, x):
        x = self.block3(self.block2(self.block1(x)))
        hidden = torch.relu(self.fc(torch.flatten(torch.relu(x), 1)))
        logits = self.fc_policy(hidden)
        return torch.log_softmax(logits, dim=1), self.fc_value(hidden).reshape(-1)


def throughput(model, batch, repeats):
    x = torch.rand(batch, 3, 64, 64)
    with torch.no_grad():
        model(x)  # warm-up
        rates = []
        for _ in range(repeats):
            start = time.perf_counter()
            iterations = max(1, 64 // batch)
            for _ in range(iterations):
                model(x)
            rates.append(batch * iterations / (time.perf_counter() - start))
    return statistics.median(rates)


def observations_seconds(model, observations, repeats, batches=None):
    """Median seconds to run every observation, for each batching; returns (best seconds, batch, by batch)."""
    best = None
    by_batch = {}
    with torch.no_grad():
        for batch in batches or sorted({64, len(observations)}):
            chunks = [observations[i:i + batch] for i in range(0, len(observations), batch)]
            for chunk in chunks:
                model(chunk)  # warm-up
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                for chunk in chunks:
                    model(chunk)
                times.append(time.perf_counter() - start)
            seconds = statistics.median(times)
            by_batch[str(batch)] = seconds
            if best is None or seconds < best[0]:
                best = (seconds, batch)
    return best[0], best[1], by_batch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--observations", help="float32 .npy [N, 3, 64, 64] to time instead of random batches")
    parser.add_argument("--scale", type=int, default=4, help="network scale for --observations")
    parser.add_argument("--batches", help="comma-separated batch sizes to time --observations in (default 64 and all)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.observations:
        import numpy
        array = numpy.load(args.observations)
        if array.dtype != numpy.float32 or array.ndim != 4 or tuple(array.shape[1:]) != (3, 64, 64):
            parser.error(f"--observations: expected float32 [N, 3, 64, 64], got {array.dtype} {array.shape}")
        model = ImpalaPolicy(args.scale).eval()
        batches = [int(b) for b in args.batches.split(",")] if args.batches else None
        seconds, batch, by_batch = observations_seconds(model, torch.from_numpy(array), args.repeats, batches)
        print(json.dumps({"implementation": "pytorch", "torch": torch.__version__, "threads": args.threads,
                          "scale": args.scale, "observations": int(array.shape[0]), "batch": batch,
                          "seconds": seconds, "seconds_by_batch": by_batch}))
        return
    results = {}
    for scale in (1, 4):
        model = ImpalaPolicy(scale).eval()
        results[f"scale{scale}"] = {
            f"batch{batch}": round(throughput(model, batch, args.repeats), 1) for batch in (1, 64, 256)
        }
    print(json.dumps({"implementation": "pytorch", "torch": torch.__version__, "threads": args.threads,
                      "unit": "observations/second (median)", **results}))


if __name__ == "__main__":
    main()
