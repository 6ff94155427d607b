#!/usr/bin/env bash
# Upload a nowboard bundle and a board's identity to an ESP32 running Espruino,
# through the Espruino command-line tool: the npm package `espruino` pinned in
# package.json, run from node_modules (npm ci installs it; nothing is fetched).
#
#   flash.sh --port /dev/ttyUSB0|tcp://HOST:PORT [--baud 115200] [--board BOARD.json] \
#            --bundle dist/espruino/whitelist/enrollee.js --identity batch/devices/dev-0001/ \
#            [--espruino "node .../espruino-cli.js"] [--no-verify] [--dry-run]
#
# --identity is a directory of Storage files (as written by `nowboard keygen`):
# each file is written to the board's Storage under its own name. The bundle is
# stored as the boot code (.bootcde), so it runs at every power-up.
# Works offline: by default the CLI reads the board's details from the board
# itself when it connects. --board takes a local board JSON file only (a board
# NAME makes the CLI download its description from espruino.com, and offline it
# then crashes without writing anything).
# The CLI exits 0 even when it could not connect, so success is read from its
# output ("Upload Complete"), then verified: a second connection reads back the
# CRC-32 of every file written (E.CRC32 on the board, zlib on this side) and
# any difference fails. --no-verify skips that (a bundle that takes the console
# away from the port, like the radio bridge, cannot answer it).
# --dry-run prints the commands instead of running them.
# Exit status: 0 written and verified, 1 upload or verification failed, 2 usage.
set -euo pipefail

root="$(cd "$(dirname "$0")" && pwd)"
port=""; baud="115200"; board=""; bundle=""; identity=""; dry=0; verify=1
espruino="${NOWBOARD_ESPRUINO_CLI:-}"

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
    --no-verify) verify=0; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) die "unknown flag: $1 (see --help)" ;;
  esac
done

[ -n "$port" ] || die "--port is required (e.g. /dev/ttyUSB0 or tcp://127.0.0.1:2323)"
[ -n "$bundle" ] || die "--bundle is required (e.g. dist/espruino/whitelist/enrollee.js)"
[[ "$baud" =~ ^[0-9]+$ ]] || die "--baud must be a number, got '$baud'"
if [ -n "$board" ]; then
  [[ "$board" == *.json ]] && [ -f "$board" ] || die "--board takes a local board JSON file, got '$board' (a board name makes the Espruino CLI download it, which fails offline; leave --board out to read the details from the board)"
fi
[ -f "$bundle" ] || die "bundle not found: $bundle (run npm run build)"
if [ -n "$identity" ]; then
  [ -d "$identity" ] || die "identity directory not found: $identity"
fi
if [ -z "$espruino" ]; then
  cli="$root/node_modules/espruino/bin/espruino-cli.js"
  [ -f "$cli" ] || die "the Espruino CLI is not installed at $cli: run npm ci"
  espruino="node $cli"
fi

# shellcheck disable=SC2206
base=($espruino --no-ble -p "$port" -b "$baud")
if [ -n "$board" ]; then base+=(--board "$board"); fi
cmd=("${base[@]}")
names=(); paths=()
if [ -n "$identity" ]; then
  shopt -s nullglob
  files=("$identity"/*)
  [ ${#files[@]} -gt 0 ] || die "identity directory is empty: $identity"
  for f in "${files[@]}"; do
    name="$(basename "$f")"
    [ ${#name} -le 28 ] || die "Storage names are at most 28 characters: $name"
    cmd+=(--storage "$name:$f")
    names+=("$name"); paths+=("$f")
  done
fi
cmd+=(--storage ".bootcde:-" "$bundle")
names+=(".bootcde"); paths+=("$bundle")

# The read-back: one line "NBV[crc,...]" in the order of `names` (-1 = missing).
json_names="$(printf '"%s",' "${names[@]}")"
check='(function(){var S=(0,require)("Storage");print("NBV"+JSON.stringify(['"${json_names%,}"'].map(function(n){var f=S.read(n);return f===undefined?-1:E.CRC32(f);})));})()'
vcmd=("${base[@]}" -e "$check")

if [ "$dry" = 1 ]; then
  printf '%q ' "${cmd[@]}"; echo
  if [ "$verify" = 1 ]; then printf '%q ' "${vcmd[@]}"; echo; fi
  exit 0
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
"${cmd[@]}" 2>&1 | tee "$log" || true
grep -q "Upload Complete" "$log" || { echo "flash.sh: E_FLASH_UPLOAD: the Espruino CLI did not complete the upload to $port (see its output above)" >&2; exit 1; }
[ "$verify" = 1 ] || exit 0

want="$(node -e 'const z=require("zlib"),fs=require("fs");console.log(JSON.stringify(process.argv.slice(1).map((f)=>z.crc32(fs.readFileSync(f)))))' "${paths[@]}")"
"${vcmd[@]}" 2>&1 | tee "$log" >/dev/null || true
got="$(grep -o 'NBV\[[-0-9,]*\]' "$log" | tail -1 | cut -c4- || true)"
if [ "$got" != "$want" ]; then
  echo "flash.sh: E_FLASH_VERIFY: the board's Storage does not hold what was sent (files ${names[*]}; want CRC-32 $want, board says ${got:-nothing})" >&2
  exit 1
fi
echo "flash.sh: verified ${#names[@]} files on $port (CRC-32 $want)"
