#!/usr/bin/env bash
# Proves the installed bundle is complete and never needs the network: builds the app-image,
# then drafts a report on the demo study inside a network namespace with no interfaces up
# (unshare -n), using the bundled runtime, natives, model and study only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash installer/build.sh app-image
APP=target/installer/RayScribe
CLI="$APP/bin/rayscribe"
[ -x "$CLI" ] || { echo "offline-smoke: $CLI missing" >&2; exit 1; }

# A fresh user folder, so nothing cached by earlier runs (e.g. unpacked natives) can help.
export HOME_FOR_TEST; HOME_FOR_TEST=$(mktemp -d)
run_offline() {
  if [ "$(id -u)" = 0 ]; then
    unshare -n env HOME="$HOME_FOR_TEST" "$@"
  else
    unshare -r -n env HOME="$HOME_FOR_TEST" "$@"
  fi
}
STUDY="$APP/lib/app/assets/studies/demo"
OUTFILE=$(mktemp)
start=$(date +%s%N)
run_offline "$CLI" draft --greedy --max-new-tokens 48 "$STUDY" > "$OUTFILE"
end=$(date +%s%N)
words=$(wc -w < "$OUTFILE")
echo "offline-smoke: drafted $words words with no network in $(( (end - start) / 1000000 )) ms:"
sed 's/^/  | /' "$OUTFILE" | head -20
[ "$words" -gt 3 ] || { echo "offline-smoke: the draft is empty" >&2; exit 1; }
rm -rf "$HOME_FOR_TEST" "$OUTFILE"
echo "offline-smoke: ok ($(du -sh "$APP" | cut -f1) app-image)"
