#!/usr/bin/env bash
# Machine packages the tests use (terminal tests drive tmux; browser tests Debian's chromium),
# installed only when missing, so a fresh CI machine has them and a prepared one pays nothing.
set -uo pipefail
need=()
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# perl (Essential on Debian) makes a pipe non-blocking for a test of stdout.
command -v perl >/dev/null 2>&1 || need+=(perl)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "ci-deps: installing ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || echo "ci-deps: could not install ${need[*]}"
  else
    echo "ci-deps: missing ${need[*]} (not root: cannot install)"
  fi
fi
exit 0
