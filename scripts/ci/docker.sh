#!/usr/bin/env bash
# Makes a Docker engine answer on this machine, for the container tests.
#
#   bash scripts/ci/docker.sh
#
# Installs Debian's docker.io when the docker CLI or dockerd is missing (and podman when it is
# missing: the container tests run it too), then starts dockerd in the background unless
# `docker version` already answers. No registry is reachable here, so dockerd runs
# without networking of its own (no iptables, no bridge: containers use --network none) and with the
# vfs storage driver, which works on any filesystem. Idempotent: a second run finds the engine
# answering and does nothing. Concurrent runs serialise on a lock file.
#
# Environment:
#   DOCKERD_LOG    dockerd's log (default: <repo>/.cache/docker/dockerd.log)
#   DOCKER_WAIT    seconds to wait for the engine to answer after starting it (default 60)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
log=${DOCKERD_LOG:-$repo/.cache/docker/dockerd.log}
wait_s=${DOCKER_WAIT:-60}
pidfile=/var/run/docker.pid

say() { printf 'docker.sh: %s\n' "$*" >&2; }

answers() { command -v docker >/dev/null 2>&1 && timeout 10 docker version >/dev/null 2>&1; }

if [ "$(id -u)" -ne 0 ]; then
  say "must run as root (installs packages and starts dockerd)"
  exit 1
fi

# One caller at a time: a second caller waits, then finds the engine answering.
exec 9>/tmp/setup-x86-docker.lock
flock -w 300 9 || { say "timed out waiting for /tmp/setup-x86-docker.lock"; exit 1; }

# Debian's engines: docker.io (CLI, dockerd, containerd, runc) and podman (daemonless; the tests run
# it too). Only what is missing is installed.
packages=()
{ command -v docker && command -v dockerd; } >/dev/null 2>&1 || packages+=(docker.io)
command -v podman >/dev/null 2>&1 || packages+=(podman)
if [ ${#packages[@]} -gt 0 ]; then
  say "installing ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The machine's own apt sources; refresh the lists only when the first try cannot find a package.
  if ! apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null; then
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${packages[@]}" >/dev/null
  fi
fi

if answers; then
  say "engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
  exit 0
fi

# A dockerd that is still starting (or was started by someone else) gets time to answer; a pid file
# left by a dockerd that is gone would make a new one refuse to start.
running=
if [ -s "$pidfile" ]; then
  pid=$(cat "$pidfile")
  if [ -n "$pid" ] && [ -d "/proc/$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ]; then
    running=$pid
    say "dockerd $pid is running but does not answer yet; waiting"
  else
    say "removing stale $pidfile"
    rm -f "$pidfile"
  fi
fi

if [ -z "$running" ]; then
  mkdir -p "$(dirname "$log")"
  say "starting dockerd (log: $log)"
  # setsid: dockerd outlives this script and is not in the caller's process group; 9>&-: it must
  # not inherit (and so keep holding) the lock.
  setsid nohup dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    >>"$log" 2>&1 </dev/null 9>&- &
  running=$!
fi

deadline=$((SECONDS + wait_s))
until answers; do
  if [ ! -d "/proc/$running" ]; then
    say "dockerd exited; last lines of $log:"
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    say "dockerd did not answer within ${wait_s}s; last lines of $log:"
    tail -n 30 "$log" >&2 || true
    exit 1
  fi
  sleep 1
done
say "engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')"
