#!/usr/bin/env bash
# Builds a self-contained RayScribe: a jlink runtime (no JDK needed on the target), JavaFX and
# the PyTorch CPU natives (inside their jars), the demo model and demo study.
#
#   installer/build.sh [app-image|deb|rpm|msi|exe|dmg|pkg]    (default: app-image)
#
# Linux builds app-image and deb (deb needs fakeroot + dpkg-deb: installed here when missing);
# msi/exe need Windows with WiX 3, dmg/pkg need macOS: run the same script there (jpackage
# only builds installers for the OS it runs on). Output: target/installer/.
set -euo pipefail
cd "$(dirname "$0")/.."
TYPE=${1:-app-image}
OUT=target/installer
NAME=RayScribe
VERSION=0.1.0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

bash scripts/setup.sh
if [ ! -f "${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}/jmods/java.base.jmod" ]; then
  echo "installer: jlink needs the JDK's jmods; installing openjdk-17-jdk-headless"
  $SUDO apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
fi
if [ "$TYPE" = deb ] && ! command -v fakeroot >/dev/null; then
  $SUDO apt-get install -y -qq fakeroot dpkg-dev >/dev/null
fi

echo "installer: building the app"
rm -rf "$OUT/input"
./mvnw -B -q -DskipTests package dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$OUT/input/lib"
cp target/rayscribe-*.jar "$OUT/input/rayscribe.jar"
if [ -d assets ]; then cp -r assets "$OUT/input/assets"; fi

echo "installer: linking a Java runtime"
rm -rf "$OUT/runtime"
# JavaFX and DJL run from the classpath; these are the JDK modules they and the app use.
jlink --add-modules java.base,java.desktop,java.logging,java.xml,java.naming,java.sql,java.management,java.prefs,java.scripting,jdk.unsupported,jdk.incubator.vector,jdk.crypto.ec,jdk.zipfs,jdk.jfr,jdk.management \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$OUT/runtime"

JAVA_OPTS=(--java-options "--add-modules=jdk.incubator.vector"
  --java-options "-Dai.djl.offline=true" --java-options "-DOPT_OUT_TRACKING=true"
  --java-options "-Drayscribe.home=\$APPDIR" --java-options "-Xss8m")

# A second launcher, `rayscribe`, for the command line over the same services.
cat > "$OUT/cli.properties" <<PROPS
main-class=io.rayscribe.app.Cli
win-console=true
linux-shortcut=false
PROPS

LINUX_OPTS=()
if [ "$TYPE" = deb ] || [ "$TYPE" = rpm ]; then
  # installer/linux holds our own postinst/prerm: jpackage's fail the install where
  # xdg-desktop-menu cannot work (no desktop environment, e.g. a server or a container).
  LINUX_OPTS=(--linux-shortcut --linux-menu-group Science --linux-package-name rayscribe
    --resource-dir installer/linux)
fi

echo "installer: packaging ($TYPE)"
rm -rf "${OUT:?}/$NAME" "$OUT"/*.deb
jpackage --type "$TYPE" --name "$NAME" --app-version "$VERSION" --vendor "RayScribe" \
  --description "Radiology workstation with a local report-drafting model (not a medical device)" \
  --input "$OUT/input" --main-jar rayscribe.jar --main-class io.rayscribe.app.Launcher \
  --runtime-image "$OUT/runtime" "${JAVA_OPTS[@]}" \
  --add-launcher "rayscribe=$OUT/cli.properties" \
  "${LINUX_OPTS[@]}" --dest "$OUT"
echo "installer: done: $(ls -d "$OUT/$NAME" "$OUT"/*.deb 2>/dev/null | tr '\n' ' ')"
