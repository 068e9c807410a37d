#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright's own browser download does not work
# here), and a Chinese font so that pages and screenshots show 汉字 rather than empty boxes.
# Installs them when missing and we may use apt; otherwise says the browser tests will skip.
set -u
if [ -x /usr/bin/chromium ] && [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium, chromium-driver and a Chinese font for the browser tests…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei) >/tmp/dianpu-apt.log 2>&1 \
    || { echo "could not install chromium (see /tmp/dianpu-apt.log): browser tests will be skipped"; exit 0; }
  echo "chromium installed"
else
  echo "no /usr/bin/chromium and no root apt: browser tests will be skipped (apt-get install chromium chromium-driver)"
fi
exit 0
