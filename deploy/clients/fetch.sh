#!/usr/bin/env bash
# The ClickHouse client programs that tests/clients runs against the aggregator's ClickHouse
# HTTP interface, from their registries (idempotent; `make clients` runs both):
#
#   deploy/clients/fetch.sh jdbc   the JDBC driver and its dependencies (Maven Central, via
#                                  pom.xml beside this script) into $DW_CACHE/clients/jdbc
#   deploy/clients/fetch.sh node   @clickhouse/client (npm, the versions in
#                                  tests/clients/node/package-lock.json) into its node_modules
#
# Settings (environment): DW_CACHE (.cache).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${DW_CACHE:-$root/.cache}"
jars="$cache/clients/jdbc"
node_dir="$root/tests/clients/node"

jdbc() {
  if [ -f "$jars/.complete" ] && [ "$jars/.complete" -nt "$here/pom.xml" ]; then return 0; fi
  rm -rf "$jars"
  mkdir -p "$jars"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$jars"
  touch "$jars/.complete"
}

node() {
  local stamp="$node_dir/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$node_dir/package-lock.json" ]; then return 0; fi
  (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  touch "$stamp"
}

case "${1:-}" in
  jdbc) jdbc ;;
  node) node ;;
  all) jdbc; node ;;
  *) echo "usage: $0 jdbc|node|all" >&2; exit 2 ;;
esac
