#!/usr/bin/env bash
# Checks the fixed protocol model exhaustively, without and with the binding updater (exit 1 on any error), or
# with --old shows that spin finds the defects of the old protocol and of an update resolved without its
# version (exit 0 only if it does). Works in a temporary folder.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

check() { # model, spin flags, pan flags
  local model="$1" flags="$2" out
  cp "$here/$model" .
  # shellcheck disable=SC2086
  spin $flags -a "$model" > /dev/null
  gcc -O2 -w -DSAFETY -DCOLLAPSE -DMEMLIM=2048 -o pan pan.c
  out="$(./pan -m400000 2>&1)"
  echo "$out" | grep -E "assertion violated|errors:|states, stored|elapsed time" || true
  if echo "$out" | grep -q "reached -DMEMLIM bound\|max search depth too small"; then
    echo "incomplete search"; return 2
  fi
  echo "$out" | grep -q "errors: 0"
}

if [ "${1:-}" = "--old" ]; then
  status=0
  for flags in "" "-DNO_GAPS" "-DNO_LOST_COMMIT"; do
    echo "== old protocol ${flags:-(all faults)}"
    if check binding-protocol-old.pml "$flags"; then echo "no counterexample found: unexpected"; status=1; fi
  done
  echo "== fixed protocol with an update resolved like a registration (decision 0014: the version is needed)"
  if check binding-protocol-fixed.pml "-DN=1 -DUPDATES -DUPDATE_AS_REGISTER"; then echo "no counterexample found: unexpected"; status=1; fi
  exit "$status"
fi

echo "== fixed protocol (one authorizer instance suffices: see the model's header)"
check binding-protocol-fixed.pml "-DN=1"
echo "== fixed protocol with the updater (decision 0014: versions announced in the feed)"
check binding-protocol-fixed.pml "-DN=1 -DUPDATES"
