#!/usr/bin/env bash
# Installs what @omnithread/email's tests need: Debian's dovecot IMAP server. The tests start their
# own throwaway dovecot on 127.0.0.1 with a config in a temp dir; the system service is not used,
# so it is stopped and kept from starting. Idempotent, non-interactive.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if ! command -v dovecot >/dev/null 2>&1; then
  # Keep package scripts from starting the system service (no init system in containers/CI).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get install -y --no-install-recommends dovecot-imapd
fi
# If a system dovecot got started anyway, stop it: the tests do not need it.
if command -v service >/dev/null 2>&1; then service dovecot stop >/dev/null 2>&1 || true; fi
dovecot --version
