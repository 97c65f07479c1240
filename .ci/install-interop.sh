#!/usr/bin/env bash
# Installs the interop suite's relying parties from Debian packages when missing; safe to re-run:
# Apache with mod_auth_openidc, and Python's authlib with requests (for Debian's /usr/bin/python3).
set -euo pipefail
packages=(apache2 libapache2-mod-auth-openidc python3-authlib python3-requests)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
