#!/usr/bin/env bash
# Checks a folder holding a CUDA build of libtorch 2.7.1 (+ DJL's libdjl_torch.so) and prints the
# environment that makes RayScribe use it. Usage: scripts/use-gpu.sh /path/to/libtorch/lib [flavor]
set -euo pipefail
LIB=${1:?usage: scripts/use-gpu.sh LIBTORCH_LIB_DIR [cu128]}
FLAVOR=${2:-cu128}
missing=0
for f in libtorch.so libtorch_cpu.so libc10.so libtorch_cuda.so libc10_cuda.so libdjl_torch.so; do
  if [ ! -e "$LIB/$f" ]; then echo "use-gpu: $LIB/$f is missing" >&2; missing=1; fi
done
if ! command -v nvidia-smi >/dev/null || ! nvidia-smi -L >/dev/null 2>&1; then
  echo "use-gpu: no NVIDIA driver/GPU visible (nvidia-smi failed); the app would run on the CPU" >&2
  missing=1
fi
[ "$missing" = 0 ] || exit 2
cat <<ENV
export PYTORCH_LIBRARY_PATH=$LIB
export PYTORCH_FLAVOR=$FLAVOR
export PYTORCH_VERSION=2.7.1
ENV
