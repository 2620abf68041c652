#!/usr/bin/env bash
# Runs bin/rayscribe from a frozen copy of target/classes, so a long run (training, evaluation)
# is not disturbed by rebuilding the working tree while it runs. Usage: scripts/run-snapshot.sh CMD ARGS...
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SNAP=$(mktemp -d /tmp/rayscribe-snapshot.XXXXXX)
cp -r "$ROOT/target/classes" "$SNAP/classes"
exec java --add-modules jdk.incubator.vector -Dai.djl.offline=true -Dfile.encoding=UTF-8 -Drayscribe.home="$ROOT" \
  ${RAYSCRIBE_JAVA_OPTS:-} -cp "$SNAP/classes:$(cat "$ROOT/target/classpath.txt")" io.rayscribe.app.Cli "$@"
