# Sourced by bench/run and bench/jmh: builds what the harness needs, once per invocation.
#   BENCH_REBUILD=1   rebuild target/switchboard.jar from the working tree first (./mvnw -q -DskipTests package)
# Sets BENCH, ROOT, SUT (the private copy of the Switchboard jar), CP (bench classes and libraries), COMMIT.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
SUT=$BENCH/target/sut/switchboard.jar

if [[ ! -f $ROOT/target/switchboard.jar || ${BENCH_REBUILD:-0} == 1 ]]; then
  echo "# building the Switchboard jar (./mvnw -q -DskipTests package)" >&2
  (cd "$ROOT" && ./mvnw -q -DskipTests package)
fi
# a private copy: someone else rebuilding target/ cannot swap the jar under a running benchmark
mkdir -p "$BENCH/target/sut"
for attempt in 1 2 3 4 5; do
  cp "$ROOT/target/switchboard.jar" "$SUT.tmp"
  if unzip -tq "$SUT.tmp" >/dev/null 2>&1; then mv "$SUT.tmp" "$SUT"; break; fi
  echo "# target/switchboard.jar is being written, retrying" >&2; sleep 3
done
[[ -f $SUT ]] || { echo "no usable target/switchboard.jar" >&2; exit 1; }

# what the jar was built from is not recorded anywhere: report HEAD now and the jar's build time
COMMIT="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [[ -n "$(git -C "$ROOT" status --porcelain -- src pom.xml 2>/dev/null)" ]]; then COMMIT="$COMMIT+dirty"; fi
COMMIT="jar built $(date -u -r "$ROOT/target/switchboard.jar" +%Y-%m-%dT%H:%MZ), HEAD $COMMIT at run time"

echo "# building the harness (bench/pom.xml)" >&2
"$ROOT/mvnw" -q -f "$BENCH/pom.xml" -Dswitchboard.jar="$SUT" package
CP="$BENCH/target/classes:$BENCH/target/lib/*"
