#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft: broker + controller in one JVM) for the demo, the
# tests and CI. The official jars come from Maven Central via pom.xml beside this script.
#
#   deploy/kafka/broker.sh fetch    download the jars into $DW_CACHE/kafka/libs (idempotent)
#   deploy/kafka/broker.sh start    format (first time) and start; waits until it answers
#   deploy/kafka/broker.sh run      format (first time) and run in the foreground (exec: the
#                                   JVM takes this process's pid; for a supervisor such as
#                                   supervisord under `docketwatch up`; SIGTERM stops it cleanly)
#   deploy/kafka/broker.sh stop     stop cleanly (SIGTERM, then SIGKILL after a grace period)
#   deploy/kafka/broker.sh status   exit 0 if running
#
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# KAFKA_HOST (127.0.0.1), KAFKA_DATA_DIR (var/kafka), KAFKA_HEAP (512m),
# KAFKA_START_TIMEOUT seconds (60), DW_CACHE (.cache).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${DW_CACHE:-$root/.cache}"
libs="$cache/kafka/libs"
host="${KAFKA_HOST:-127.0.0.1}"
port="${KAFKA_PORT:-9092}"
cport="${KAFKA_CONTROLLER_PORT:-9093}"
data="${KAFKA_DATA_DIR:-$root/var/kafka}"
heap="${KAFKA_HEAP:-512m}"
timeout_s="${KAFKA_START_TIMEOUT:-60}"
pidfile="$data/broker.pid"
logdir="$data/logs"

fetch() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$libs"
  touch "$libs/.complete"
}

alive() {
  kill -0 "$1" 2>/dev/null || return 1
  # A killed broker whose parent has not reaped it yet is a zombie: not running.
  [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)" != "Z" ]
}

running() {
  [ -f "$pidfile" ] || return 1
  local pid
  pid="$(cat "$pidfile")"
  alive "$pid" || return 1
  # A pid file left by a broker that died (a crash, a reboot) may name someone else now.
  if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q kafka.Kafka; then
    return 1
  fi
}

answers() {
  # A TCP connect is not enough: the broker accepts connections before it serves metadata.
  python3 - "$host" "$port" <<'PY' 2>/dev/null
import socket, struct, sys
# ApiVersions v0 request: the smallest request every Kafka version answers.
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
body = struct.pack(">hhih", 18, 0, 1, -1)
s.sendall(struct.pack(">i", len(body)) + body)
hdr = s.recv(4)
sys.exit(0 if len(hdr) == 4 else 1)
PY
}

prepare() {
  mkdir -p "$data/log" "$logdir"
  local props="$data/server.properties"
  cat >"$props" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$cport
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$cport
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$data/log
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=-1
message.max.bytes=10485760
PROPS
  if [ ! -f "$data/log/meta.properties" ]; then
    local id
    id="$(java -cp "$libs/*" kafka.tools.StorageTool random-uuid)"
    java -cp "$libs/*" kafka.tools.StorageTool format -t "$id" -c "$props" >"$logdir/format.log" 2>&1
  fi
}

jvm=(-XX:+UseG1GC -Djava.awt.headless=true -Dlog4j2.configurationFile="$here/log4j2.yaml")

refuse_taken_port() {
  if answers; then
    # Someone else's broker (or any server) holds the port: using it would mix data.
    echo "port $host:$port is already in use by another process; set KAFKA_PORT" >&2
    exit 1
  fi
}

run() {
  fetch
  if running; then echo "kafka already running (pid $(cat "$pidfile"))" >&2; exit 1; fi
  refuse_taken_port
  prepare
  echo $$ >"$pidfile"  # exec keeps the pid: the file names the JVM
  exec java -Xms"$heap" -Xmx"$heap" "${jvm[@]}" -Dkafka.logs.dir="$logdir" \
    -cp "$libs/*" kafka.Kafka "$data/server.properties"
}

start() {
  fetch
  if running; then echo "kafka already running (pid $(cat "$pidfile"))"; return 0; fi
  refuse_taken_port
  prepare
  local t0=$EPOCHREALTIME
  nohup java -Xms"$heap" -Xmx"$heap" "${jvm[@]}" -Dkafka.logs.dir="$logdir" \
    -cp "$libs/*" kafka.Kafka "$data/server.properties" >"$logdir/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  local deadline=$((SECONDS + timeout_s))
  until answers; do
    if ! running; then echo "kafka exited during start; see $logdir" >&2; tail -n 30 "$logdir/stdout.log" >&2 || true; exit 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "kafka did not answer within ${timeout_s}s; see $logdir" >&2; exit 1; fi
    sleep 0.2
  done
  local t1=$EPOCHREALTIME
  echo "kafka $host:$port ready (pid $(cat "$pidfile")) in $(( (${t1/./} - ${t0/./}) / 1000 )) ms"
}

stop() {
  if ! running; then rm -f "$pidfile"; return 0; fi
  local pid
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.2; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "kafka stopped"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  run) run ;;
  stop) stop ;;
  status) running ;;
  *) echo "usage: $0 fetch|start|run|stop|status" >&2; exit 2 ;;
esac
