#!/usr/bin/env bash
# Re-trains the bundled agent (Assets/agent/maze-rr5-scale1.pth) from scratch: development tool, needs PyTorch
# (pip install "torch==2.13.0+cpu"). Four phases, each fed by datasets that mazerender exports from procgenAISC
# maze_aisc rand_region=5 levels (cheese in the top-right 5x5), each phase on levels the earlier ones never saw:
#   1. levels 0..4299, 32 uniform mouse cells per level; imitation of the shortest path to the cheese plus a
#      mouse/cheese localisation loss at block 2; 3000 steps from a fixed seed.
#   2. levels 4300..10299, 20 cells per level, from phase 1, adding the path-field loss at block 2.
#   3. levels 10300..60299 in five shards, 8 uniform cells plus 4 cells on the start-to-cheese path per level,
#      from phase 2, 16000 steps of 14 levels each.
#   4. levels 60300..110299 in five shards, 8 uniform plus 8 path cells per level (more weight on long paths),
#      from phase 3, 14000 steps of 10 levels each (the fresh auxiliary heads first learn 300 steps on
#      a detached trunk).
# Usage: Scripts/train-bundled-agent.sh [WORKDIR]   (WORKDIR holds the datasets, about 22 GB; default /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-/tmp}/mazerender-training"
mkdir -p "$work" Assets/agent
swift build -c release --product mazerender
bin=.build/release/mazerender
$bin dataset --seeds '0..<4300' --generator aisc --rand-region 5 --cells-per-level 32 --random-seed 0 --out "$work/phase1"
python3 Scripts/train_agent.py --data "$work/phase1" --out "$work/phase1.pth" --steps 3000 --lr 1e-3 \
  --validation-levels 100 --seed 0
$bin dataset --seeds '4300..<10300' --generator aisc --rand-region 5 --cells-per-level 20 --random-seed 1 --out "$work/phase2"
python3 Scripts/train_agent.py --data "$work/phase2" --init "$work/phase1.pth" --field-weight 1.0 \
  --out "$work/phase2.pth" --steps 3000 --lr 5e-4 --validation-levels 100 --seed 1

# Shards of 10,000 levels: shard i holds levels 10300 + 10000 i ..< 10300 + 10000 (i + 1), PATH cells on the path.
shard() {
  local i=$1 path=$2 first=$((10300 + 10000 * $1))
  [ -f "$work/shard$i/fields.npy" ] || $bin dataset --seeds "$first..<$((first + 10000))" --generator aisc --rand-region 5 \
    --cells-per-level 8 --path-cells-per-level "$path" --random-seed $((2 + i)) --out "$work/shard$i" >&2
  echo "$work/shard$i"
}
phase3=$(for i in 0 1 2 3 4; do shard $i 4; done)
python3 Scripts/train_agent.py --data $phase3 --init "$work/phase2.pth" --field-weight 1.0 --out "$work/phase3.pth" \
  --steps 16000 --checkpoint-every 1000 --lr 5e-4 --levels-per-batch 14 --validation-levels 200 --seed 2
phase4=$(for i in 5 6 7 8 9; do shard $i 8; done)
python3 Scripts/train_agent.py --data $phase4 --init "$work/phase3.pth" --field-weight 1.0 \
  --out Assets/agent/maze-rr5-scale1.pth --steps 14000 --checkpoint-every 1000 --lr 3e-4 --levels-per-batch 10 \
  --validation-levels 200 --seed 3 --head-warmup 300
echo "trained: Assets/agent/maze-rr5-scale1.pth (evaluate with: $bin evaluate)"
