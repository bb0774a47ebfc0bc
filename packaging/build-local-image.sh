#!/usr/bin/env bash
# Builds the whalewall image with packaging/Dockerfile on a machine that cannot pull images.
#
# The Dockerfile's bases (node:24-bookworm, node:24-bookworm-slim) are replaced by one base made
# here: Debian bookworm from debootstrap (the release those images use), plus the Node 24 binary
# npm installed in this checkout and this host's npm. The Dockerfile itself runs unchanged, so
# `npm ci`, `npm run build`, `npm prune --omit=dev` and `apt-get install libnftables1` all run
# inside the build as they would anywhere else (they need the npm registry and a Debian mirror).
#
# Usage: packaging/build-local-image.sh [tag]    (as root; default tag whalewall:local)
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly TAG="${1:-whalewall:local}"
readonly BASE=whalewall-local/node:24-bookworm
readonly MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly NODE_BIN="$ROOT/node_modules/node/bin/node"

say() { printf 'build-local-image: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}

[[ $EUID -eq 0 ]] || die "run as root (debootstrap and docker need it)"
command -v docker >/dev/null || die "docker is not installed"
[[ -x "$NODE_BIN" ]] || die "no Node binary at $NODE_BIN; run npm ci first"
[[ "$("$NODE_BIN" --version)" == v24.* ]] || die "$NODE_BIN is not Node 24"
NPM_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
readonly NPM_DIR

WORK="$(mktemp -d /tmp/whalewall-image.XXXXXX)"
readonly WORK
trap 'rm -rf "$WORK"' EXIT

# The base: a minimal bookworm with Node 24 and npm where the official images keep them.
make_base() {
  command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
  say "debootstrap bookworm from $MIRROR"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$WORK/rootfs" "$MIRROR" \
    >"$WORK/debootstrap.log" || die "debootstrap failed; see $WORK/debootstrap.log"
  install -D -m 0755 "$NODE_BIN" "$WORK/rootfs/usr/local/bin/node"
  mkdir -p "$WORK/rootfs/usr/local/lib/node_modules"
  cp -a "$NPM_DIR" "$WORK/rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$WORK/rootfs/usr/local/bin/npm"
  # Trust what this host trusts: where the registry is reached through a TLS-inspecting proxy,
  # its certificate authority is in the host's bundle and nowhere in a fresh Debian.
  cp /etc/ssl/certs/ca-certificates.crt "$WORK/rootfs/etc/ssl/certs/ca-certificates.crt"
  mkdir -p "$WORK/rootfs/usr/local/etc"
  printf 'cafile=/etc/ssl/certs/ca-certificates.crt\n' >"$WORK/rootfs/usr/local/etc/npmrc"
  rm -rf "$WORK/rootfs/var/lib/apt/lists/"* "$WORK/rootfs/var/cache/apt/"*.bin
  tar -C "$WORK/rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE" >/dev/null
  rm -rf "$WORK/rootfs"
}

# Only what the Dockerfile copies, so node_modules of this checkout is not sent to the engine.
make_context() {
  mkdir -p "$WORK/context"
  cp "$ROOT/package.json" "$ROOT/package-lock.json" "$ROOT/tsconfig.json" \
    "$ROOT/tsconfig.build.json" "$WORK/context/"
  cp -r "$ROOT/src" "$WORK/context/src"
  cp "$ROOT/packaging/Dockerfile" "$WORK/context/Dockerfile"
}

if docker image inspect "$BASE" >/dev/null 2>&1; then
  say "reusing base $BASE"
else
  make_base
fi
make_context
say "docker build -t $TAG"
docker build --network host --build-arg "BUILD_IMAGE=$BASE" --build-arg "RUNTIME_IMAGE=$BASE" \
  -t "$TAG" "$WORK/context"
say "built $TAG"
