#!/usr/bin/env bash
# The browser test of the unified inbox runs in Debian's headless Chromium (driven by playwright-core).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
