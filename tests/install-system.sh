#!/bin/sh
# Debian's Chromium, CJK fonts and poppler (pdftotext) for the browser and print tests;
# never a browser downloaded by a test tool.
set -e
if [ -x /usr/bin/chromium ] && command -v pdftotext >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk poppler-utils >/dev/null
