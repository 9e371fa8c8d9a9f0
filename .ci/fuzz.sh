#!/usr/bin/env bash
# Fuzz smoke run for ssekit, from the repository root: builds the cargo-fuzz crate in fuzz/
# and runs every target for a short, fixed time with the committed corpus and dictionary.
# Exits non-zero if a target crashes (the input is left in fuzz/artifacts/<target>/).
#
#   bash .ci/fuzz.sh [SECONDS_PER_TARGET]     (default: $FUZZ_SECONDS, or 20)
#
# Installs cargo-fuzz if it is missing. Without a nightly toolchain it only checks that the
# fuzz crate builds (on stable). Long campaigns: see fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TERM_COLOR=never
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"
seconds="${1:-${FUZZ_SECONDS:-20}}"
targets=(parse chunked differential limits roundtrip adapters)

step() { printf '\n=== %s\n' "$*"; }

step "fuzz/: cargo fmt --check"
cargo fmt --manifest-path fuzz/Cargo.toml -- --check

if ! cargo +nightly --version >/dev/null 2>&1; then
  step "fuzz/: no nightly toolchain, so no fuzzing: cargo check on stable"
  cargo check --manifest-path fuzz/Cargo.toml --bins
  exit 0
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
cargo fuzz --version

step "cargo +nightly fuzz build --debug-assertions (${targets[*]})"
cargo +nightly fuzz build --debug-assertions

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failed=()
for target in "${targets[@]}"; do
  step "fuzz $target: ${seconds}s, corpus fuzz/corpus/$target, dictionary fuzz/sse.dict"
  mkdir -p "$work/corpus-$target"
  log="$work/$target.log"
  # New inputs go to a scratch directory: the committed corpus is only read.
  if cargo +nightly fuzz run --debug-assertions "$target" "$work/corpus-$target" \
    "fuzz/corpus/$target" -- -dict=fuzz/sse.dict -max_total_time="$seconds" -max_len=4096 \
    -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' "$log" || tail -n 3 "$log"
  else
    tail -n 80 "$log"
    echo "fuzz $target: FAILED (crash input under fuzz/artifacts/$target/)"
    failed+=("$target")
  fi
done

echo
if ((${#failed[@]})); then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
