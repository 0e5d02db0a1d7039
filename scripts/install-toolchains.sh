#!/usr/bin/env bash
# install-toolchains.sh: kubeharden's toolchain installer (Debian 12, run as root). Idempotent:
# what is in place is detected and skipped (a few seconds); scripts/test runs it every time.
#
#   (A) WASM:    Debian rustc-web/cargo-web/rust-web-src/rust-web-llvm (one version) + lld-NN,
#                the wrapper `wasm-cargo`, wasm-bindgen-cli (= wasm-bindgen in Cargo.lock),
#                wasm-opt from npm binaryen (never Debian's binaryen)
#   (B) browser: Debian chromium + chromium-driver, npm playwright-core and typescript
#   (C) Python:  maturin, pytest, mypy, jsonschema, kubernetes-validate (pip; a venv if python3 is externally managed)
#   (D) registry: Debian docker-registry, skopeo, apache2-utils (htpasswd), openssl: the
#                real-registry tests of registry/ and cli/ (started on 127.0.0.1 by the tests)
#   (E) editor:  the language server's real clients: Debian neovim; pygls and lsprotocol (pip,
#                into (C)'s Python)
#
# Everything not from apt goes under /opt/kubeharden-tools (PREFIX). To use the tools, source
# the env file this script writes (the ONE mechanism; nothing is linked into /usr/local):
#
#     . /opt/kubeharden-tools/env.sh
#
# It puts PREFIX/bin first in PATH (wasm-cargo, wasm-bindgen, wasm-bindgen-test-runner,
# wasm-opt, tsc; no cargo/rustc there, so host builds keep rustup's stable toolchain) and
# PREFIX/npm/node_modules in NODE_PATH (require('playwright-core') works from anywhere).
#
# Usage: install-toolchains.sh [--lockfile PATH] [--no-wasm] [--no-chromium] [--no-python]
#                              [--no-registry] [--no-editor] [-h]
#   --lockfile PATH  Cargo.lock whose wasm-bindgen version wasm-bindgen-cli must match
#                    (default ./Cargo.lock, else the repo's; else 0.2.130, the project's pin)
#   --no-wasm        skip (A)        --no-chromium  skip (B)        --no-python  skip (C)
#   --no-registry    skip (D)
#   --no-editor      skip (E)
# Environment: KH_TOOLS_PREFIX (default /opt/kubeharden-tools), PYTHON (default python3).
# See scripts/README.md.
set -euo pipefail

# ---- versions (pins) ------------------------------------------------------------------------
WASM_BINDGEN_FALLBACK=0.2.130   # the project pins wasm-bindgen = "=0.2.130"
BINARYEN_VERSION=132.0.0        # wasm-opt; Debian's binaryen 108 breaks wasm-bindgen output
PLAYWRIGHT_CORE_VERSION=1.65.1
TYPESCRIPT_VERSION=7.0.2
MATURIN_VERSION=1.16.0
PYGLS_VERSION=2.1.1
LSPROTOCOL_VERSION=2025.0.0
RUST_WEB_DEBS=(rustc-web cargo-web rust-web-src rust-web-llvm)   # must share one Debian version
PREFIX=${KH_TOOLS_PREFIX:-/opt/kubeharden-tools}
ENV_FILE=$PREFIX/env.sh

# ---- options --------------------------------------------------------------------------------
WASM=1 CHROMIUM=1 PY=1 REGISTRY=1 EDITOR=1 LOCKFILE=""
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --lockfile) [ $# -ge 2 ] || { usage >&2; exit 2; }; LOCKFILE=$2; shift ;;
    --lockfile=*) LOCKFILE=${1#*=} ;;
    --no-wasm) WASM=0 ;;
    --no-chromium) CHROMIUM=0 ;;
    --no-python) PY=0 ;;
    --no-registry) REGISTRY=0 ;;
    --no-editor) EDITOR=0 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-toolchains: unknown option: $1 (see -h)" >&2; exit 2 ;;
  esac
  shift
done

