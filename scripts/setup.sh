#!/usr/bin/env bash
# Installs what RayScribe needs on a fresh Debian/Ubuntu machine, then nothing more.
# Idempotent: each step checks first. Needs root (or sudo) only for the apt step.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

need_pkgs=()
command -v javac >/dev/null 2>&1 || need_pkgs+=(openjdk-17-jdk-headless)
[ -f /usr/share/java/pixelmed.jar ] || need_pkgs+=(libpixelmed-java)
[ -f /usr/share/java/pixelmed_imageio.jar ] || need_pkgs+=(libpixelmed-imageio-java)
# Native libraries JavaFX needs for a real window (headless tests use Monocle and need none).
dpkg -s libgtk-3-0 >/dev/null 2>&1 || need_pkgs+=(libgtk-3-0)
dpkg -s xvfb >/dev/null 2>&1 || need_pkgs+=(xvfb)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

# PixelMed into the project-local Maven repository, with the Class-Path manifest line removed
# (it would drag Debian's jars onto our classpath).
REPO=.local-repo
install_jar() { # src artifactId version
  local src="$1" artifact="$2" version="$3"
  local dest="$REPO/com/pixelmed/$artifact/$version/$artifact-$version.jar"
  [ -f "$dest" ] && return 0
  local work; work=$(mktemp -d)
  (cd "$work" && jar xf "$src")
  grep -v -e '^Class-Path:' -e '^ ' "$work/META-INF/MANIFEST.MF" | sed '/^\s*$/d' > "$work/MANIFEST.MF"
  rm -f "$work/META-INF/MANIFEST.MF"
  mkdir -p "$(dirname "$dest")"
  jar cfm "$dest" "$work/MANIFEST.MF" -C "$work" .
  cat > "${dest%.jar}.pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>com.pixelmed</groupId><artifactId>$artifact</artifactId><version>$version</version></project>
POM
  rm -rf "$work"
  echo "setup: installed $artifact $version into $REPO"
}
# Installed under the fixed version "debian": the pom does not depend on Debian's release date.
install_jar "$(readlink -f /usr/share/java/pixelmed.jar)" pixelmed debian
install_jar "$(readlink -f /usr/share/java/pixelmed_imageio.jar)" pixelmed-imageio debian
