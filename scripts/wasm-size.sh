#!/usr/bin/env bash
# What the browser downloads, as STYLE.md budgets it: every wasm and
# JavaScript file the release build serves (raw and gzip -9), and what a
# page with each island loads in all (the loader's JavaScript, the main
# wasm, and that island's wasm files from the split manifest).
#   scripts/wasm-size.sh            measure target/site/pkg as built
#   scripts/wasm-size.sh --build    build first (cargo leptos build --release --split)
#   scripts/wasm-size.sh --twiggy   also the largest items of the wasm
#                                   before splitting (cargo install twiggy)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.tools/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
if [ "${1:-}" = "--build" ]; then
  cargo leptos build --release --split >/dev/null
fi
pkg=target/site/pkg
gz() { gzip -9c "$1" | wc -c; }
printf '%-64s %9s %9s\n' file bytes gzip-9
for file in "$pkg"/*.wasm "$pkg"/*.js; do
  printf '%-64s %9d %9d\n' "$(basename "$file")" "$(stat -c %s "$file")" "$(gz "$file")"
done
python3 - "$pkg" <<'PY'
import gzip, json, os, sys
pkg = sys.argv[1]
def gz(name):
    with open(os.path.join(pkg, name), 'rb') as f:
        return len(gzip.compress(f.read(), 9))
base = ['academy.js', 'academy.wasm'] + [f for f in os.listdir(pkg) if f.startswith('__wasm_split') and f.endswith('.js')]
manifest = os.path.join(pkg, '__wasm_split_manifest.json')
islands = json.load(open(manifest)) if os.path.exists(manifest) else {}
print('\nwhat a page with one island loads in all (gzip -9):')
print(f"  {'no island':<44} {0:>9}")
for island, files in sorted(islands.items()):
    total = sum(gz(f) for f in base) + sum(gz(f + '.wasm') for f in files)
    print(f"  {island.rsplit('_loader', 1)[0]:<44} {total:>9}")
PY
if [ "${1:-}" = "--twiggy" ]; then
  twiggy top -n 25 target/front/wasm32-unknown-unknown/wasm-release/front.wasm
fi
