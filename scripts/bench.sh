#!/usr/bin/env bash
# The server load benchmark (docs/PERFORMANCE.md, "Server"):
#   scripts/bench.sh                 national scale (scale 1), about 10 minutes
#   scripts/bench.sh --quick         shorter runs, same scenarios
#   scripts/bench.sh --scale 0.2     a smaller world
# Installs wrk (Debian) if missing, builds the release server and the
# benchmark, makes the scale world once (target/bench/scale-N.db, reused;
# delete it to remake), then runs every scenario against a copy and prints
# the table, the budgets and the invariants (JSON in target/bench/).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"

./scripts/setup.sh
if ! command -v wrk >/dev/null; then
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq wrk
fi
cargo leptos build --release --split
cargo build --release -p academy-bench
exec ./target/release/academy-bench "$@"
