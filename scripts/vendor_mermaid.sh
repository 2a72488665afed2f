#!/usr/bin/env bash
# Vendor Mermaid's ES module build into frostpage/vendor/mermaid (what /_diagrams/ serves):
#   bash scripts/vendor_mermaid.sh [VERSION]     (default: the one in its VERSION file)
# Needs npm. The module, its chunks (no source maps) and the licence are copied as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
target=frostpage/vendor/mermaid
version=${1:-$(cat "$target/VERSION")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "mermaid@$version" >/dev/null && tar -xzf mermaid-*.tgz)
rm -rf "$target"
mkdir -p "$target/chunks/mermaid.esm.min"
cp "$work/package/dist/mermaid.esm.min.mjs" "$target/"
cp "$work"/package/dist/chunks/mermaid.esm.min/*.mjs "$target/chunks/mermaid.esm.min/"
cp "$work/package/LICENSE" "$target/LICENSE"
echo "$version" > "$target/VERSION"
echo "Mermaid $version vendored into $target ($(find "$target" -name '*.mjs' | wc -l) modules)."
