#!/usr/bin/env bash
# Volume engine vs a plain file on the same disk, same run: prints ratios.
# Usage: bench/engine-bench.sh [SECONDS_PER_CASE] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_build_tools
mvn -B -q -ntp -pl bench -am package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt
exec java ${JAVA_OPTS:-} --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.basalt.bench.EngineBench "${2:-bench/target/bench-data}" "${1:-5}"
