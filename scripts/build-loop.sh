#!/usr/bin/env bash
# The build loop, measured: an incremental `cargo leptos build --release
# --split` after a one-line change to a page's text (the home page's
# heading gains, then loses, a trailing "."), timed by hyperfine over five
# runs. Leaves the page as it found it. Needs a built tree (`make build`)
# and hyperfine (Debian).
set -euo pipefail
cd "$(dirname "$0")/.."
page=app/src/pages/home.rs
if [ "${1:-}" = "--toggle" ]; then
  if grep -q '{t.home_title}</h1>' "$page"; then
    sed -i 's|{t.home_title}</h1>|{t.home_title} "."</h1>|' "$page"
  else
    sed -i 's|{t.home_title} "."</h1>|{t.home_title}</h1>|' "$page"
  fi
  exit 0
fi
export PATH="$PWD/.tools/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
cp "$page" target/home.rs.orig
trap 'cp target/home.rs.orig "$page"' EXIT
hyperfine --runs 5 --prepare "$0 --toggle" --export-markdown target/build-loop.md \
  'cargo leptos build --release --split'
