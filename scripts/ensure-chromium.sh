#!/usr/bin/env bash
# Installs Debian's chromium when it is missing (the console's browser tests drive it through playwright-core).
# Prints the browser's path. Needs root or sudo the first time; a no-op once installed.
set -euo pipefail
find_chromium() { command -v chromium || command -v chromium-browser || true; }
path="$(find_chromium)"
if [ -z "$path" ]; then
  echo "chromium not found: installing Debian's chromium package" >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get update -qq >&2 || echo "apt-get update failed; trying the cached package lists" >&2
  $sudo_cmd apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
  path="$(find_chromium)"
fi
if [ -z "$path" ]; then
  echo "chromium could not be installed" >&2
  exit 1
fi
echo "$path"