T0=$SECONDS
ok()   { printf 'ok:         %s\n' "$*"; }
inst() { printf 'installing: %s\n' "$*"; }
die()  { printf 'install-toolchains: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; printf "install-toolchains: FAILED (exit %s) at line %s: %s\n" "$rc" "$LINENO" "$BASH_COMMAND" >&2' ERR
TMPD=$(mktemp -d -t kh-toolchains.XXXXXX)
trap 'rm -rf "$TMPD"' EXIT

[ "$(id -u)" = 0 ] || die "run as root (apt-get, writes $PREFIX)"
command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian 12"
export DEBIAN_FRONTEND=noninteractive
CARGO_HOME_DIR=${CARGO_HOME:-$HOME/.cargo}
export PATH="$PREFIX/bin:$CARGO_HOME_DIR/bin:$PATH"   # rustup's cargo for `cargo install`
PYTHON=${PYTHON:-python3}
mkdir -p "$PREFIX/bin"

# ---- helpers --------------------------------------------------------------------------------
APT_UPDATED=0
deb_ver() { dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null | sed -n 's/^installed //p'; }
apt_install() {
  inst "apt: $*"
  if [ "$APT_UPDATED" = 0 ]; then apt-get update -qq || die "apt-get update failed"; APT_UPDATED=1; fi
  apt-get install -y -qq --no-install-recommends "$@" >"$TMPD/apt.log" 2>&1 ||
    { tail -30 "$TMPD/apt.log" >&2; die "apt-get install $* failed"; }
}
ensure_debs() {   # ensure_debs PKG...: install the missing ones
  local p missing=()
  for p in "$@"; do [ -n "$(deb_ver "$p")" ] || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && ok "apt: $*" || apt_install "${missing[@]}"
}
# put CONTENT (stdin) into FILE with MODE, only when it differs
write_file() {
  cat >"$TMPD/wf"
  cmp -s "$TMPD/wf" "$1" 2>/dev/null && return 0
  install -m "$2" "$TMPD/wf" "$1"; inst "wrote $1"
}
link() { [ "$(readlink "$2" 2>/dev/null)" = "$1" ] || { ln -sfn "$1" "$2"; inst "linked $2 -> $1"; }; }

# ---- (A1) Debian's Rust for wasm32 ----------------------------------------------------------
if [ "$WASM" = 1 ]; then
  for p in rustc cargo rustup; do
    [ -z "$(deb_ver "$p")" ] || die "Debian package '$p' is installed; it conflicts with rustc-web/cargo-web (apt-get remove $p; rustup in ~/.cargo is fine)"
  done
  vers=$(for p in "${RUST_WEB_DEBS[@]}"; do echo "v=$(deb_ver "$p")"; done | sort -u)
  if [ "$(printf '%s\n' "$vers" | wc -l)" = 1 ] && [ "$vers" != "v=" ]; then
    ok "apt: ${RUST_WEB_DEBS[*]} ${vers#v=}"
  else
    [ "$APT_UPDATED" = 1 ] || { apt-get update -qq || die "apt-get update failed"; APT_UPDATED=1; }
    cand=$(apt-cache policy rustc-web | sed -n 's/^ *Candidate: *//p')
    [ -n "$cand" ] && [ "$cand" != "(none)" ] || die "apt has no rustc-web candidate (Debian 12 bookworm main)"
    apt_install "${RUST_WEB_DEBS[@]/%/=$cand}"
  fi
  # rust-web-llvm ships /usr/bin/rust-lld -> lld-NN but does not depend on lld-NN
  lld=$(readlink /usr/bin/rust-lld || true)
  [ -n "$lld" ] || die "/usr/bin/rust-lld missing (package rust-web-llvm)"
  ensure_debs "$lld"
  rv=$(/usr/bin/rustc --version | awk '{print $2}')
  src=$(readlink -f /usr/lib/rustlib/src/rust || true)
  [ "${src##*/rustc-}" = "$rv" ] && [ -f "$src/library/std/Cargo.toml" ] ||
    die "/usr/bin/rustc is $rv but the std sources are '${src:-missing}' (rustc-web and rust-web-src must match)"
  ok "/usr/bin/rustc $rv, std sources $src, rust-lld -> $lld"

  # ---- (A2) wasm-cargo wrapper --------------------------------------------------------------
  write_file "$PREFIX/bin/wasm-cargo" 755 <<EOF
#!/bin/sh
# wasm-cargo (written by kubeharden scripts/install-toolchains.sh): /usr/bin/cargo (Debian
# cargo-web) building for wasm32-unknown-unknown with Debian's rustc-web; std is built from
# rust-web-src via -Z build-std=std,panic_abort. Overrides: WASM_RUSTC, WASM_RUSTDOC,
# CARGO_BUILD_TARGET, CARGO_UNSTABLE_BUILD_STD, WASM_CARGO_TARGET_DIR (default:
# \$CARGO_TARGET_DIR/wasm if CARGO_TARGET_DIR is set, else <workspace>/target/wasm).
export PATH="$PREFIX/bin:\$PATH"
export RUSTC="\${WASM_RUSTC:-/usr/bin/rustc}"
export RUSTDOC="\${WASM_RUSTDOC:-/usr/bin/rustdoc}"
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD="\${CARGO_UNSTABLE_BUILD_STD:-std,panic_abort}"
export CARGO_BUILD_TARGET="\${CARGO_BUILD_TARGET:-wasm32-unknown-unknown}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="\${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER:-wasm-bindgen-test-runner}"
if [ -n "\${WASM_CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="\$WASM_CARGO_TARGET_DIR"
elif [ -n "\${CARGO_TARGET_DIR:-}" ]; then
  export CARGO_TARGET_DIR="\$CARGO_TARGET_DIR/wasm"
elif ws=\$(/usr/bin/cargo locate-project --workspace --message-format plain 2>/dev/null); then
  export CARGO_TARGET_DIR="\${ws%/*}/target/wasm"
fi
exec /usr/bin/cargo "\$@"
EOF
  ok "$PREFIX/bin/wasm-cargo"

  # ---- (A3) wasm-bindgen-cli = wasm-bindgen in Cargo.lock -----------------------------------
  if [ -z "$LOCKFILE" ]; then
    for f in ./Cargo.lock "$(dirname "$0")/../Cargo.lock"; do [ -f "$f" ] && { LOCKFILE=$f; break; }; done
  else
    [ -f "$LOCKFILE" ] || die "--lockfile $LOCKFILE: no such file"
  fi
  WB=""
  if [ -n "$LOCKFILE" ]; then
    WB=$(awk '/^\[\[package\]\]/{n=0} /^name = "wasm-bindgen"$/{n=1; next} n && /^version = /{gsub(/"/,"",$3); print $3}' "$LOCKFILE" | sort -u)
    [ "$(printf '%s' "$WB" | grep -c .)" -le 1 ] || die "$LOCKFILE lists several wasm-bindgen versions: $(echo $WB)"
  fi
  WB_FROM=$LOCKFILE
  if [ -z "$WB" ]; then
    WB=$WASM_BINDGEN_FALLBACK; WB_FROM="fallback: ${LOCKFILE:-no Cargo.lock}${LOCKFILE:+ lists no wasm-bindgen}"
  fi
  if [ "$("$PREFIX/bin/wasm-bindgen" --version 2>/dev/null)" = "wasm-bindgen $WB" ] &&
     [ "$("$PREFIX/bin/wasm-bindgen-test-runner" --version 2>/dev/null)" = "wasm-bindgen-test-runner $WB" ]; then
    ok "wasm-bindgen-cli $WB ($WB_FROM)"
  else
    inst "wasm-bindgen-cli $WB ($WB_FROM) with $(cargo --version); about 4 min on 2 cores"
    (
      # neutral directory and environment: no project toolchain file, no wasm-cargo settings
      cd "$TMPD"
      unset RUSTC RUSTDOC RUSTC_BOOTSTRAP CARGO_TARGET_DIR CARGO_BUILD_TARGET CARGO_UNSTABLE_BUILD_STD
      log=$TMPD/cargo-install.log
      cargo install wasm-bindgen-cli --version "$WB" --locked --force --root "$PREFIX" >"$log" 2>&1 && exit 0
      # The registry here may lack a version pinned in the crate's own Cargo.lock (0.2.130 pins
      # webpki-roots 1.0.11; the registry stops at 1.0.10): unpack the .crate the failed attempt
      # fetched, step such pins down with `cargo update -p NAME@VER`, install from the path.
      grep -q 'failed to select a version for the requirement' "$log" || { tail -30 "$log" >&2; exit 1; }
      crate=$(ls "$CARGO_HOME_DIR"/registry/cache/*/"wasm-bindgen-cli-$WB.crate" 2>/dev/null | head -1)
      [ -n "$crate" ] || { echo "wasm-bindgen-cli-$WB.crate not in the cargo cache" >&2; exit 1; }
      tar -xzf "$crate" -C "$TMPD"
      cd "$TMPD/wasm-bindgen-cli-$WB"
      for _ in 1 2 3 4 5; do
        pin=$(sed -n 's/.*failed to select a version for the requirement `\([^ `]*\) = .*(locked to \([^)]*\)).*/\1@\2/p' "$log" | head -1)
        [ -n "$pin" ] || { tail -30 "$log" >&2; exit 1; }
        printf '            registry lacks %s: cargo update -p %s\n' "$pin" "$pin"
        cargo update -q -p "$pin" 2>>"$log"
        cargo install --path . --locked --force --root "$PREFIX" >"$log" 2>&1 && exit 0
      done
      tail -30 "$log" >&2; exit 1
    ) || die "cargo install wasm-bindgen-cli $WB failed (see above)"
    [ "$("$PREFIX/bin/wasm-bindgen" --version)" = "wasm-bindgen $WB" ] || die "installed wasm-bindgen is not $WB"
    ok "wasm-bindgen-cli $WB in $PREFIX/bin"
  fi
fi

# ---- (B1) chromium --------------------------------------------------------------------------
[ "$CHROMIUM" = 0 ] || ensure_debs chromium chromium-driver

# ---- (A4, B2) npm tools in PREFIX/npm: binaryen (wasm-opt), playwright-core, typescript -----
NPM_DIR=$PREFIX/npm
npm_want=()
[ "$WASM" = 0 ] || npm_want+=("binaryen@$BINARYEN_VERSION")
[ "$CHROMIUM" = 0 ] || npm_want+=("playwright-core@$PLAYWRIGHT_CORE_VERSION")
[ "$WASM$CHROMIUM" = 00 ] || npm_want+=("typescript@$TYPESCRIPT_VERSION")
if [ ${#npm_want[@]} -gt 0 ]; then
  command -v node >/dev/null || apt_install nodejs npm
  command -v npm >/dev/null || die "node is installed but npm is not"
  # one node call: print the specs whose installed version differs
  npm_missing=$(D=$NPM_DIR node -e '
    for (const s of process.argv.slice(1)) {
      const i = s.lastIndexOf("@"); let v = "";
      try { v = require(process.env.D + "/node_modules/" + s.slice(0, i) + "/package.json").version; } catch {}
      if (v !== s.slice(i + 1)) console.log(s);
    }' "${npm_want[@]}")
  if [ -z "$npm_missing" ]; then
    ok "npm: ${npm_want[*]}"
  else
    inst "npm into $NPM_DIR: $(echo $npm_missing)"
    mkdir -p "$NPM_DIR"
    [ -f "$NPM_DIR/package.json" ] || echo '{"private": true}' >"$NPM_DIR/package.json"
    # shellcheck disable=SC2086
    npm install --prefix "$NPM_DIR" --save-exact --no-audit --no-fund --loglevel=error $npm_missing \
      >"$TMPD/npm.log" 2>&1 || { tail -30 "$TMPD/npm.log" >&2; die "npm install failed"; }
  fi
  if [ "$WASM" = 1 ]; then
    link ../npm/node_modules/binaryen/bin/wasm-opt "$PREFIX/bin/wasm-opt"
    [ -z "$(deb_ver binaryen)" ] || echo "WARNING: Debian's binaryen is installed; its /usr/bin/wasm-opt (108) breaks wasm-bindgen output. Use $PREFIX/bin/wasm-opt (first in PATH via env.sh)." >&2
  fi
  link ../npm/node_modules/typescript/bin/tsc "$PREFIX/bin/tsc"
fi

# ---- (C) Python -----------------------------------------------------------------------------
if [ "$PY" = 1 ]; then
  command -v "$PYTHON" >/dev/null || { [ "$PYTHON" = python3 ] && apt_install python3 python3-pip python3-venv || die "$PYTHON not found"; }
  managed=$("$PYTHON" -c 'import os, sys, sysconfig; print(int(sys.prefix == sys.base_prefix and os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))))')
  if [ "$managed" = 1 ]; then
    # Debian's own python3 refuses pip installs (PEP 668): use a venv, put first in PATH by env.sh
    VENV=$PREFIX/venv
    ensure_debs python3-venv python3-dev
    [ -x "$VENV/bin/python" ] || { inst "venv $VENV"; "$PYTHON" -m venv "$VENV"; }
    PYTHON=$VENV/bin/python
  fi
  pip_want=("maturin==$MATURIN_VERSION" pytest mypy jsonschema kubernetes-validate)
  [ "$EDITOR" = 0 ] || pip_want+=("pygls==$PYGLS_VERSION" "lsprotocol==$LSPROTOCOL_VERSION")
  pip_missing=$("$PYTHON" - "${pip_want[@]}" <<'EOF'
import sys, importlib.metadata as md
for spec in sys.argv[1:]:
    name, _, want = spec.partition("==")
    try:
        have = md.version(name)
    except md.PackageNotFoundError:
        have = None
    if have is None or (want and have != want):
        print(spec)
EOF
)
  if [ -z "$pip_missing" ]; then
    ok "pip ($("$PYTHON" --version)): ${pip_want[*]}"
  else
    inst "pip ($("$PYTHON" --version)): $(echo $pip_missing)"
    # shellcheck disable=SC2086
    PIP_ROOT_USER_ACTION=ignore "$PYTHON" -m pip install -q --disable-pip-version-check $pip_missing || die "pip install failed"
    if command -v pyenv >/dev/null; then pyenv rehash; fi
  fi
fi

# ---- (D) a real registry for the registry tests -------------------------------------------
# docker-registry is never started here (Debian's package has no service without systemd): the
# tests start it on 127.0.0.1 with a port the kernel picks and stop it.
[ "$REGISTRY" = 0 ] || ensure_debs docker-registry skopeo apache2-utils openssl

# ---- (E) editor ------------------------------------------------------------------------------
# (E)'s Python packages are installed with (C)'s above; an editor suite declares both parts.
if [ "$EDITOR" = 1 ]; then
  ensure_debs neovim
fi

# ---- env file -------------------------------------------------------------------------------
{
  echo "# Written by kubeharden scripts/install-toolchains.sh. Usage: . $ENV_FILE"
  echo "# PATH: wasm-cargo wasm-bindgen wasm-bindgen-test-runner wasm-opt tsc; NODE_PATH: playwright-core"
  if [ -d "$PREFIX/venv" ]; then   # the venv of (C), kept even when run with --no-python
    echo "case \":\$PATH:\" in *\":$PREFIX/venv/bin:\"*) ;; *) PATH=\"$PREFIX/venv/bin:\$PATH\" ;; esac"
  fi
  echo "case \":\$PATH:\" in *\":$PREFIX/bin:\"*) ;; *) PATH=\"$PREFIX/bin:\$PATH\" ;; esac"
  echo "case \":\${NODE_PATH:-}:\" in *\":$NPM_DIR/node_modules:\"*) ;; *) NODE_PATH=\"$NPM_DIR/node_modules\${NODE_PATH:+:\$NODE_PATH}\" ;; esac"
  echo "export PATH NODE_PATH"
} | write_file "$ENV_FILE" 644
ok "toolchains ready in $((SECONDS - T0)) s; use them with: . $ENV_FILE"
