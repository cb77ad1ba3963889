#!/usr/bin/env bash
# Runs every test of the solution. On a fresh Debian 12 machine with only the .NET 10 SDK it first installs what
# the tests need: Debian's chromium, which the end-to-end tests drive through Playwright, and Debian's redis-server,
# which the cluster tests start on a loopback port for Orleans' Redis clustering.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1 || ! command -v strace >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: installing Debian's chromium (end-to-end tests), strace (file-access log) and redis-server (cluster tests)"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium strace redis-server >/dev/null
fi

dotnet build Dissection.Dashboard.sln -nologo -v:q -clp:ErrorsOnly
log=$(mktemp)
results=$(mktemp -d)
status=0
# Projects one at a time: the machine has 2 cores and the end-to-end tests start the dashboard themselves.
for p in tests/*/*.csproj; do
  dotnet test "$p" --no-build -nologo -v:q --logger "trx;LogFilePrefix=$(basename "$p" .csproj)" \
    --results-directory "$results" "$@" 2>&1 | tee -a "$log" || status=1
done

# Quiet runs print only a failed test's name; its message, the top of its stack and the start of what it wrote to its
# output come from the trx files, so that a CI log alone says why a test failed.
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  awk '/<\/UnitTestResult>/ { on = 0; inside = 0; out = 0; next }
       /<UnitTestResult / && /outcome="Failed"/ { on = 1; match($0, /testName="[^"]*"/); print "\n[FAILED] " substr($0, RSTART + 10, RLENGTH - 11); n = 0 }
       on && n < 40 { if ($0 ~ /<Message>|<StackTrace>/ || inside) { inside = 1; gsub(/<[^>]*>/, ""); gsub(/&lt;/, "<"); gsub(/&gt;/, ">");
                        gsub(/&quot;/, "\""); gsub(/&apos;/, "\047"); gsub(/&#xD;/, ""); gsub(/&amp;/, "\\&"); if ($0 ~ /[^ \t]/) { print; n++ } } }
       /<StdOut>/ && on { out = 1; m = 0 }
       out && m < 150 { line = $0; gsub(/<[^>]*>/, "", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); gsub(/&amp;/, "\\&", line);
                       if (line ~ /[^ \t]/) { print "  | " line; m++ } }
       /<\/StdOut>/ { out = 0 }' "$trx"
done
rm -rf "$results"

# One closing line that any CI can read, summed over the projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
