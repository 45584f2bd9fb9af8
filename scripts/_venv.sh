# Sourced by scripts/demo and scripts/test: make .venv (once) and install tellers into it.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3}"
extras="${1:-}"
stamp=".venv/.installed${extras:+-$extras}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "Setting up .venv${extras:+ with the $extras extras} (the first run takes a minute)..." >&2
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  log=.venv/install.log
  if ! { .venv/bin/python -m pip install --upgrade pip \
         && .venv/bin/python -m pip install -e ".${extras:+[$extras]}"; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "Installing tellers failed; the log above is also in $log" >&2
    exit 1
  fi
  touch "$stamp"
fi
