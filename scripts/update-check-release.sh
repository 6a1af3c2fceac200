#!/usr/bin/env bash
# Updates from the last release must work: synthesizes every example at the release's commit (release.json, in a
# git worktree) and at HEAD, offline, then runs `hpc-ha update-check` between the two, accepting only the breaking
# changes CHANGELOG.md lists with their migration steps. Needs the CLI built at HEAD (nx run cli:build).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
start=$SECONDS
commit="$(node -p "require('./release.json').commit")"
version="$(node -p "require('./release.json').version")"
if ! git cat-file -e "${commit}^{commit}" 2>/dev/null; then
  echo "update-check-release: commit $commit of release $version is not in this clone (git fetch --unshallow)" >&2
  exit 1
fi
work="$(mktemp -d)"
cleanup() { git worktree remove --force "$work/release" >/dev/null 2>&1 || true; rm -rf "$work"; git worktree prune; }
trap cleanup EXIT
git worktree add --detach --quiet "$work/release" "$commit"
rel="$work/release"

# No npm ci (minutes, and the network): the release gets this checkout's third-party packages by symlink, and its
# own workspace packages under @hpc-ha, so it runs its own code with today's dependency tree.
mkdir "$rel/node_modules" "$rel/node_modules/@hpc-ha"
for entry in node_modules/* node_modules/.bin; do
  [[ "$(basename "$entry")" == "@hpc-ha" ]] || ln -s "$root/$entry" "$rel/node_modules/$(basename "$entry")"
done
for pkg in "$rel"/packages/*/; do ln -s "$pkg" "$rel/node_modules/@hpc-ha/$(basename "$pkg")"; done
for d in packages/*/node_modules; do
  if [[ -d "$rel/$(dirname "$d")" && ! -e "$rel/$d" ]]; then ln -s "$root/$d" "$rel/$d"; fi
done

# Only what synth needs (the CLI and the packages it depends on), built afresh: a cache hit restored from another
# workspace root was seen to leave the release without its dist (about a minute either way).
(cd "$rel" && NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false NX_SKIP_NX_CACHE=true NX_CACHE_DIRECTORY="$work/nx-cache" \
  npx nx run cli:build --outputStyle=static >"$work/release-build.log" 2>&1) || { cat "$work/release-build.log" >&2; exit 1; }
echo "update-check-release: release $version (${commit:0:7}) built in $((SECONDS - start)) s"

failed=0
checked=0
while IFS= read -r example; do
  [[ -f "$rel/$example" ]] || { echo "update-check-release: $example is new since $version (nothing deployed to update)"; continue; }
  id="${example//\//_}"
  node "$rel/packages/cli/dist/bin.js" --quiet synth -c "$rel/$example" --out "$work/old/$id" >/dev/null
  node packages/cli/dist/bin.js --quiet synth -c "$example" --out "$work/new/$id" >/dev/null
  echo "update-check-release: $example ($version → HEAD)"
  if ! node packages/cli/dist/bin.js update-check --from "$work/old/$id" --to "$work/new/$id" --changelog CHANGELOG.md --since "$version"; then
    failed=$((failed + 1))
  fi
  checked=$((checked + 1))
done < <(git ls-files 'examples/*.yaml' 'examples/**/*.yaml' | sort -u)

echo "update-check-release: $checked examples checked in $((SECONDS - start)) s, $failed refused"
((failed == 0))
