#!/usr/bin/env bash
# Submits a sharded `mazerender stats` run to Slurm: a job array of Scripts/slurm-stats.sbatch (one shard per
# task, into $OUT/shard-1 .. $OUT/shard-$SHARDS), then `mazerender stats merge` as a job that depends on the
# array (afterok: it starts once every task has succeeded, and is cancelled if one fails). The merged output
# (seeds.csv, run.json, regression.json, summary.md, plots/) lands in $OUT itself, next to the shard folders;
# the jobs' logs go to $OUT/logs/.
#
# Usage, from the package root (the jobs run in the directory you submit from):
#   SEEDS=0..999 SHARDS=8 OUT=/scratch/stats Scripts/slurm-stats.sh [extra sbatch options...]
# e.g. MAZERENDER=.build/release/mazerender SEEDS=0..199 SHARDS=4 OUT=/tmp/stats Scripts/slurm-stats.sh -p debug
# Prints the array's and the merge's job ids; follow them with `squeue -u $USER` or `sacct -j ID`.
#
# Environment:
#   SEEDS, OUT, MODEL, ASSETS, STATS_ARGS, RESUME, MAZERENDER   as in Scripts/slurm-stats.sbatch
#               (OUT default stats-out; it is made absolute here)
#   SHARDS      number of array tasks / parts (default 8)
#   MERGE_ARGS  further options for `stats merge`, word-split, e.g. "--features a,b" (match STATS_ARGS')
# Extra arguments are sbatch options given to both submissions (partition, account, time limit, ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
batch="$here/slurm-stats.sbatch"

export MAZERENDER=${MAZERENDER:-mazerender}
export SEEDS=${SEEDS:-0..999}
OUT=${OUT:-stats-out}
SHARDS=${SHARDS:-8}
MERGE_ARGS=${MERGE_ARGS:-}

fail() { echo "slurm-stats: error: $*" >&2; exit 1; }

command -v sbatch >/dev/null || fail "sbatch not found; run this on a Slurm submit host"
[[ "$SHARDS" =~ ^[1-9][0-9]*$ ]] || fail "SHARDS=$SHARDS: give a positive number"
mkdir -p "$OUT/logs"
OUT="$(cd "$OUT" && pwd)"
export OUT
for k in $(seq 1 "$SHARDS"); do
    [ ! -e "$OUT/shard-$k/seeds.csv" ] || [ "${RESUME:-0}" = 1 ] ||
        fail "$OUT/shard-$k already holds a finished shard; use another OUT (or RESUME=1 to finish an interrupted run)"
done

# The array: one task per shard. --parsable prints "jobid" or "jobid;cluster".
array_id=$(sbatch --parsable --array="1-$SHARDS" --cpus-per-task=1 \
    --output="$OUT/logs/shard-%a.out" "$@" "$batch")
array_id=${array_id%%;*}
echo "slurm-stats: submitted array job $array_id ($SHARDS tasks, seeds $SEEDS) -> $OUT/shard-1..$SHARDS"

# The merge, as a small script on sbatch's standard input, with every value quoted in.
shards=()
for k in $(seq 1 "$SHARDS"); do shards+=("$OUT/shard-$k"); done
merge=("$MAZERENDER" stats merge "${shards[@]}" --out "$OUT")
# shellcheck disable=SC2206 # MERGE_ARGS is meant to be split into words
[ -z "$MERGE_ARGS" ] || merge+=($MERGE_ARGS)
merge_id=$(sbatch --parsable --job-name=mazerender-stats-merge --ntasks=1 --cpus-per-task=1 \
    --dependency="afterok:$array_id" --kill-on-invalid-dep=yes \
    --output="$OUT/logs/merge.out" "$@" <<EOF
#!/usr/bin/env bash
set -euo pipefail
echo "slurm-stats: merging $SHARDS shards of array job $array_id into $OUT"
start=\$SECONDS
$(printf '%q ' "${merge[@]}")
echo "slurm-stats: merge finished in \$((SECONDS - start)) s"
EOF
)
merge_id=${merge_id%%;*}
echo "slurm-stats: submitted merge job $merge_id (after array job $array_id succeeds) -> $OUT/seeds.csv"
echo "$array_id $merge_id"
