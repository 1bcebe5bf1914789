#!/usr/bin/env bash
# Renders the HTML report of the default scenario in a real browser (headless Chromium) and
# checks that it rendered: a screenshot at screen width and the print layout (PDF, and PNG pages
# when pdftoppm is installed), each PNG decoded with python3's standard library and required to
# hold more than a few distinct colours and a fair share of non-white pixels.
#
# usage: scripts/browser_check.sh [OUT_DIR]     (default: target/browser-check)
#
# Installs Debian's chromium with apt-get when it is missing (as root, or through sudo). Honours
# CARGO_TARGET_DIR. Exit status: 0 rendered, 1 a check failed, 2 a tool is missing or failed.
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-target/browser-check}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

fail() { echo "browser_check: $*" >&2; exit "${2:-1}"; }

if ! command -v chromium >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "browser_check: installing chromium (apt-get)" >&2
    $sudo apt-get update -qq || fail "apt-get update failed" 2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium poppler-utils \
        || fail "apt-get install chromium failed" 2
fi
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to check the PNGs" 2

# The page: the default scenario at a small trial count (the figures do not matter here).
cargo run --quiet --release --example assess -- --trials 5000 --html "$out/report.html" \
    --svg "$out" >/dev/null || fail "assess failed" 2
[ -s "$out/report.html" ] || fail "assess wrote no page" 2

profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chrome() {
    timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" "$@" "file://$out/report.html" >"$out/chromium.log" 2>&1 \
        || { cat "$out/chromium.log" >&2; fail "chromium failed ($*)" 2; }
}

rm -f "$out"/screen.png "$out"/report.pdf "$out"/print-*.png
chrome --screenshot="$out/screen.png" --window-size=1280,2400
chrome --print-to-pdf="$out/report.pdf" --no-pdf-header-footer
[ -s "$out/report.pdf" ] || fail "chromium wrote no PDF"
pngs=("$out/screen.png")
if command -v pdftoppm >/dev/null 2>&1; then
    pdftoppm -r 60 -png "$out/report.pdf" "$out/print"
    for p in "$out"/print-*.png; do pngs+=("$p"); done
else
    echo "browser_check: pdftoppm not found: the print layout is checked as a PDF only" >&2
fi

# Each PNG decoded (zlib + struct); the screenshot and the first printed page must hold at least
# 16 distinct colours and 1% non-white pixels (a blank or error page has a handful of colours).
# Later pages only need to decode: the last one may carry a few lines.
python3 - "${pngs[@]}" <<'PY'
import struct, sys, zlib

def pixels(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"{path}: not a PNG")
    pos, idat, head = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            head = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    if depth != 8 or ctype not in (0, 2, 4, 6) or interlace:
        raise SystemExit(f"{path}: unsupported PNG (depth {depth}, type {ctype})")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif f == 2:
            line = bytearray((a + b) & 255 for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], (prev[i - bpp] if i >= bpp else 0)
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows

bad = False
for k, path in enumerate(sys.argv[1:]):
    w, h, bpp, rows = pixels(path)
    colours, ink, total = set(), 0, 0
    for row in rows[::2]:
        for x in range(0, len(row), bpp * 2):
            px = row[x:x + min(bpp, 3)]
            colours.add(px)
            total += 1
            if min(px) < 235:
                ink += 1
    share = ink / max(total, 1)
    print(f"{path}: {w}x{h}, {len(colours)} colours, {share:.1%} ink")
    if k < 2 and (len(colours) < 16 or share < 0.01):
        print(f"{path}: looks blank", file=sys.stderr)
        bad = True
sys.exit(1 if bad else 0)
PY
echo "browser_check: rendered; PNGs in $out"
