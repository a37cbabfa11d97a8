#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test (playwright-core drives it; Playwright's own
# browser download cannot work on this network). CJK fonts make the page's Chinese labels render.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  echo "browser: chromium present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null
echo "browser: installed $(chromium --version 2>/dev/null || echo chromium)"
