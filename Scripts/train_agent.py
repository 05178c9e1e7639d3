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
import os
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


class Localiser(nn.Module):
    """Training-only head on block2's output (16x16 map): where are the mouse and the cheese? It gives the
    trunk a dense signal to find the 3-pixel mouse, which the action labels alone teach only slowly. It is not
    part of the saved policy."""

    def __init__(self, channels):
        super().__init__()
        self.head = nn.Conv2d(channels, 2, 1)

    def forward(self, block2):
        return self.head(block2).flatten(2)  # [B, 2, 256]


class FieldHead(nn.Module):
    """Training-only head on block2's output: the shortest-path action at every cell of the 16x16 map. One
    observation then teaches the whole maze's path field, not just the mouse's step."""

    def __init__(self, channels, actions=15):
        super().__init__()
        self.head = nn.Conv2d(channels, actions, 1)

    def forward(self, block2):
        return self.head(block2).flatten(2)  # [B, 15, 256]


class Policy(nn.Module):
    def __init__(self, scale, actions=15):
        super().__init__()
        self.embedder = Embedder(scale)
        self.fc_policy = nn.Linear(256, actions)
        self.fc_value = nn.Linear(256, 1)

    def forward(self, x, with_block2=False):
        e = self.embedder
        block2 = e.block2(e.block1(x))
        hidden = e.relufc(e.fc(e.flatten(e.relu3(e.block3(block2)))))
        outputs = (self.fc_policy(hidden), self.fc_value(hidden).squeeze(-1))
        return outputs + (block2,) if with_block2 else outputs


def channel_cell(x, y):
    """Index into the 16x16 block2 map of the world cell (x, y) (y up): the cell's centre pixel // 4."""
    column = torch.floor((x + 0.5) * 2.56 / 4).long().clamp(0, 15)
    row = torch.floor((24 - y + 0.5) * 2.56 / 4).long().clamp(0, 15)
    return row * 16 + column


