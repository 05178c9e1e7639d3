#!/usr/bin/env bash
# Development tool: makes a behaving scale-4 checkpoint (64/128/128 channels, the published agents' width) from the
# bundled scale-1 agent, for benchmarks and speed checks at the width researchers run. Each channel of the bundled
# agent is copied four times and every weight that reads the copies is divided by four (Net2WiderNet), so the wide
# network computes the same function, then a little seeded noise (0.3 % of each weight tensor's spread) lets the
# copies differ. It is a widened stand-in: its numbers describe the bundled agent at four times the width, not the
# published maze_I agents. Needs PyTorch (pip install "torch==2.13.0+cpu").
# Usage: Scripts/make-scale4-standin.sh [OUT]   (default Assets/dev/maze-rr5-scale4-widened.pth)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-Assets/dev/maze-rr5-scale4-widened.pth}"
mkdir -p "$(dirname "$out")"
python3 - "$out" <<'PY'
import os, sys
import torch
sys.path.insert(0, "Scripts")
from train_agent import Policy, widened

out = sys.argv[1]
torch.manual_seed(4)
narrow = torch.load("Assets/agent/maze-rr5-scale1.pth", map_location="cpu", weights_only=True)["model_state_dict"]
wide = Policy(4).state_dict()
state = widened(narrow, wide)
torch.save({"model_state_dict": state}, out + ".tmp")
os.replace(out + ".tmp", out)
print(f"wrote {out}: scale 4, {sum(v.numel() for v in state.values())} parameters")
PY
