#!/bin/sh
# The browser tests drive Debian's Chromium (Playwright cannot download its own here).
# Installs the `chromium` package when it is missing; CHROMIUM_PATH points elsewhere.
set -eu
path="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$path" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "Chromium is missing at $path: install Debian's chromium package (apt-get install chromium)" >&2
    exit 1
fi
echo "Installing Debian's chromium package for the browser tests"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
