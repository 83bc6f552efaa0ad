#!/usr/bin/env bash
# A year of data in the real store, simulated: one device of every family (Bloomsky station with its picture, Kasa
# plug with a meter, SmartMesh mote, Weather Underground station, VStarCam camera with its snapshot) recording every
# 5 minutes for 365 days, with the shipped retention (readings 365 days, pictures 30 days) and a disk budget;
# retention runs at the end of every simulated day as if it were that day. Reports the store's size on disk at the
# end of the year and at its largest, what a reading costs, and what the budget had to shed (the goal: nothing).
#
#   bench/retention.sh [budget MB] [station picture KB] [camera picture KB]   (defaults 2048, 48, 96)
# Pictures are random bytes of that size (a JPEG does not compress either): a Bloomsky SKY2's 640x480 JPEG is about
# 40-60 KB, a VStarCam 640x360 snapshot 30-50 KB and a 1280x720 one 100-150 KB.
# Last line: RESULT year_readings=... kept_readings=... kept_pictures=... store_mb=... peak_mb=... database_mb=...
#   bytes_per_reading=... budget_mb=... shed_readings=... shed_pictures=... removed_pictures=... seconds=...
set -euo pipefail
budget=${1:-2048}
station_kb=${2:-48}
camera_kb=${3:-96}
. "$(dirname "$0")/lib.sh"
cp=$(module_test_classpath plugins/store-sqlite)
work=$(mktemp -d "${TMPDIR:-/tmp}/understudy-retentionbench.XXXXXX")
trap 'rm -rf "$work"' EXIT
java -Xmx512m -cp "$cp" org.understudy.store.sqlite.YearOfData "$work/year" "$budget" "$station_kb" "$camera_kb"
