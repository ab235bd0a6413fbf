#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, builds, tests,
# and ends with one summary line "tests: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

bash eng/install-deps.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

status=0
dotnet test Rx.Mediation.sln --configuration Release --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 5m "$@" || status=$?

# One line for the whole suite, summed over the test assemblies' TRX reports.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.trx"):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
