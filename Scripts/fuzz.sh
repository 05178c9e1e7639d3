#!/usr/bin/env bash
# Builds the libFuzzer harnesses of Fuzz/ (with AddressSanitizer) and runs each for SECONDS (default 60), then
# prints executions and crashes per harness. Usage:
#
#   Scripts/fuzz.sh [SECONDS] [HARNESS ...]        e.g. Scripts/fuzz.sh 600 SeedListFuzzer PickleFuzzer
#
# Environment: FUZZ_RUNS (stop a harness after this many executions; default: only the time limit),
# FUZZ_RSS_LIMIT_MB (default 2048; also the largest single allocation), FUZZ_TIMEOUT (seconds one input may
# take, default 10). Each harness starts from its committed seeds, Fuzz/Corpus/<harness>/ (never written to),
# and the inputs it found in earlier runs, Fuzz/.build/fuzz/<harness>/corpus/. A crash, leak, time-out or
# out-of-memory input is written to Fuzz/.build/fuzz/<harness>/ (crash-*, leak-*, timeout-*, oom-*) and the
# script exits 1; reproduce it with `Fuzz/.build/release/<harness> FILE`, and make it a regression test.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
[ $# -gt 0 ] && shift
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
    harnesses=(PickleFuzzer LegacyCheckpointFuzzer ZipCheckpointFuzzer SafeTensorsFuzzer NumpyFuzzer
               FigureTemplateFuzzer PatchSpecFuzzer SeedListFuzzer VariantSpecFuzzer)
fi
runs=${FUZZ_RUNS:--1}
rss=${FUZZ_RSS_LIMIT_MB:-2048}
timeout=${FUZZ_TIMEOUT:-10}

echo "Building the harnesses (release, -sanitize=fuzzer,address) ..."
build=(swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer,address)
# ld.gold warns once per ASan helper symbol; those lines carry no information.
"${build[@]}" 2>&1 | grep -v "Cannot export local symbol"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
    echo "fuzz.sh: building the harnesses failed (see above)" >&2
    exit 1
fi
bin=$("${build[@]}" --show-bin-path)

# Swift's own crash backtracer reads memory ASan watches; let libFuzzer report crashes instead. Known leaks of
# dependencies are listed (with the reason) in Fuzz/lsan-suppressions.txt.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS=suppressions=$PWD/Fuzz/lsan-suppressions.txt${LSAN_OPTIONS:+:$LSAN_OPTIONS}

summary=()
failed=0
for harness in "${harnesses[@]}"; do
    work=Fuzz/.build/fuzz/$harness
    seeds=Fuzz/Corpus/$harness
    [ -d "$seeds" ] || { echo "fuzz.sh: no harness or seed folder $seeds" >&2; exit 64; }
    mkdir -p "$work/corpus"
    log=$work/last-run.log
    echo "== $harness: up to ${seconds}s (log: $log)"
    extra=()
    # ZIPFoundation leaks 68 bytes per archive opened (see Fuzz/lsan-suppressions.txt); with leak detection on,
    # that makes LeakSanitizer scan the whole heap after every input (70 instead of thousands of inputs a
    # second). The unpickler and materialiser behind it are leak-checked by PickleFuzzer and
    # LegacyCheckpointFuzzer.
    [ "$harness" = ZipCheckpointFuzzer ] && extra=(-detect_leaks=0)
    "$bin/$harness" "$work/corpus" "$seeds" -max_total_time="$seconds" -runs="$runs" -rss_limit_mb="$rss" \
        -malloc_limit_mb="$rss" -timeout="$timeout" -print_final_stats=1 -artifact_prefix="$work/" \
        "${extra[@]}" >"$log" 2>&1
    status=$?
    executions=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$log" | tail -1)
    peak=$(awk '/^stat::peak_rss_mb:/ {print $2}' "$log" | tail -1)
    crashes=$(grep -c "Test unit written to" "$log")
    tail -n 3 "$log" | sed 's/^/   /'
    if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then failed=1; fi
    summary+=("$(printf '%-24s %12s %8s %10s   %s' "$harness" "${executions:-?}" "$crashes" "${peak:-?}" \
        "$([ "$status" -eq 0 ] && echo ok || echo "exit $status: $(grep -m1 -E 'ERROR|deadly|Test unit written' "$log")")")")
done

echo
printf '%-24s %12s %8s %10s   %s\n' harness executions crashes "peak MB" result
printf '%s\n' "${summary[@]}"
exit $failed
