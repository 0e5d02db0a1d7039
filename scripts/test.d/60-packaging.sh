#!/usr/bin/env bash
# Packages a user could publish today, and the `kubeharden` command from every channel:
#  1. `cargo package` of the publishable crates (kubeharden, kubeharden-cli, kubeharden-lsp, the
#     language server the CLI runs as `kubeharden server`): description, licence,
#     readme, repository, keywords; README.md and LICENSE in each .crate; no path-only dependency
#     (cargo refuses those); each .crate builds on its own (cargo's verification). Sizes printed.
#  2. `cargo install --path cli` into target/pkg/cargo-root: the installed `kubeharden` runs.
#  3. The wheel maturin builds: `twine check --strict`, one abi3 wheel with the console script,
#     installed with nothing else into a clean venv (no system site packages), where `kubeharden`
#     and `python -m kubeharden` print what the cargo-installed binary prints.
#  4. `npm pack --dry-run` of bindings-wasm (built first when missing): exactly the files the
#     package needs; sizes printed.
#  5. Both pre-commit hooks of .pre-commit-hooks.yaml with the real `pre-commit try-repo` on a
#     throwaway git repository: a bad manifest fails the hook, a hardened one passes. The
#     `kubeharden` hook pip-installs this repository into pre-commit's own environment (maturin
#     builds the extension there, at each try-repo; the cargo output is kept in
#     target/pkg/pre-commit-target);
#     `kubeharden-system` runs the binary of step 2.
# Tools (pinned, from PyPI) go into the venv target/pkg/tools-venv; nothing outside target/.
# needs: python wasm
set -euo pipefail
cd "$ROOT"
T0=$SECONDS
PKG=$ROOT/target/pkg
mkdir -p "$PKG"
step() { echo "--- 60-packaging: $* ($((SECONDS - T0)) s)"; }
fail() { echo "60-packaging: FAILED: $*" >&2; exit 1; }

