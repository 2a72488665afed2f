#!/usr/bin/env bash
# The wheel as a new user gets it: built, installed in a fresh virtual environment outside
# the repository, `frostpage init` run, and the new site built by its own Makefile.
set -euo pipefail
repository="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$repository"
wheel=("$work"/dist/frostpage-*.whl)
echo "Built ${wheel[0]##*/}"

cd "$work"
"$python" -m venv tools
tools/bin/python -m pip install --quiet "${wheel[0]}"
tools/bin/frostpage --version
tools/bin/python -c "import frostpage.live"  # the preview's script is a file of the package
tools/bin/frostpage init my-site

# The new site's Makefile makes its own .venv from requirements.txt; the wheel is found here.
cd my-site
PIP_FIND_LINKS="$work/dist" make build PYTHON="$python"
test -f build/index.html && test -f build/posts/hello-world/index.html
test -f build/.frostpage-build
echo "A site made by frostpage init, from the wheel, builds: $(ls build | wc -l) entries in build/."
