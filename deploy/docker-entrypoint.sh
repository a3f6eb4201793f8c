#!/bin/sh
# Container entry point: check the settings, apply migrations, then run the command.
# A database written by a newer release is refused (migrate exits 1) rather than touched.
set -eu
: "${MODBOT_CONFIG:=/etc/modbot/modbot.yaml}"
export MODBOT_CONFIG
umask 077
if [ "${1:-run}" = "run" ]; then
  modbot check-config "$MODBOT_CONFIG"
  modbot migrate
fi
exec modbot "$@"
