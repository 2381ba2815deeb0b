#!/usr/bin/env bash
# Build the example portal's image (examples/portal/Dockerfile) and check that it answers /readyz.
#
#   scripts/docker-build.sh [tag]            # uses node:20-bookworm-slim (pulled from a registry)
#   LOCAL_BASE=1 scripts/docker-build.sh     # no registry: a base made from Debian packages
#                                            # (mmdebstrap) with this machine's node 20 copied in
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-portalkit-example:dev}"
base="${BASE_IMAGE:-node:20-bookworm-slim}"

if [[ "${LOCAL_BASE:-0}" == 1 ]]; then
  base=portalkit-node20-base:bookworm
  work="$(mktemp -d)"
  if ! docker image inspect portalkit-debian:bookworm >/dev/null 2>&1; then
    rootfs="${ROOTFS_TAR:-$work/rootfs.tar}"
    [[ -f "$rootfs" ]] || mmdebstrap --variant=minbase --include=ca-certificates,git bookworm "$rootfs"
    docker import "$rootfs" portalkit-debian:bookworm
  fi
  node_bin="$(command -v node)"
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  [[ "$("$node_bin" -v)" == v20.* ]] || { echo "docker-build: needs node 20 on this machine, found $("$node_bin" -v)" >&2; exit 1; }
  cp "$node_bin" "$work/node"
  cp -r "$npm_dir" "$work/npm"
  # This machine's trusted CAs (a TLS-inspecting proxy's among them), so npm works in the build.
  cp /etc/ssl/certs/ca-certificates.crt "$work/ca-certificates.crt"
  cat > "$work/Dockerfile" <<'DOCKERFILE'
FROM portalkit-debian:bookworm
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && (getent passwd node >/dev/null || useradd --create-home --uid 1000 node)
DOCKERFILE
  DOCKER_BUILDKIT=0 docker build -q -t "$base" "$work"
  rm -rf "$work"
  work=
fi

DOCKER_BUILDKIT=0 docker build --build-arg "BASE_IMAGE=$base" -f examples/portal/Dockerfile -t "$tag" .

# Start it and wait for readiness (the first catalog refresh runs before /readyz answers 200).
name="portalkit-example-check-$$"
docker run -d --rm --name "$name" "$tag" >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true; [[ -n "${work:-}" ]] && rm -rf "$work"' EXIT
for _ in $(seq 1 90); do
  if docker exec "$name" node -e "fetch('http://127.0.0.1:7007/readyz').then(async r=>{console.log(r.status, await r.text());process.exit(r.ok?0:1)},()=>process.exit(1))" 2>/dev/null; then
    echo "docker-build: $tag answers /readyz"
    exit 0
  fi
  sleep 2
done
echo "docker-build: $tag did not become ready; its log:" >&2
docker logs "$name" >&2 || true
exit 1
