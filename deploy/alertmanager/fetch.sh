#!/usr/bin/env bash
# Prometheus Alertmanager for the alert-delivery tests (tests/alerts/test_alertmanager.py),
# built from its Go module with `go install` (the Go module proxy) into
# $DW_CACHE/alertmanager/bin, like the Kafka jars into $DW_CACHE/kafka (idempotent: the stamp
# names the version, so changing ALERTMANAGER_VERSION rebuilds).
#
#   deploy/alertmanager/fetch.sh          build once; prints nothing when already built
#   deploy/alertmanager/fetch.sh path     print the binary's path (exit 1 if not built)
#
# v0.28.1 is pinned: it builds this way in about a minute; v0.35.0 does not (its module lacks
# the built UI assets). The tests start it with deploy/alertmanager/alertmanager.yml's shape,
# on a free loopback port, with their own webhook receiver.
#
# Settings (environment): ALERTMANAGER_VERSION (v0.28.1), DW_CACHE (.cache).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${DW_CACHE:-$root/.cache}"
version="${ALERTMANAGER_VERSION:-v0.28.1}"
bin="$cache/alertmanager/bin"
stamp="$bin/.complete-$version"

build() {
  if [ -f "$stamp" ] && [ -x "$bin/alertmanager" ]; then return 0; fi
  # Go's own installer puts it in /usr/local/go/bin, which a CI shell may not have on PATH.
  PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 || { echo "go is needed to build alertmanager (golang)" >&2; exit 1; }
  mkdir -p "$bin"
  rm -f "$bin"/.complete-*
  local t0=$SECONDS
  # -modcacherw: the module cache stays deletable; CGO off: one static binary.
  CGO_ENABLED=0 GOBIN="$bin" GOFLAGS="${GOFLAGS:-} -modcacherw" \
    go install "github.com/prometheus/alertmanager/cmd/alertmanager@$version"
  touch "$stamp"
  echo "alertmanager $version built into $bin in $((SECONDS - t0)) s"
}

case "${1:-build}" in
  build) build ;;
  path) [ -f "$stamp" ] && [ -x "$bin/alertmanager" ] && echo "$bin/alertmanager" ;;
  *) echo "usage: $0 [build|path]" >&2; exit 2 ;;
esac
