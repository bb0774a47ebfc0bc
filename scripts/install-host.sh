#!/usr/bin/env bash
# Installs what the daemon needs on a Debian host (libnftables1, a Docker engine) and starts
# dockerd when no engine answers and no service manager runs one. Run as root; idempotent.
set -euo pipefail

say() { printf 'install-host: %s\n' "$*" >&2; }

need=()
ldconfig -p | grep -q 'libnftables\.so\.1' || need+=(libnftables1 nftables)
command -v dockerd >/dev/null || command -v docker >/dev/null || need+=(docker.io)
if [[ ${#need[@]} -gt 0 ]]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! timeout 10 docker info >/dev/null 2>&1; then
  say "starting dockerd (log: /var/log/whalewall-dockerd.log)"
  setsid dockerd --experimental --ip6tables >>/var/log/whalewall-dockerd.log 2>&1 </dev/null &
  for _ in $(seq 60); do
    timeout 10 docker info >/dev/null 2>&1 && exit 0
    sleep 1
  done
  say "dockerd did not answer within 60 s"
  exit 1
fi
