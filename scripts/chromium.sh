#!/usr/bin/env bash
# Installs Debian's Chromium for the explorer's browser tests (@playwright/test
# drives it; Playwright's own browser download is not available here) and the
# fonts the screenshot baselines are made with: DejaVu (Latin, the system-ui
# and sans-serif face) and Noto CJK (Chinese). Does nothing when all are there.
set -euo pipefail

PACKAGES="chromium fonts-dejavu-core fonts-noto-cjk"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ] && [ -x /usr/bin/chromium ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# apt is shared: wait for another install's lock rather than fail.
for i in 1 2 3 4 5 6 7 8 9 10; do
  if $SUDO apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=120 $missing >/dev/null; then break; fi
  [ "$i" = 10 ] && exit 1
  sleep 10
done
/usr/bin/chromium --version
