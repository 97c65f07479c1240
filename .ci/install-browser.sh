#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/browser) when it is missing; safe to re-run.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
