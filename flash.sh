#!/usr/bin/env bash
# Upload a nowboard bundle and a board's identity to an ESP32 running Espruino,
# through the Espruino command-line tool (npm package `espruino`).
#
#   flash.sh --port /dev/ttyUSB0 [--baud 115200] [--board ESP32] \
#            --bundle dist/espruino/whitelist/enrollee.js --identity batch/devices/dev-0001/ \
#            [--espruino "npx --yes espruino"] [--dry-run]
#
# --identity is a directory of Storage files (as written by `nowboard keygen`):
# each file is written to the board's Storage under its own name. The bundle is
# stored as the boot code (.bootcde), so it runs at every power-up.
# --dry-run prints the commands instead of running them.
set -euo pipefail

port=""; baud="115200"; board="ESP32"; bundle=""; identity=""; dry=0
espruino="${NOWBOARD_ESPRUINO_CLI:-npx --yes espruino}"

die() { echo "flash.sh: $*" >&2; exit 2; }
need() { [ $# -ge 2 ] && [ -n "$2" ] || die "$1 needs a value"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --port) need "$@"; port="$2"; shift 2 ;;
    --baud) need "$@"; baud="$2"; shift 2 ;;
    --board) need "$@"; board="$2"; shift 2 ;;
    --bundle) need "$@"; bundle="$2"; shift 2 ;;
    --identity) need "$@"; identity="$2"; shift 2 ;;
    --espruino) need "$@"; espruino="$2"; shift 2 ;;
    --dry-run) dry=1; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) die "unknown flag: $1 (see --help)" ;;
  esac
done

[ -n "$port" ] || die "--port is required (e.g. /dev/ttyUSB0)"
[ -n "$bundle" ] || die "--bundle is required (e.g. dist/espruino/whitelist/enrollee.js)"
[[ "$baud" =~ ^[0-9]+$ ]] || die "--baud must be a number, got '$baud'"
[[ "$board" =~ ^[A-Za-z0-9_./-]+$ ]] || die "--board has unexpected characters: '$board'"
[ -f "$bundle" ] || die "bundle not found: $bundle (run npm run build)"
if [ -n "$identity" ]; then
  [ -d "$identity" ] || die "identity directory not found: $identity"
fi

# shellcheck disable=SC2206
cmd=($espruino --no-ble -p "$port" -b "$baud" --board "$board")
if [ -n "$identity" ]; then
  shopt -s nullglob
  files=("$identity"/*)
  [ ${#files[@]} -gt 0 ] || die "identity directory is empty: $identity"
  for f in "${files[@]}"; do
    name="$(basename "$f")"
    [ ${#name} -le 28 ] || die "Storage names are at most 28 characters: $name"
    cmd+=(--storage "$name:$f")
  done
fi
cmd+=(--storage ".bootcde:-" "$bundle")

if [ "$dry" = 1 ]; then
  printf '%q ' "${cmd[@]}"; echo
  exit 0
fi
exec "${cmd[@]}"
