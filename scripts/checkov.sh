#!/usr/bin/env bash
# checkov, the IaC scanner NetworkPolicyScanIT runs over the operator's rendered children, in a
# virtualenv cached per machine and keyed by version (from PyPI through pip's own configuration).
#   scripts/checkov.sh install   installs it unless cached, then prints its path
#   scripts/checkov.sh path      prints its path, or exits 1 when it is not installed
# It is always run offline: --skip-download and BC_SKIP_MAPPING=TRUE keep it from calling its
# vendor's service.
set -euo pipefail
VERSION=3.3.30
ROOT="${NEXOMATIC_CACHE:-$HOME/.cache/nexomatic}/checkov/$VERSION"
BIN="$ROOT/venv/bin/checkov"
DONE="$ROOT/installed"

case "${1:-}" in
  install)
    if [ ! -f "$DONE" ]; then
      command -v python3 >/dev/null || { echo "checkov needs python3" >&2; exit 1; }
      # A venv records its own path, so it is built where it lives; the marker, written last,
      # tells a complete one from an interrupted install.
      rm -rf "$ROOT"
      mkdir -p "$ROOT"
      python3 -m venv "$ROOT/venv"
      "$ROOT/venv/bin/pip" install -q "checkov==$VERSION"
      "$BIN" --version >/dev/null
      touch "$DONE"
    fi
    echo "$BIN"
    ;;
  path)
    [ -f "$DONE" ] && echo "$BIN" || exit 1
    ;;
  *)
    echo "usage: scripts/checkov.sh install|path" >&2
    exit 2
    ;;
esac
