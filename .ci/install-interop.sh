#!/usr/bin/env bash
# Installs the interop suite's relying parties from Debian packages when missing; safe to re-run:
# Apache with mod_auth_openidc, Python's authlib with requests (for Debian's /usr/bin/python3),
# and Go with go-oidc (its sources under /usr/share/gocode: built offline, in GOPATH mode).
set -euo pipefail
packages=(apache2 libapache2-mod-auth-openidc python3-authlib python3-requests golang-go golang-github-coreos-go-oidc-dev)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
