#!/bin/sh
# Container entry point: check the settings, apply migrations, then run the command.
#   docker run IMAGE            -> check-config, migrate, then "modbot run"
#   docker run IMAGE status     -> "modbot status" (any other subcommand runs as given)
# A database written by a newer release is refused (migrate exits 1) rather than touched,
# and the service is then not started: install that newer release again, or restore a
# backup made before the upgrade (see docs/install.md).
set -eu
: "${MODBOT_CONFIG:=/etc/modbot/modbot.yaml}"
export MODBOT_CONFIG
umask 077
if [ "${1:-}" = "modbot" ]; then
  shift  # "docker run IMAGE modbot status" works as well as "docker run IMAGE status"
fi
if [ "$#" -eq 0 ]; then
  set -- run
fi
if [ "$1" = "run" ]; then
  if [ ! -r "$MODBOT_CONFIG" ]; then
    echo "docker-entrypoint: no settings file at $MODBOT_CONFIG; mount one (see docker-compose.yml)" >&2
    exit 2
  fi
  modbot check-config "$MODBOT_CONFIG"
  modbot migrate
fi
exec modbot "$@"