step "1. cargo package"
cargo metadata --no-deps --format-version 1 --locked >"$PKG/metadata.json"
publishable=$(python3 - "$PKG/metadata.json" <<'EOF'
import json, sys
for p in json.load(open(sys.argv[1]))["packages"]:
    if p["publish"] is None or p["publish"]:
        keys = ("description", "license", "readme", "repository", "keywords", "categories")
        missing = [k for k in keys if not p.get(k)]
        if missing:
            sys.exit(f"{p['name']}: no {', '.join(missing)} in its Cargo.toml")
        print(p["name"], p["version"])
EOF
)
names=$(echo "$publishable" | cut -d' ' -f1 | xargs)
[ "$names" = "kubeharden kubeharden-cli kubeharden-lsp kubeharden-registry" ] || fail "publishable crates: $names (expected kubeharden kubeharden-cli kubeharden-lsp kubeharden-registry)"
# --allow-dirty: this checks what would be packaged, committed or not.
args=(); for p in $names; do args+=(-p "$p"); done
# Cargo verifies kubeharden-cli against the kubeharden of a temporary local registry, and takes
# a registry crate of the same version as unchanged: an earlier run's build (in the target
# directory) or extraction (in $CARGO_HOME/registry/src/-<hash>/, which holds only such local
# registries' crates; crates.io's is index.crates.io-*) would be verified instead of this one.
# So the packages build in a target directory of their own, without kubeharden's old artifacts.
PKG_TARGET=$PKG/package-target
rm -rf "$PKG_TARGET"/debug/.fingerprint/kubeharden-* "$PKG_TARGET"/debug/deps/*kubeharden* "$PKG_TARGET/package"
for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/kubeharden-*; do
  [ -e "$d" ] && rm -rf "$d"
done
CARGO_TARGET_DIR=$PKG_TARGET cargo package --locked --allow-dirty "${args[@]}" 2>&1 | tee "$PKG/cargo-package.log" | grep -vE '^ +(Compiling|Checking|Updating|Unpacking) '
# Cargo says which targets stay out of the .crate (the tests read the rest of the repository);
# any other warning fails.
if grep '^warning:' "$PKG/cargo-package.log" | grep -vq 'is not included in the published package$'; then
  fail "cargo package warned (see above)"
fi
echo "$publishable" | while read -r p version; do
  crate=$PKG_TARGET/package/$p-$version.crate
  tar -tzf "$crate" >"$PKG/crate-files.txt"
  for f in README.md LICENSE Cargo.toml; do
    grep -qx "$p-$version/$f" "$PKG/crate-files.txt" || fail "$crate has no $f"
  done
  echo "$p-$version.crate: $(stat -c %s "$crate") bytes, $(wc -l <"$PKG/crate-files.txt") files"
done

step "2. cargo install --path cli"
rm -rf "$PKG/cargo-root"
cargo install --quiet --locked --path cli --root "$PKG/cargo-root"
native=$PKG/cargo-root/bin/kubeharden
rc=0; "$native" scan examples/manifests --color never >"$PKG/native.out" || rc=$?
n=$(grep -cE '^examples/manifests/[^:]+:[0-9]+:[0-9]+: [A-Z]+[0-9]+ \[' "$PKG/native.out" || true)
[ "$rc" = 1 ] && [ "$n" -gt 0 ] || fail "cargo-installed kubeharden: exit $rc, $n findings of examples/manifests"
echo "cargo install: $native prints $n findings of examples/manifests (exit 1)"

step "3. the wheel"
TOOLS=$PKG/tools-venv
[ -x "$TOOLS/bin/python" ] || python3 -m venv "$TOOLS"
"$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==1.16.0" "twine==7.0.0" "pre-commit==4.7.0"
rm -rf "$PKG/wheels"
"$TOOLS/bin/maturin" build --quiet --release --locked -m bindings-python/Cargo.toml -o "$PKG/wheels"
wheels=("$PKG"/wheels/*.whl)
[ ${#wheels[@]} = 1 ] || fail "expected one wheel, got ${wheels[*]}"
wheel=${wheels[0]}
case $(basename "$wheel") in *-cp39-abi3-*.whl) ;; *) fail "$(basename "$wheel") is not an abi3 wheel for CPython >= 3.9" ;; esac
"$TOOLS/bin/twine" check --strict "$wheel"
python3 - "$wheel" <<'EOF' || fail "the wheel's console script or licence"
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
ep = next(n for n in z.namelist() if n.endswith(".dist-info/entry_points.txt"))
assert "kubeharden=kubeharden.__main__:console_main" in z.read(ep).decode().replace(" ", ""), z.read(ep)
assert any(n.endswith(".dist-info/licenses/LICENSE") for n in z.namelist()), "no LICENSE in the wheel"
EOF
rm -rf "$PKG/clean-venv"
python3 -m venv "$PKG/clean-venv"
"$PKG/clean-venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-index "$wheel"
for launcher in script module; do
  cmd=("$PKG/clean-venv/bin/kubeharden")
  [ $launcher = module ] && cmd=("$PKG/clean-venv/bin/python" -m kubeharden)
  rc=0; "${cmd[@]}" scan examples/manifests --color never >"$PKG/py.out" || rc=$?
  [ "$rc" = 1 ] && cmp -s "$PKG/native.out" "$PKG/py.out" || fail "\`${cmd[*]} scan examples/manifests\` (exit $rc) differs from the native command"
done
echo "$(basename "$wheel"): $(stat -c %s "$wheel") bytes; twine check passed; in a clean venv \`kubeharden\` and \`python -m kubeharden\` print what the native command prints"

step "4. npm pack --dry-run"
[ -f bindings-wasm/pkg/kubeharden_wasm_bg.wasm ] || bash bindings-wasm/build.sh
(cd bindings-wasm && npm pack --dry-run --json --loglevel=error) >"$PKG/npm-pack.json"
python3 - "$PKG/npm-pack.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))[0]
files = sorted(f["path"] for f in p["files"])
want = sorted(["LICENSE", "README.md", "index.d.ts", "index.js", "package.json",
               "pkg/kubeharden_wasm.js", "pkg/kubeharden_wasm_bg.wasm"])
if files != want:
    sys.exit(f"npm pack: {files}, expected {want}")
print(f"{p['filename']}: {p['size']:,} bytes packed, {p['unpackedSize']:,} unpacked, {len(files)} files: {', '.join(files)}")
EOF

step "5. pre-commit try-repo"
# The repository as it is now, as one commit: try-repo's own snapshot of a dirty tree would leave
# out untracked files. try-repo builds a fresh environment at each call (its own temporary store),
# so the `kubeharden` hook builds the extension twice; their cargo output is shared.
snap=$PKG/pre-commit-snapshot
rm -rf "$snap" && mkdir -p "$snap"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
  if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
done | tar --null -T - -cf - | tar -xf - -C "$snap"
git -C "$snap" init -q && git -C "$snap" add -A &&
  git -C "$snap" -c user.name=test -c user.email=test@example.invalid commit -q -m snapshot
rev=$(git -C "$snap" rev-parse HEAD)
user=$PKG/pre-commit-user
rm -rf "$user" && mkdir -p "$user"
git -C "$user" init -q
cp examples/manifests/legacy-worker.yaml "$user/bad.yaml"
# The rules' fully hardened manifest (with its Namespace and NetworkPolicies), which every rule
# passes (core/tests/rules.rs).
cp core/src/rules/hardened.yaml "$user/hardened.yaml"
git -C "$user" add -A
export PRE_COMMIT_HOME=$PKG/pre-commit-home CARGO_TARGET_DIR=$PKG/pre-commit-target
rm -rf "$PRE_COMMIT_HOME"
for hook in kubeharden kubeharden-system; do
  path=$PATH
  [ "$hook" = kubeharden-system ] && path=$PKG/cargo-root/bin:$PATH
  t=$SECONDS
  rc=0; (cd "$user" && PATH=$path "$TOOLS/bin/pre-commit" try-repo "$snap" "$hook" --ref "$rev" --files bad.yaml) >"$PKG/hook.out" 2>&1 || rc=$?
  grep -q 'POD008 \[high\] host-namespaces' "$PKG/hook.out" && [ "$rc" = 1 ] || { cat "$PKG/hook.out"; fail "hook $hook on bad.yaml: exit $rc"; }
  echo "hook $hook: bad.yaml fails it (exit 1) in $((SECONDS - t)) s"
  t=$SECONDS
  rc=0; (cd "$user" && PATH=$path "$TOOLS/bin/pre-commit" try-repo "$snap" "$hook" --ref "$rev" --files hardened.yaml) >"$PKG/hook.out" 2>&1 || rc=$?
  grep -qE '^kubeharden.*Passed$' "$PKG/hook.out" && [ "$rc" = 0 ] || { cat "$PKG/hook.out"; fail "hook $hook on hardened.yaml: exit $rc"; }
  echo "hook $hook: hardened.yaml passes it in $((SECONDS - t)) s"
done
echo "60-packaging: done in $((SECONDS - T0)) s"
