#!/usr/bin/env bash
# scripts/screenshot-timeline.sh PAGE.html OUT.png
#
# Opens a page the `timeline` binary wrote in headless Chromium (Debian's
# `chromium` package, installed when missing), saves a 1400x900 screenshot,
# and checks that the page rendered: a PNG of that size, not blank. Offline:
# a file:// page, and every Chromium feature that would go out is off.
# Example (after scripts/timeline.sh primes ... 1000000 2):
#
#   scripts/screenshot-timeline.sh target/timeline/primes.html docs/timeline/primes-2-threads.png
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: scripts/screenshot-timeline.sh PAGE.html OUT.png" >&2
    exit 2
fi
page=$(realpath "$1")
png=$2
grep -q '<svg' "$page" || { echo "screenshot-timeline: $1 has no <svg>" >&2; exit 1; }
if ! command -v chromium >/dev/null; then
    echo "screenshot-timeline: installing chromium" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$png"
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --screenshot="$png" --window-size=1400,900 \
    "file://$page" >/dev/null 2>"$profile/chromium.log" || {
    echo "screenshot-timeline: chromium failed:" >&2
    tail -5 "$profile/chromium.log" >&2
    exit 1
}
# A PNG, 1400x900, with more than a few colours in it (the bands drawn).
python3 - "$png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
if data[:8] != b'\x89PNG\r\n\x1a\n':
    sys.exit('screenshot-timeline: not a PNG')
w, h, depth, ctype = struct.unpack('>IIBB', data[16:26])
if (w, h) != (1400, 900):
    sys.exit('screenshot-timeline: %dx%d, wanted 1400x900' % (w, h))
pos, idat = 8, b''
while pos < len(data):
    n, kind = struct.unpack('>I4s', data[pos:pos + 8])
    if kind == b'IDAT':
        idat += data[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
bpp = {2: 3, 6: 4}.get(ctype, 1) * depth // 8
# Distinct bytes over a sample of rows' raw data: a blank page has 1 or 2.
rows = [raw[y * (w * bpp + 1) + 1:(y + 1) * (w * bpp + 1)] for y in range(0, h, 25)]
distinct = len(set(b for r in rows for b in r))
if distinct < 8:
    sys.exit('screenshot-timeline: the page looks blank')
print('screenshot: %s (%dx%d)' % (sys.argv[1], w, h))
PY
