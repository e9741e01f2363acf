#include "image.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Maps t in [-1, 1] to blue - white - red. */
static void Colour(double t, unsigned char rgb[3]) {
  if (t < -1) t = -1;
  if (t > 1) t = 1;
  double a = fabs(t);
  unsigned char fade = (unsigned char)lrint(255.0 * (1.0 - a));
  unsigned char full = (unsigned char)lrint(255.0 * (1.0 - 0.35 * a));
  if (t < 0) {
    rgb[0] = fade, rgb[1] = fade, rgb[2] = full;
  } else {
    rgb[0] = full, rgb[1] = fade, rgb[2] = fade;
  }
}

/* Renders the field top row first (north up), each row preceded by `row_prefix` zero bytes
 * (PNG's per-row filter byte). Returns a malloc'ed buffer or NULL. */
static unsigned char *Render(const double *field, int nx, int ny, double center, int row_prefix,
                             size_t *size) {
  double range = 0;
  for (size_t k = 0; k < (size_t)nx * ny; ++k) {
    double d = fabs(field[k] - center);
    if (d > range) range = d;
  }
  if (range == 0) range = 1;
  size_t row_bytes = (size_t)row_prefix + 3 * (size_t)nx;
  *size = row_bytes * ny;
  unsigned char *out = malloc(*size);
  if (out == NULL) return NULL;
  for (int y = 0; y < ny; ++y) {
    unsigned char *row = out + (size_t)y * row_bytes;
    memset(row, 0, row_prefix);
    const double *src = field + (size_t)(ny - 1 - y) * nx;
    for (int x = 0; x < nx; ++x) Colour((src[x] - center) / range, row + row_prefix + 3 * x);
  }
  return out;
}

static uint32_t Crc32(uint32_t crc, const unsigned char *p, size_t n) {
  crc = ~crc;
  while (n--) {
    crc ^= *p++;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void Put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* One PNG chunk: length, type, data, CRC over type and data. */
static int PutChunk(FILE *f, const char *type, const unsigned char *data, size_t n) {
  unsigned char head[8], tail[4];
  Put32(head, (uint32_t)n);
  memcpy(head + 4, type, 4);
  uint32_t crc = Crc32(Crc32(0, head + 4, 4), data, n);
  Put32(tail, crc);
  return fwrite(head, 1, 8, f) == 8 && fwrite(data, 1, n, f) == n && fwrite(tail, 1, 4, f) == 4;
}

/* Wraps raw bytes in a zlib stream of stored deflate blocks (at most 65535 bytes each). */
static unsigned char *ZlibStored(const unsigned char *raw, size_t n, size_t *out_n) {
  size_t blocks = n / 65535 + 1;
  *out_n = 2 + n + 5 * blocks + 4;
  unsigned char *z = malloc(*out_n), *p = z;
  if (z == NULL) return NULL;
  *p++ = 0x78, *p++ = 0x01; /* deflate, 32 KiB window, no dictionary, check bits ok */
  uint32_t s1 = 1, s2 = 0;
  for (size_t k = 0; k < n; ++k) {
    s1 = (s1 + raw[k]) % 65521;
    s2 = (s2 + s1) % 65521;
  }
  for (size_t b = 0; b < blocks; ++b) {
    size_t off = b * 65535, len = n - off < 65535 ? n - off : 65535;
    *p++ = (unsigned char)(b + 1 == blocks);
    *p++ = (unsigned char)len, *p++ = (unsigned char)(len >> 8);
    *p++ = (unsigned char)~len, *p++ = (unsigned char)(~len >> 8);
    memcpy(p, raw + off, len);
    p += len;
  }
  Put32(p, (s2 << 16) | s1);
  return z;
}

static int WritePng(FILE *f, const unsigned char *raw, size_t n, int nx, int ny) {
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  unsigned char ihdr[13];
  Put32(ihdr, (uint32_t)nx);
  Put32(ihdr + 4, (uint32_t)ny);
  ihdr[8] = 8;  /* bits per sample */
  ihdr[9] = 2;  /* RGB */
  ihdr[10] = 0; /* deflate */
  ihdr[11] = 0; /* adaptive filtering; every row uses filter 0 */
  ihdr[12] = 0; /* no interlace */
  size_t zn;
  unsigned char *z = ZlibStored(raw, n, &zn);
  if (z == NULL) return 0;
  int ok = fwrite(kSignature, 1, 8, f) == 8 && PutChunk(f, "IHDR", ihdr, 13) &&
           PutChunk(f, "IDAT", z, zn) && PutChunk(f, "IEND", NULL, 0);
  free(z);
  return ok;
}

int ImageWrite(const char *path, const double *field, int nx, int ny, double center) {
  size_t len = strlen(path);
  int png = len >= 4 && strcmp(path + len - 4, ".png") == 0;
  size_t n;
  unsigned char *raw = Render(field, nx, ny, center, png ? 1 : 0, &n);
  if (raw == NULL) return ENOMEM;
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    int err = errno;
    free(raw);
    return err;
  }
  int ok = png ? WritePng(f, raw, n, nx, ny)
               : fprintf(f, "P6\n%d %d\n255\n", nx, ny) > 0 && fwrite(raw, 1, n, f) == n;
  int err = ok ? 0 : (errno ? errno : EIO);
  if (fclose(f) != 0 && err == 0) err = errno ? errno : EIO;
  free(raw);
  return err;
}
