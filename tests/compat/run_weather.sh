#!/bin/sh
# Runs the weather example at several rank counts and checks that every run prints the same
# final mass/energy line and checksum, and writes the same picture.
#   run_weather.sh WEATHER "NP1 NP2 ..." LAUNCHER [LAUNCHER ARGS...]
# The launcher is called as `LAUNCHER... NP WEATHER ARGS`, e.g.
#   run_weather.sh build/bin/weather "1 4" build/bin/zrun -n
#   run_weather.sh ./weather "1 2 3 4 6" mpirun --oversubscribe -n
set -u
weather=$1 nps=$2
shift 2
# An uneven grid: no tile count used here divides both sides.
args="--size 97x83 --steps 150 --every 50"
limit=${ZMPI_TEST_TIMEOUT:-120}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/zmpi-weather.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

failed=0 passed=0 ref=''
for np in $nps; do
  out=$tmp/np$np
  # shellcheck disable=SC2086 # args is a list of words
  if ! timeout "$limit" "$@" "$np" "$weather" $args --out "$out.ppm" >"$out.log" 2>&1; then
    echo "FAILED: $np ranks: exit status $?"
    cat "$out.log"
    failed=$((failed + 1))
    continue
  fi
  # The last mass/energy line and the checksum: exact for any number of ranks.
  grep -E '^step +150 ' "$out.log" | sed 's/  min h.*//' >"$out.sum"
  grep -E '^(checksum|fingerprint) ' "$out.log" >>"$out.sum"
  echo "$np ranks: $(grep '^weather:' "$out.log")"
  sed 's/^/    /' "$out.sum"
  if [ "$(wc -l <"$out.sum")" -ne 3 ]; then
    echo "FAILED: $np ranks: no final step, checksum or fingerprint line"
    cat "$out.log"
    failed=$((failed + 1))
  elif ! head -c 15 "$out.ppm" | grep -q '^P6$' ||
      [ "$(wc -c <"$out.ppm")" -ne $((13 + 97 * 83 * 3)) ]; then
    echo "FAILED: $np ranks: $out.ppm is not a 97x83 binary PPM"
    failed=$((failed + 1))
  elif [ -z "$ref" ]; then
    ref=$np
    passed=$((passed + 1))
  elif cmp -s "$tmp/np$ref.sum" "$out.sum" && cmp -s "$tmp/np$ref.ppm" "$out.ppm"; then
    passed=$((passed + 1))
  else
    echo "FAILED: $np ranks differ from $ref ranks"
    diff "$tmp/np$ref.sum" "$out.sum"
    cmp "$tmp/np$ref.ppm" "$out.ppm"
    failed=$((failed + 1))
  fi
done
# The default picture: a zlib-compressed PNG of the field with a colour bar right of it (blue at
# the bottom, red at the top), its scale in a tEXt comment; same bytes at every rank count.
png_ok=0
for np in $nps; do
  # shellcheck disable=SC2086 # args is a list of words
  (cd "$tmp" && timeout "$limit" "$@" "$np" "$weather" $args >"$tmp/png$np.log" 2>&1) &&
    mv "$tmp/weather.png" "$tmp/np$np.png" || { echo "FAILED: $np ranks with the default picture"; cat "$tmp/png$np.log"; failed=$((failed + 1)); continue; }
  grep -q "^wrote weather.png (97x83, colour bar [0-9.e+-]* to [0-9.e+-]*)$" "$tmp/png$np.log" ||
    { echo "FAILED: $np ranks: no 'wrote weather.png' line"; failed=$((failed + 1)); }
  if [ $png_ok = 0 ]; then
    python3 - "$tmp/np$np.png" <<'PY' || { echo "FAILED: weather.png is not the expected PNG"; failed=$((failed + 1)); }
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "signature"
pos, chunks = 8, []
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body), kind
    chunks.append((kind, body))
    pos += 12 + n
kinds = [k for k, _ in chunks]
assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND", kinds
w, h, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
assert (w, h, depth, colour) == (97 + 24, 83, 8, 2), (w, h, depth, colour)
text = b"".join(b for k, b in chunks if k == b"tEXt")
assert text.startswith(b"Comment\0height; colour bar from "), text
idat = b"".join(b for k, b in chunks if k == b"IDAT")
raw = zlib.decompress(idat)
assert len(raw) == h * (1 + 3 * w), len(raw)
assert len(idat) < len(raw) and (idat[2] >> 1) & 3 != 0, "not compressed (stored deflate blocks)"
def pixel(x, y):
    row = raw[y * (1 + 3 * w) + 1:]
    return tuple(row[3 * x:3 * x + 3])
bar = 97 + 6 + 1 + 6                       # middle column of the bar
top, mid, bottom = pixel(bar, 1), pixel(bar, h // 2), pixel(bar, h - 2)
assert top[0] > 150 and top[1] < 60 and top[2] < 60, top            # dark red
assert bottom[2] > 150 and bottom[0] < 60 and bottom[1] < 60, bottom  # dark blue
assert min(mid) > 200, mid                     # near white
print("weather.png: %dx%d (97x83 field + colour bar), %d bytes of %d compressed" % (w, h, len(idat), len(raw)))
PY
    png_ok=1
    first_png=$np
  elif ! cmp -s "$tmp/np$first_png.png" "$tmp/np$np.png"; then
    echo "FAILED: weather.png at $np ranks differs from $first_png ranks"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
