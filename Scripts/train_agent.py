#!/usr/bin/env python3
"""Trains mazerender's bundled maze agent by imitation (development tool; never used at run time).

The dataset comes from `mazerender dataset` (observations.npy, actions.npy, levels.npy): procgen-exact
observations of procgenAISC `maze_aisc` levels with rand_region=5, the mouse on sampled open cells, each labelled
with the first step of the shortest path to the cheese. The network is procgen-tools' IMPALA policy (same module
names, so the state-dict keys match the published checkpoints) at a chosen scale. The checkpoint is written the
way the goal-misgeneralization training code saves it: torch.save({'model_state_dict': ...}) in the zip format.

    python3 Scripts/train_agent.py --data /tmp/mazerender-dataset --out Assets/agent/maze_rr5_scale1.pth
"""
import argparse
import json
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.relu2 = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv2(self.relu2(self.conv1(self.relu1(x)))) + x


class ConvSequence(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.res1 = ResidualBlock(out_channels)
        self.res2 = ResidualBlock(out_channels)

    def forward(self, x):
        return self.res2(self.res1(self.maxpool(self.conv(x))))


class Embedder(nn.Module):
    def __init__(self, scale):
        super().__init__()
        self.block1 = ConvSequence(3, 16 * scale)
        self.block2 = ConvSequence(16 * scale, 32 * scale)
        self.block3 = ConvSequence(32 * scale, 32 * scale)
        self.relu3 = nn.ReLU()
        self.flatten = nn.Flatten()
        self.fc = nn.Linear(32 * scale * 8 * 8, 256)
        self.relufc = nn.ReLU()

    def forward(self, x):
        x = self.block3(self.block2(self.block1(x)))
        return self.relufc(self.fc(self.flatten(self.relu3(x))))


class Policy(nn.Module):
    def __init__(self, scale, actions=15):
        super().__init__()
        self.embedder = Embedder(scale)
        self.fc_policy = nn.Linear(256, actions)
        self.fc_value = nn.Linear(256, 1)

    def forward(self, x):
        hidden = self.embedder(x)
        return self.fc_policy(hidden), self.fc_value(hidden).squeeze(-1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--validation-levels", type=int, default=300, help="last N levels held out")
    parser.add_argument("--levels-per-batch", type=int, default=8,
                        help="each batch holds every sample of this many levels, so the only thing that differs "
                             "between many of its observations is where the mouse is")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    observations = np.load(f"{args.data}/observations.npy", mmap_mode="r")
    actions = torch.from_numpy(np.load(f"{args.data}/actions.npy").astype(np.int64))
    levels = np.load(f"{args.data}/levels.npy")
    held_out = np.unique(levels)[-args.validation_levels:]
    validation = np.isin(levels, held_out)
    train_index = np.flatnonzero(~validation)
    valid_index = np.flatnonzero(validation)
    print(f"samples: {len(levels)} ({len(train_index)} train, {len(valid_index)} validation)", flush=True)

    def batch_input(index):
        # procgen-tools' preprocessing: NHWC uint8 -> NCHW float32 / 255
        x = torch.from_numpy(np.ascontiguousarray(observations[np.sort(index)]))
        return x.permute(0, 3, 1, 2).float().div_(255.0), np.sort(index)

    model = Policy(args.scale)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    train_levels = np.unique(levels[train_index])
    by_level = {level: np.flatnonzero(levels == level) for level in train_levels}
    steps_per_epoch = len(train_levels) // args.levels_per_batch
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=args.lr, total_steps=args.epochs * steps_per_epoch)
    started = time.time()
    history = []
    for epoch in range(args.epochs):
        model.train()
        order = np.random.permutation(train_levels)
        total, correct, loss_sum = 0, 0, 0.0
        for step in range(steps_per_epoch):
            chosen = order[step * args.levels_per_batch:(step + 1) * args.levels_per_batch]
            x, index = batch_input(np.concatenate([by_level[level] for level in chosen]))
            y = actions[index]
            logits, _ = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            total += len(y)
            if step % 100 == 0:
                print(f"epoch {epoch} step {step}/{steps_per_epoch} loss {loss_sum / max(total, 1):.4f} "
                      f"acc {correct / max(total, 1):.3f} {time.time() - started:.0f}s", flush=True)
        model.eval()
        v_correct = 0
        with torch.no_grad():
            for start in range(0, len(valid_index), 1024):
                x, index = batch_input(valid_index[start:start + 1024])
                v_correct += (model(x)[0].argmax(1) == actions[index]).sum().item()
        record = {"epoch": epoch, "train_loss": loss_sum / total, "train_accuracy": correct / total,
                  "validation_accuracy": v_correct / max(1, len(valid_index)), "seconds": time.time() - started}
        history.append(record)
        print(json.dumps(record), flush=True)

    torch.save({"model_state_dict": model.state_dict()}, args.out)
    with open(args.out + ".train.json", "w") as f:
        json.dump({"args": vars(args), "history": history, "torch": torch.__version__,
                   "samples": int(len(levels)), "train": int(len(train_index)), "validation": int(len(valid_index))}, f, indent=1)
    print(f"saved {args.out}", flush=True)


if __name__ == "__main__":
    main()
