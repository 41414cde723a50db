#!/usr/bin/env bash
# Fuzzes the parsers that read what users and other systems send (the
# targets are in fuzz/fuzz_targets): the trainee import's CSV, the question
# bank's CSV and JSON, a credential handed in for verification, and a
# server function's form-encoded body.
#   scripts/fuzz.sh                 every target for 60 s
#   scripts/fuzz.sh 600             every target for 10 minutes
#   scripts/fuzz.sh 60 credential   one target
# Installs what it needs: Rust nightly (rustup) and cargo-fuzz (crates.io).
# New inputs that reach new code are kept in fuzz/corpus/<target> (not
# committed; fuzz/seeds/<target> are the committed starting points); an
# input that crashes is written to fuzz/artifacts/<target>/ and the script
# fails, printing how to replay it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(csv_import bank_import credential server_fn_body)
fi

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null || cargo +nightly install cargo-fuzz --version 0.13.2 --locked

cd fuzz
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  echo "== $target: ${seconds}s"
  # -rss_limit_mb: the app's statics and the sanitiser's shadow memory
  # together stay far below it; a leak or a runaway allocation does not.
  cargo +nightly fuzz run "$target" "corpus/$target" "seeds/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 2>&1 |
    grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Failing input|artifact_prefix|thread .* panicked)|cov:' |
    tail -n 6
  status=${PIPESTATUS[0]}
  if [ "$status" -ne 0 ]; then
    echo "$target failed: replay with (cd fuzz && cargo +nightly fuzz run $target artifacts/$target/<file>)"
    exit "$status"
  fi
done
