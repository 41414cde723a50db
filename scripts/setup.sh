#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Academy needs, skipping
# whatever is already there at the right version, so a second run is fast.
# Everything comes from rustup, crates.io, npm or Debian — nothing else.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# 1. The pinned Rust toolchain with the wasm target (rust-toolchain.toml).
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
if ! rustup run "$toolchain" rustc --print target-libdir --target wasm32-unknown-unknown >/dev/null 2>&1 \
   || [ ! -d "$(rustup run "$toolchain" rustc --print target-libdir --target wasm32-unknown-unknown 2>/dev/null)" ]; then
  say "installing Rust $toolchain with the wasm32 target"
  rustup toolchain install "$toolchain" --profile minimal \
    --component rustfmt --component clippy --target wasm32-unknown-unknown
fi
if ! rustup component list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^clippy'; then
  rustup component add --toolchain "$toolchain" rustfmt clippy
fi

# 2. cargo-leptos, built without its own downloader (no_downloads): the
#    tools it would fetch come from the registries below instead.
#    Its own release profile is fat LTO with one codegen unit (31 minutes
#    on 2 cores); a build tool needs none of that speed, so the install
#    overrides it (about 10 minutes).
leptos_version=0.3.10
if ! cargo leptos --version 2>/dev/null | grep -q "$leptos_version"; then
  say "installing cargo-leptos $leptos_version (about 10 minutes, once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install cargo-leptos --version "$leptos_version" --locked --features no_downloads
fi

# 3. The wasm-bindgen CLI must match the wasm-bindgen crate exactly.
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q "$bindgen_version"; then
  say "installing wasm-bindgen-cli $bindgen_version"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    cargo install wasm-bindgen-cli --version "$bindgen_version"
fi

# 4. wasm-opt for release builds, from npm's binaryen (Debian's is too old:
#    its output never hydrates).
binaryen_version=132
if ! .tools/npm/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version $binaryen_version"; then
  say "installing wasm-opt (npm binaryen@$binaryen_version)"
  mkdir -p .tools/npm
  npm install --silent --no-audit --no-fund --prefix .tools/npm "binaryen@$binaryen_version"
fi

# 5. Debian packages. Always: a CJK font, embedded in certificate PDFs and
#    used by Chinese pages. For the tests also: Chromium and its driver,
#    poppler (pdftoppm/pdftotext/pdffonts) and zbar (reads the QR code back).
missing=()
# grep without -q reads all of fc-list's output: with pipefail, an early
# exit would make fc-list die of SIGPIPE and the font look missing.
fc-list 2>/dev/null | grep -i 'Noto Serif CJK' >/dev/null || missing+=(fonts-noto-cjk)
if $want_test; then
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  command -v pdftoppm >/dev/null || missing+=(poppler-utils)
  command -v zbarimg >/dev/null || missing+=(zbar-tools)
fi
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (Debian)"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

# 6. For the tests: the independent credential verifier (tests/verifier),
#    Digital Bazaar's JSON-LD and Verifiable Credentials libraries from npm
#    at the versions its package-lock.json pins.
if $want_test; then
  # The lock file copied in after an install says what is installed.
  if ! cmp -s tests/verifier/package-lock.json tests/verifier/node_modules/.installed-lock.json 2>/dev/null; then
    say "installing the credential verifier's npm packages (tests/verifier)"
    (cd tests/verifier && npm ci --silent --no-audit --no-fund &&
      cp package-lock.json node_modules/.installed-lock.json)
  fi
fi
