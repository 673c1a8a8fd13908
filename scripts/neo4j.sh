#!/usr/bin/env bash
# A local Neo4j 5.26 Community server (embedded DBMS + Bolt) built from Maven Central.
# Usage: scripts/neo4j.sh build|up|down|status|wipe|import DIR|load DIR|preload DIR  (docs/neo4j.md)
#   up prints the bolt URI on stdout; progress and errors go to stderr.
#   import DIR: offline `neo4j-admin database import full` of the CSV files and the
#   import.args that graph/store/neo4j_bulk.py wrote into DIR (server stopped; replaces
#   the database).
#   load DIR: the same import and then up, in one JVM (one start, classes loaded once).
#   preload DIR: load, started before DIR's files are complete (it imports once DIR/import.args
#   appears; meanwhile the JVM warms up on a generated import).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LAUNCHER="$ROOT/neo4j/launcher"
STAMP="$LAUNCHER/target/.riskgraph-build-stamp"
# Paths relative to $LAUNCHER (every java runs there): the class-data-sharing archive records
# the class path as given. Classes in a jar, not target/classes: CDS refuses class directories.
CLASSPATH_="target/launcher.jar:target/dependency/*"  # target/classes:... when there is no jar
ARCHIVE="target/launcher.jsa"

NEO4J_HOME="${RISKGRAPH_NEO4J_HOME:-.neo4j}"
[[ "$NEO4J_HOME" = /* ]] || NEO4J_HOME="$ROOT/$NEO4J_HOME"
PORT="${RISKGRAPH_NEO4J_PORT:-7687}"
HEAP="${RISKGRAPH_NEO4J_HEAP:-1g}"
PAGECACHE="${RISKGRAPH_NEO4J_PAGECACHE:-512m}"
TX_TIMEOUT="${RISKGRAPH_NEO4J_TX_TIMEOUT:-10m}"
# relationships per node before Neo4j groups them by type and direction (its default: 50)
GROUPING="${RISKGRAPH_NEO4J_GROUPING_THRESHOLD:-1}"
export RISKGRAPH_NEO4J_GROUPING_THRESHOLD="$GROUPING"  # read by the launcher
START_TIMEOUT="${RISKGRAPH_NEO4J_START_TIMEOUT:-180}"
STOP_TIMEOUT="${RISKGRAPH_NEO4J_STOP_TIMEOUT:-60}"
export RISKGRAPH_NEO4J_PASSWORD="${RISKGRAPH_NEO4J_PASSWORD:-}"  # read by the launcher; empty = auth off
PIDFILE="$NEO4J_HOME/neo4j.pid"
LOG="$NEO4J_HOME/neo4j.log"
MAIN=riskgraph.neo4j.Launcher
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The collector (RISKGRAPH_NEO4J_GC=auto|g1|parallel): auto = Parallel, with a young generation
# of a third of the heap, for heaps of 2 GB and more (a hub walk's garbage dies young and fits
# there: a few young collections instead of G1's ~0.35 s per 1M hub query), G1 below.
heap_mb() {  # 3g -> 3072, 512m -> 512; 0 for a form this does not read
  local v="${1,,}"
  [[ "$v" =~ ^([0-9]+)([kmg]?)$ ]] || { echo 0; return; }
  case "${BASH_REMATCH[2]}" in
    g) echo $((BASH_REMATCH[1] * 1024)) ;; m) echo "${BASH_REMATCH[1]}" ;;
    k) echo $((BASH_REMATCH[1] / 1024)) ;; *) echo $((BASH_REMATCH[1] / 1048576)) ;;
  esac
}
GC="${RISKGRAPH_NEO4J_GC:-auto}"
if [[ "$GC" == auto ]]; then
  if (( $(heap_mb "$HEAP") >= 2048 )); then GC=parallel; else GC=g1; fi
fi
case "$GC" in
  g1) GC_FLAGS=(-XX:+UseG1GC) ;;
  parallel) GC_FLAGS=(-XX:+UseParallelGC -Xms"$HEAP" -Xmn"$(( $(heap_mb "$HEAP") / 3 ))m") ;;
  *) echo "neo4j: RISKGRAPH_NEO4J_GC must be auto, g1 or parallel, not '$GC'" >&2; exit 2 ;;
esac
# Transparent huge pages where the kernel gives them on request (THP "madvise"; RISKGRAPH_NEO4J_
# HUGE_PAGES=on|off): the heap (-XX:+UseTransparentHugePages) and the page cache, which is native
# memory from malloc in blocks of RISKGRAPH_NEO4J_PAGECACHE_BLOCK (glibc >= 2.35 asks for huge
# pages for such blocks with glibc.malloc.hugetlb=1). A walk reads records spread over GBs.
HUGE_PAGES="${RISKGRAPH_NEO4J_HUGE_PAGES:-on}"
HUGE_ENV=()
if [[ "$HUGE_PAGES" == on ]]; then
  GC_FLAGS+=(-XX:+UseTransparentHugePages)
  HUGE_ENV=(env "GLIBC_TUNABLES=${GLIBC_TUNABLES:+$GLIBC_TUNABLES:}glibc.malloc.hugetlb=1")
  export RISKGRAPH_NEO4J_PAGECACHE_BLOCK="${RISKGRAPH_NEO4J_PAGECACHE_BLOCK:-64m}"  # read by the launcher
fi
# Java 17 flags from Neo4j's own neo4j.conf (minus TrustFinalNonStaticFields: not for embedded).
JAVA_FLAGS=(-Xmx"$HEAP" "${GC_FLAGS[@]}" -XX:-OmitStackTraceInFastThrow -XX:+ExitOnOutOfMemoryError
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true
  -Djdk.nio.maxCachedBufferSize=1024 -Dlog4j2.disable.jmx=true)
# shellcheck disable=SC2206
[[ -n "${RISKGRAPH_NEO4J_JAVA_OPTS:-}" ]] && JAVA_FLAGS+=($RISKGRAPH_NEO4J_JAVA_OPTS)
IMPORT_TIMEOUT="${RISKGRAPH_NEO4J_IMPORT_TIMEOUT:-3600}"

say() { echo "neo4j: $*" >&2; }
die() { say "$*"; exit 1; }

# Serialise concurrent callers (e.g. pytest-xdist workers all running `up`): one lock per
# data directory, one for the Maven build. The server itself must not inherit these fds.
lockfile() { echo "/tmp/riskgraph-neo4j-$(printf %s "$1" | sha256sum | cut -c1-16).lock"; }

build_hash() {
  (cd "$LAUNCHER" && { cat pom.xml; find src -type f -print0 | sort -z | xargs -0 sha256sum
    "$JAVA" -version 2>&1; } | sha256sum | cut -d' ' -f1)
}

cmd_build() {
  exec 8>"$(lockfile "$LAUNCHER")"; flock 8
  local want
  want="$(build_hash)"
  if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -d "$LAUNCHER/target/dependency" ]]; then
    return 0
  fi
  say "building the launcher with Maven (the first run downloads ~160 MB into ~/.m2)"
  rm -rf "$LAUNCHER/target"  # no stale jars from an older neo4j.version on the classpath
  local out  # -q prints only errors (and Maven 3.8's stray colour codes): show it on failure only
  out="$(mvn -B -q -f "$LAUNCHER/pom.xml" compile dependency:copy-dependencies 2>&1 8>&-)" \
    || { echo "$out" >&2; die "Maven build failed"; }
  if "${JAVA_HOME:+$JAVA_HOME/bin/}jar" cf "$LAUNCHER/target/launcher.jar" -C "$LAUNCHER/target/classes" . 8>&-; then
    train_archive
  else
    rm -f "$LAUNCHER/target/launcher.jar"
    say "no jar tool: running from target/classes, without a class-data-sharing archive"
  fi
  echo "$want" > "$STAMP"
}

# The class-data-sharing archive (JDK 17 dynamic AppCDS): one training run (a tiny import, a
# start, the store's kinds of Cypher) writes the classes it loaded; every later JVM maps them
# instead of loading and verifying ~10,000 classes again. It runs in the background (a minute
# or more on a busy machine), so the build and the first starts do not wait for it; JVMs
# started before it is done run without it, as they do if it fails (log: target/train.log).
train_archive() {
  local home
  home="$(mktemp -d "${TMPDIR:-/tmp}/riskgraph-neo4j-train.XXXXXX")"
  say "training the class-data-sharing archive in the background (log $LAUNCHER/target/train.log)"
  (
    cd "$LAUNCHER"
    if timeout 900 "$JAVA" "${JAVA_FLAGS[@]}" -XX:ArchiveClassesAtExit="$ARCHIVE.tmp" -cp "$CLASSPATH_" \
        "$MAIN" --home="$home" --port=0 --train=true >target/train.log 2>&1 && [[ -s "$ARCHIVE.tmp" ]]; then
      mv -f "$ARCHIVE.tmp" "$ARCHIVE"
    else
      rm -f "$ARCHIVE.tmp"
    fi
    rm -rf "$home"
  ) </dev/null >/dev/null 2>&1 8>&- 9>&- &
}

# java with the archive when the build made one (run in $LAUNCHER; replaces the shell);
# with --setsid first: in its own process group, which down signals as a whole
java_run() {
  local share=() lead=()
  [[ "$1" == --setsid ]] && { lead=(setsid); shift; }
  [[ -f "$LAUNCHER/$ARCHIVE" ]] && share=(-XX:SharedArchiveFile="$ARCHIVE")
  [[ -f "$LAUNCHER/target/launcher.jar" ]] || CLASSPATH_="target/classes:target/dependency/*"
  exec "${lead[@]}" "${HUGE_ENV[@]}" "$JAVA" "${JAVA_FLAGS[@]}" "${share[@]}" -cp "$CLASSPATH_" "$@"
}

# The pid in PIDFILE if that process is alive and is our launcher; removes a stale pid file.
live_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q "$MAIN"; then
    echo "$pid"; return 0
  fi
  say "removing stale pid file ($pid is not running)"
  rm -f "$PIDFILE"; return 1
}

uri() { grep -m1 '^NEO4J READY ' "$LOG" 2>/dev/null | awk '{print $3}'; }

# SIGTERM to the whole process group (the launcher leads it: setsid), SIGKILL after STOP_TIMEOUT.
stop_pid() {
  local pid=$1 waited=0
  kill -TERM -- "-$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if (( waited >= STOP_TIMEOUT * 10 )); then
      say "no exit ${STOP_TIMEOUT}s after SIGTERM; sending SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1; waited=$((waited + 1))
  done
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PIDFILE"
}

cmd_up() {
  exec 9>"$(lockfile "$NEO4J_HOME")"; flock 9
  start_server
}

# Starts the launcher (with any extra launcher flags, e.g. --import=DIR) and waits for ready.
start_server() {
  local pid timeout=$START_TIMEOUT
  [[ $# -gt 0 ]] && timeout=$((START_TIMEOUT + IMPORT_TIMEOUT))
  if pid="$(live_pid)"; then
    [[ $# -gt 0 ]] && die "load: the server is running; run down first (the import replaces the database)"
    say "already running (pid $pid)"; uri; return 0
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    die "port $PORT is already in use on 127.0.0.1 (another Neo4j? set RISKGRAPH_NEO4J_PORT)"
  fi
  cmd_build
  mkdir -p "$NEO4J_HOME"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.prev"
  : > "$LOG"
  say "starting (heap $HEAP, page cache $PAGECACHE, port $PORT, auth $([[ -n $RISKGRAPH_NEO4J_PASSWORD ]] && echo on || echo off), home $NEO4J_HOME)"
  local start=$SECONDS
  (cd "$LAUNCHER" && java_run --setsid "$MAIN" --home="$NEO4J_HOME" --port="$PORT" --pagecache="$PAGECACHE" \
    --tx_timeout="$TX_TIMEOUT" "$@") </dev/null >>"$LOG" 2>&1 8>&- 9>&- &
  pid=$!
  echo "$pid" > "$PIDFILE"
  while ! grep -q '^NEO4J READY ' "$LOG"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      say "exited during start-up; last lines of $LOG:"; tail -n 30 "$LOG" >&2; exit 1
    fi
    if (( SECONDS - start >= timeout )); then
      say "not ready after ${timeout}s; stopping it. Last lines of $LOG:"; tail -n 30 "$LOG" >&2
      stop_pid "$pid"; exit 1
    fi
    sleep 0.2
  done
  say "ready in $((SECONDS - start))s (pid $pid, log $LOG)"
  uri
}

cmd_down() {
  exec 9>"$(lockfile "$NEO4J_HOME")"; flock 9
  local pid
  if pid="$(live_pid)"; then
    say "stopping pid $pid"; stop_pid "$pid"; say "stopped"
  else
    say "not running"
  fi
}

cmd_status() {
  local pid
  if pid="$(live_pid)"; then
    echo "running pid=$pid uri=$(uri) home=$NEO4J_HOME"
  else
    echo "stopped home=$NEO4J_HOME"; return 3
  fi
}

cmd_wipe() {
  cmd_down
  case "$NEO4J_HOME" in /|"$ROOT"|"$ROOT/"|"$HOME"|"$HOME/") die "refusing to wipe $NEO4J_HOME";; esac
  if [[ -d "$NEO4J_HOME" && ! -d "$NEO4J_HOME/data" && ! -f "$LOG" ]]; then
    die "$NEO4J_HOME does not look like a Neo4j home (no data/ or neo4j.log); not deleting"
  fi
  rm -rf "$NEO4J_HOME"; say "wiped $NEO4J_HOME"
}

# The import tool of the same Neo4j artifacts (org.neo4j:neo4j-import-tool, a dependency
# of org.neo4j:neo4j), run through neo4j-admin's entry point with this home's data dir.
import_dir() {  # checks DIR, writes the import tool's conf; prints DIR as an absolute path
  local dir="$1" what="$2"
  if [[ "$what" == preload ]]; then  # the files are still being written: DIR must exist
    [[ -n "$dir" && -d "$dir" ]] || die "$what: $dir is not a directory"
  else
    [[ -n "$dir" && -f "$dir/import.args" ]] || die "$what: $dir has no import.args (write it with graph/store/neo4j_bulk.py)"
  fi
  mkdir -p "$NEO4J_HOME/conf"
  # as the launcher sets it: relationships grouped by type and direction on every node
  echo "db.relationship_grouping_threshold=$GROUPING" > "$NEO4J_HOME/conf/neo4j.conf"
  cd "$dir" && pwd
}

cmd_import() {
  local dir
  dir="$(import_dir "${1:-}" import)"
  exec 9>"$(lockfile "$NEO4J_HOME")"; flock 9
  if live_pid >/dev/null; then die "import: the server is running; run down first (the import replaces the database)"; fi
  cmd_build
  say "importing $dir into $NEO4J_HOME (heap $HEAP, off-heap $PAGECACHE)"
  local start=$SECONDS
  (cd "$LAUNCHER" && NEO4J_HOME="$NEO4J_HOME" NEO4J_CONF="$NEO4J_HOME/conf" java_run \
    org.neo4j.cli.AdminTool database import full --overwrite-destination=true --max-off-heap-memory="$PAGECACHE" \
    --report-file="$NEO4J_HOME/import.report" \
    neo4j "@$dir/import.args") \
    >"$NEO4J_HOME/import.log" 2>&1 9>&- \
    || { tail -n 30 "$NEO4J_HOME/import.log" >&2; die "import failed (log $NEO4J_HOME/import.log)"; }
  say "imported in $((SECONDS - start))s (log $NEO4J_HOME/import.log)"
}

# import and up in one JVM: the launcher imports (log HOME/import.log), then starts on it
cmd_load() {
  local dir
  dir="$(import_dir "${1:-}" load)"
  exec 9>"$(lockfile "$NEO4J_HOME")"; flock 9
  start_server --import="$dir"
}

# load, started while graph/store/neo4j_bulk.py still writes DIR: the launcher warms the import
# tool up on generated data meanwhile, then imports once DIR/import.args (written last) appears
cmd_preload() {
  local dir
  dir="$(import_dir "${1:-}" preload)"
  exec 9>"$(lockfile "$NEO4J_HOME")"; flock 9
  start_server --import="$dir" --await=true --await_timeout="$IMPORT_TIMEOUT"
}

case "${1:-}" in
  build|up|down|status|wipe) "cmd_$1" ;;
  import|load|preload) "cmd_$1" "${2:-}" ;;
  *) echo "usage: $0 build|up|down|status|wipe|import DIR|load DIR|preload DIR" >&2; exit 2 ;;
esac
