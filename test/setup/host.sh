#!/usr/bin/env bash
# Prepares this host for whalewall's end-to-end tests; `npm test` runs it first, as root.
#
# Idempotent and quick when everything is in place. It
#   1. installs the Debian packages the tests use, calling apt only when something is missing;
#   2. starts dockerd in the background when no engine answers (one that already runs is left
#      alone, and a dockerd this script did not start is never stopped);
#   3. makes sure bridged traffic passes netfilter (br_netfilter), or fails;
#   4. builds the image whalewall-test:latest locally when it is missing or its recipe changed.
#
# No registry is reachable from the test machines, so the image is a `docker import` of a tiny
# root file system: Debian's static busybox plus ww-net (test/image/ww-net.c), compiled static.
set -euo pipefail

readonly IMAGE=whalewall-test:latest
readonly RECIPE_LABEL=whalewall.test.recipe
readonly DOCKERD_LOG=/tmp/whalewall-test-dockerd.log
readonly DOCKERD_PIDFILE=/tmp/whalewall-test-dockerd.pid
readonly DOCKERD_WAIT_S=60
readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf 'host.sh: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

# A static busybox: Debian's `busybox` package is dynamic and would not run in the image.
static_busybox() {
  local bb
  bb="$(command -v busybox || true)"
  [[ -n "$bb" ]] && ! ldd "$bb" >/dev/null 2>&1 && printf '%s\n' "$bb"
}

has_static_libc() { [[ -f "$(gcc -print-file-name=libc.a 2>/dev/null)" ]]; }

# Each needed package paired with a check that passes when what we use from it is present.
missing_packages() {
  local missing=()
  command -v nft >/dev/null || missing+=(nftables)
  ldconfig -p | grep -q 'libnftables\.so\.1' || missing+=(libnftables1)
  command -v dockerd >/dev/null || docker_answers || missing+=(docker.io)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  [[ -n "$(static_busybox)" ]] || missing+=(busybox-static)
  command -v ip >/dev/null || missing+=(iproute2)
  command -v iperf3 >/dev/null || missing+=(iperf3)
  command -v gcc >/dev/null || missing+=(gcc)
  command -v gcc >/dev/null && ! has_static_libc && missing+=(libc6-dev)
  printf '%s\n' "${missing[@]}"
}

install_packages() {
  local pkgs
  mapfile -t pkgs < <(missing_packages | sed '/^$/d')
  [[ ${#pkgs[@]} -eq 0 ]] && return 0
  say "installing ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
}

docker_answers() { timeout 10 docker info >/dev/null 2>&1; }

# --experimental --ip6tables: Docker 20.10 publishes IPv6 ports and NATs IPv6 only with both.
start_dockerd() {
  docker_answers && return 0
  say "starting dockerd (log: $DOCKERD_LOG)"
  setsid dockerd --experimental --ip6tables >>"$DOCKERD_LOG" 2>&1 </dev/null &
  echo $! >"$DOCKERD_PIDFILE"

  local i
  for ((i = 0; i < DOCKERD_WAIT_S; i++)); do
    docker_answers && return 0
    kill -0 "$(cat "$DOCKERD_PIDFILE")" 2>/dev/null || break
    sleep 1
  done
  tail -n 30 "$DOCKERD_LOG" >&2 || true
  die "dockerd did not answer within ${DOCKERD_WAIT_S}s; its log is $DOCKERD_LOG"
}

# Without br_netfilter (and its sysctls on), traffic between containers on one bridge never
# reaches an nftables hook and every same-bridge test would pass or fail for the wrong reason.
ensure_br_netfilter() {
  local sys=/proc/sys/net/bridge
  [[ -e $sys/bridge-nf-call-iptables ]] || modprobe br_netfilter 2>/dev/null || true
  [[ -e $sys/bridge-nf-call-iptables ]] || die "br_netfilter is not available in this kernel"
  echo 1 >"$sys/bridge-nf-call-iptables"
  echo 1 >"$sys/bridge-nf-call-ip6tables"
}

# The recipe: this script, the C source and the busybox binary. Any change rebuilds the image.
recipe_hash() {
  cat "${BASH_SOURCE[0]}" "$ROOT/test/image/ww-net.c" "$(static_busybox)" | sha256sum | cut -c1-16
}

image_recipe() {
  docker image inspect -f "{{index .Config.Labels \"$RECIPE_LABEL\"}}" "$IMAGE" 2>/dev/null || true
}

build_rootfs() {
  local dir=$1 bb applet
  mkdir -p "$dir"/{bin,usr/local/bin,etc,tmp,proc,sys,dev,root}
  chmod 1777 "$dir/tmp"
  bb="$(static_busybox)"
  cp "$bb" "$dir/bin/busybox"
  for applet in $("$bb" --list); do
    [[ -e "$dir/bin/$applet" ]] || ln -s busybox "$dir/bin/$applet"
  done
  gcc -static -O2 -Wall -Wextra -Werror -o "$dir/usr/local/bin/ww-net" "$ROOT/test/image/ww-net.c"
  ln -s ww-net "$dir/usr/local/bin/ww-listen"
  ln -s ww-net "$dir/usr/local/bin/ww-probe"
}

build_image() {
  local want work
  want="$(recipe_hash)"
  [[ "$(image_recipe)" == "$want" ]] && return 0
  say "building $IMAGE (recipe $want)"
  work="$(mktemp -d /tmp/whalewall-test-image.XXXXXX)"
  build_rootfs "$work/rootfs"
  tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
  docker import \
    --change "LABEL $RECIPE_LABEL=$want" \
    --change 'ENV PATH=/usr/local/bin:/bin' \
    --change 'CMD ["/usr/local/bin/ww-listen"]' \
    "$work/rootfs.tar" "$IMAGE" >/dev/null
  rm -rf "$work"
}

main() {
  [[ $EUID -eq 0 ]] || die "run as root: it installs packages and starts dockerd"
  install_packages
  start_dockerd
  ensure_br_netfilter
  build_image
  say "ready: $(docker version -f '{{.Server.Version}} (API {{.Server.APIVersion}})'), $IMAGE"
}

main "$@"
