#!/usr/bin/env bash
# Builds the browser's wasm exactly as `cargo leptos build --release` does
# (the `front` crate, wasm-bindgen, wasm-opt -Oz) into target/wasm-size/ and
# prints its size raw and gzip -9 — the figure STYLE.md budgets. With
# --twiggy, also the largest items before wasm-opt (needs `cargo install
# twiggy`). A quick loop for finding what makes the wasm big.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/npm/node_modules/.bin:$PATH"
out=target/wasm-size
mkdir -p "$out"
RUSTFLAGS="--cfg erase_components" LEPTOS_OUTPUT_NAME=academy \
  cargo build --package=front --lib --target-dir=target/front \
  --target=wasm32-unknown-unknown --no-default-features --features=hydrate \
  --profile=wasm-release --quiet
wasm=target/front/wasm32-unknown-unknown/wasm-release/front.wasm
wasm-bindgen --target=web --out-name=academy --out-dir="$out" "$wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
  "$out/academy_bg.wasm" -o "$out/academy.wasm"
for file in "$out/academy.wasm" "$out/academy.js"; do
  printf '%-28s %8d bytes  %7d gzip -9\n' "$(basename "$file")" \
    "$(stat -c %s "$file")" "$(gzip -9c "$file" | wc -c)"
done
if [ "${1:-}" = "--twiggy" ]; then
  twiggy top -n 30 "$wasm"
fi