def widened(narrow, wide, noise=0.003):
    """The narrow network's weights in the wide network's shapes, computing the same function: wide channel c is a
    copy of narrow channel c mod C, and every weight that reads channels is divided by how often each is copied."""
    result = {}
    for name, target in wide.items():
        source = narrow[name]
        if source.shape == target.shape:
            result[name] = source.clone()
            continue
        value = source
        if name == "embedder.fc.weight":  # reads the flattened [C, 8, 8] map
            channels = target.shape[1] // 64
            value = value.reshape(value.shape[0], -1, 64)
            copies = channels // value.shape[1]
            value = value.repeat(1, copies, 1).reshape(value.shape[0], -1) / copies
        else:
            for dim in range(value.dim()):
                if value.shape[dim] != target.shape[dim]:
                    copies = target.shape[dim] // value.shape[dim]
                    repeat = [1] * value.dim()
                    repeat[dim] = copies
                    value = value.repeat(*repeat)
                    if dim == 1:  # input channels of a convolution
                        value = value / copies
        assert value.shape == target.shape, name
        if value.dim() > 1:
            value = value + noise * value.std() * torch.randn_like(value)
        result[name] = value
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, nargs="+",
                        help="dataset directories written by `mazerender dataset` (several are concatenated)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--steps", type=int, default=3000, help="optimizer steps the schedule is planned for")
    parser.add_argument("--stop-after", type=int, default=None, help="stop (and save) after this many steps")
    parser.add_argument("--aux-weight", type=float, default=1.0,
                        help="weight of the auxiliary mouse/cheese localisation losses (training only)")
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--field-weight", type=float, default=0.0,
                        help="weight of the auxiliary path-field loss: predict, at every cell of block2's 16x16 map, "
                             "the shortest-path action there (needs fields.npy; training only)")
    parser.add_argument("--init", default=None, help="start from this checkpoint's weights (a second training phase)")
    parser.add_argument("--widen-from", default=None,
                        help="start from this narrower checkpoint, widened to --scale without changing what it computes "
                             "(each channel copied, the weights reading the copies halved; Net2WiderNet), plus a little "
                             "noise so the copies can diverge")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted run of this --out from its last checkpoint (OUT.resume.pt holds "
                             "the optimizer, schedule, training-only heads and random state)")
    parser.add_argument("--head-warmup", type=int, default=0,
                        help="for this many first steps the auxiliary heads learn on a detached trunk (fresh heads "
                             "on a trained trunk would otherwise pull it around with their large early gradients)")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--validation-levels", type=int, default=300, help="last N levels held out")
    parser.add_argument("--levels-per-batch", type=int, default=6,
                        help="each batch holds every sample of this many levels, so the only thing that differs "
                             "between many of its observations is where the mouse is")
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)

    shards = [np.load(f"{directory}/observations.npy", mmap_mode="r") for directory in args.data]
    shard_start = np.cumsum([0] + [len(shard) for shard in shards])

    def concatenated(name, dtype):
        return np.concatenate([np.load(f"{directory}/{name}").astype(dtype) for directory in args.data])

    actions = torch.from_numpy(concatenated("actions.npy", np.int64))
    levels = concatenated("levels.npy", np.float64)
    held_out = np.unique(levels)[-args.validation_levels:]
    validation = np.isin(levels, held_out)
    train_index = np.flatnonzero(~validation)
    valid_index = np.flatnonzero(validation)
    print(f"samples: {len(levels)} ({len(train_index)} train, {len(valid_index)} validation)", flush=True)

    def batch_input(index):
        # procgen-tools' preprocessing: NHWC uint8 -> NCHW float32 / 255
        index = np.sort(index)
        shard = np.searchsorted(shard_start, index, side="right") - 1
        parts = [shards[k][index[shard == k] - shard_start[k]] for k in np.unique(shard)]
        x = torch.from_numpy(np.concatenate(parts))
        return x.permute(0, 3, 1, 2).float().div_(255.0), index

    positions = torch.from_numpy(concatenated("positions.npy", np.float32))
    model = Policy(args.scale)
    if args.init:
        model.load_state_dict(torch.load(args.init)["model_state_dict"])
    if args.widen_from:
        model.load_state_dict(widened(torch.load(args.widen_from)["model_state_dict"], model.state_dict()))
    localiser = Localiser(32 * args.scale)
    field_head = FieldHead(32 * args.scale)
    fields = None
    if args.field_weight > 0:
        fields = torch.from_numpy(concatenated("fields.npy", np.uint8).reshape(len(levels), 256))
    optimizer = torch.optim.Adam(list(model.parameters()) + list(localiser.parameters()) + list(field_head.parameters()),
                                 lr=args.lr)
    warmup = max(1, args.steps // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: min(1.0, (step + 1) / warmup)
                                                 * 0.5 * (1 + np.cos(np.pi * min(step, args.steps) / args.steps)))
    train_levels = np.unique(levels[train_index])
    by_order = np.argsort(levels[train_index], kind="stable")
    level_starts = np.flatnonzero(np.diff(levels[train_index][by_order], prepend=np.nan))
    by_level = {level: train_index[group] for level, group in
                zip(train_levels, np.split(by_order, level_starts[1:]))}
    per_epoch = len(train_levels) // args.levels_per_batch
    started = time.time()
    history = []
    last = args.steps if args.stop_after is None else min(args.steps, args.stop_after)
    total, correct, loss_sum, aux_sum = 0, 0, 0.0, 0.0

    def evaluate():
        model.eval()
        right = 0
        with torch.no_grad():
            for start in range(0, len(valid_index), 1024):
                x, index = batch_input(valid_index[start:start + 1024])
                right += (model(x)[0].argmax(1) == actions[index]).sum().item()
        model.train()
        return right / max(1, len(valid_index))

    def save(path, step):
        torch.save({"model_state_dict": model.state_dict()}, path + ".tmp")
        os.replace(path + ".tmp", path)
        with open(path + ".train.json", "w") as f:
            json.dump({"args": vars(args), "steps_done": step, "history": history, "torch": torch.__version__,
                       "samples": int(len(levels)), "train": int(len(train_index)),
                       "validation": int(len(valid_index))}, f, indent=1)

    order = []
    first = 1
    resume_path = args.out + ".resume.pt"
    if args.resume:
        state = torch.load(resume_path, weights_only=False)
        model.load_state_dict(state["model"])
        localiser.load_state_dict(state["localiser"])
        field_head.load_state_dict(state["field_head"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        torch.set_rng_state(state["torch_rng"])
        np.random.set_state(state["numpy_rng"])
        order, history, first = state["order"], state["history"], state["step"] + 1
        print(f"resumed at step {state['step']}", flush=True)
    for step in range(first, last + 1):
        if not order:
            order = list(np.random.permutation(train_levels))
        chosen = [order.pop() for _ in range(min(args.levels_per_batch, len(order)))]
        x, index = batch_input(np.concatenate([by_level[level] for level in chosen]))
        y = actions[index]
        where = positions[index]
        logits, _, block2 = model(x, with_block2=True)
        if step <= args.head_warmup:
            block2 = block2.detach()
        maps = localiser(block2)
        aux = F.cross_entropy(maps[:, 0], channel_cell(where[:, 0], where[:, 1])) + \
            F.cross_entropy(maps[:, 1], channel_cell(where[:, 2], where[:, 3]))
        loss = F.cross_entropy(logits, y)
        if fields is not None:
            aux = aux + args.field_weight * F.cross_entropy(field_head(block2), fields[index].long(), ignore_index=255)
        optimizer.zero_grad()
        (loss + args.aux_weight * aux).backward()
        optimizer.step()
        schedule.step()
        loss_sum += loss.item() * len(y)
        aux_sum += aux.item() * len(y)
        correct += (logits.argmax(1) == y).sum().item()
        total += len(y)
        if step % 50 == 0:
            print(f"step {step}/{args.steps} loss {loss_sum / total:.4f} aux {aux_sum / total:.3f} "
                  f"acc {correct / total:.3f} lr {schedule.get_last_lr()[0]:.2e} {time.time() - started:.0f}s", flush=True)
            total, correct, loss_sum, aux_sum = 0, 0, 0.0, 0.0
        if step % args.checkpoint_every == 0 or step == last:
            record = {"step": step, "validation_accuracy": evaluate(), "seconds": time.time() - started,
                      "epochs": step / per_epoch}
            history.append(record)
            print(json.dumps(record), flush=True)
            save(args.out, step)
            torch.save({"model": model.state_dict(), "localiser": localiser.state_dict(),
                        "field_head": field_head.state_dict(), "optimizer": optimizer.state_dict(),
                        "schedule": schedule.state_dict(), "torch_rng": torch.get_rng_state(),
                        "numpy_rng": np.random.get_state(), "order": order, "history": history, "step": step},
                       resume_path + ".tmp")
            os.replace(resume_path + ".tmp", resume_path)

    print(f"saved {args.out}", flush=True)


if __name__ == "__main__":
    main()
