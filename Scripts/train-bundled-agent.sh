#!/usr/bin/env bash
# Re-trains the bundled agent (Assets/agent/maze-rr5-scale1.pth) from scratch: development tool, needs PyTorch
# (pip install "torch==2.13.0+cpu"). Two phases, each fed by a dataset that mazerender exports:
#   1. procgenAISC maze_aisc rand_region=5 levels 0..4299, 32 mouse cells per level; imitation of the shortest
#      path to the cheese plus a mouse/cheese localisation loss at block 2; 3000 steps from a fixed seed.
#   2. levels 4300..10299, 20 cells per level, starting from phase 1, adding the path-field loss at block 2.
# Usage: Scripts/train-bundled-agent.sh [WORKDIR]   (WORKDIR holds the datasets, about 3 GB; default /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp}/mazerender-training"
mkdir -p "$work" Assets/agent
swift build -c release --product mazerender
bin=.build/release/mazerender
$bin dataset --seeds '0..<4300' --variant aisc --rand-region 5 --cells-per-level 32 --sampling-seed 0 --out "$work/phase1"
python3 Scripts/train_agent.py --data "$work/phase1" --out "$work/phase1.pth" --steps 3000 --lr 1e-3 \
  --validation-levels 100 --seed 0
$bin dataset --seeds '4300..<10300' --variant aisc --rand-region 5 --cells-per-level 20 --sampling-seed 1 --out "$work/phase2"
python3 Scripts/train_agent.py --data "$work/phase2" --init "$work/phase1.pth" --field-weight 1.0 \
  --out Assets/agent/maze-rr5-scale1.pth --steps 3000 --lr 5e-4 --validation-levels 100 --seed 1
echo "trained: Assets/agent/maze-rr5-scale1.pth (evaluate with: $bin evaluate --model Assets/agent/maze-rr5-scale1.pth)"
