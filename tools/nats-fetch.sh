#!/usr/bin/env bash
# pnpm nats:fetch — a current nats-server beside the machine's own, with no system install.
# Debian's archive (suite sid) carries a current nats-server; apt downloads the pinned .deb with a
# private state folder (the system's apt configuration and lists are left alone), and dpkg-deb
# unpacks the binary into .cache/nats-server/<version>/. Prints the binary's path on the last line:
#   export NATS_SERVER_BIN=$(pnpm -s nats:fetch | tail -1)
set -euo pipefail
cd "$(dirname "$0")/.."

PINNED="${NATS_PINNED_VERSION:-2.15.1}"        # keep in step with docker-compose.yml and .ci/run
dest=".cache/nats-server/$PINNED"
bin="$PWD/$dest/nats-server"

if [ -x "$bin" ] && "$bin" --version 2>/dev/null | grep -q "v$PINNED"; then
  echo "$bin"; exit 0
fi

if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-deb >/dev/null 2>&1; then
  echo "nats:fetch needs Debian or Ubuntu (apt-get and dpkg-deb). Elsewhere, get nats-server $PINNED from your package manager" >&2
  echo "(e.g. 'brew install nats-server') or the NATS release page, and point NATS_SERVER_BIN at the binary." >&2
  exit 1
fi

state="$PWD/.cache/apt-sid"
mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc/preferences.d" "$dest"
: > "$state/status"
# The mirror the system already uses (its deb822 URIs or classic deb lines), suite sid.
mirror=$( { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}';
            grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | grep -oE 'https?://[^ ]+'; } \
          | grep -v security | head -1 || true)
mirror="${mirror:-http://deb.debian.org/debian}"
echo "deb [trusted=yes] ${mirror%/} sid main" > "$state/sources.list"
opts=(-o "Dir::State=$state" -o "Dir::State::status=$state/status" -o "Dir::Cache=$state/cache"
      -o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=-"
      -o "Dir::Etc::Preferences=$state/etc/preferences" -o "Dir::Etc::PreferencesParts=$state/etc/preferences.d"
      -o "APT::Architecture=$(dpkg --print-architecture)" -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root")
echo "fetching nats-server $PINNED from Debian sid (apt state in $state)..." >&2
apt-get "${opts[@]}" -qq update >&2
ver=$(apt-cache "${opts[@]}" madison nats-server | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -E "^$PINNED(-|\+|$)" | head -1 || true)
if [ -z "$ver" ]; then
  echo "Debian sid no longer carries nats-server $PINNED (it has: $(apt-cache "${opts[@]}" madison nats-server | awk -F'|' '{print $2}' | xargs))." >&2
  echo "Set NATS_PINNED_VERSION to one of those, or point NATS_SERVER_BIN at a binary you have." >&2
  exit 1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get "${opts[@]}" -qq download "nats-server=$ver" >&2)
dpkg-deb -x "$tmp"/nats-server_*.deb "$tmp/x"
found=$(find "$tmp/x" -type f -name nats-server -perm -u+x | head -1)
[ -n "$found" ] || { echo "the .deb held no nats-server binary" >&2; exit 1; }
cp "$found" "$bin"
"$bin" --version >&2
echo "$bin"
