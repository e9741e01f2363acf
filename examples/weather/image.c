#include "image.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

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
  double range = ImageRange(field, nx, ny, center);
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

static void Put32(unsigned char *p, uint32_t v) {
  p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
  p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* One PNG chunk: length, type, data, CRC over type and data. */
static int PutChunk(FILE *f, const char *type, const unsigned char *data, size_t n) {
  unsigned char head[8], tail[4];
  Put32(head, (uint32_t)n);
  memcpy(head + 4, type, 4);
  uLong crc = crc32(0L, head + 4, 4); /* zlib's CRC-32, as PNG specifies */
  if (n > 0) crc = crc32(crc, data, (uInt)n);
  Put32(tail, (uint32_t)crc);
  return fwrite(head, 1, 8, f) == 8 && fwrite(data, 1, n, f) == n && fwrite(tail, 1, 4, f) == 4;
}

/* The PNG's colour bar, right of the field: a white gap, a bar from -1 (bottom, blue) through 0
 * (white) to +1 (top, red) in a dark frame, and ticks at -1, -0.5, 0, 0.5, 1 (the values are in
 * the picture's tEXt comment and weather's output). */
enum { kBarGap = 6, kBarWidth = 12, kTick = 4, kBarColumns = kBarGap + 1 + kBarWidth + 1 + kTick };

static void BarRow(unsigned char *px, int y, int ny) {
  static const unsigned char kWhite[3] = {255, 255, 255}, kDark[3] = {40, 40, 40};
  const int inner = ny > 2 ? ny - 2 : 1; /* rows inside the frame */
  const int top = 0, bottom = ny - 1;
  for (int x = 0; x < kBarColumns; ++x) memcpy(px + 3 * x, kWhite, 3);
  const int frame_l = kBarGap, frame_r = kBarGap + 1 + kBarWidth;
  if (y == top || y == bottom) {
    for (int x = frame_l; x <= frame_r; ++x) memcpy(px + 3 * x, kDark, 3);
  } else {
    double t = 1.0 - 2.0 * (y - 1) / (inner > 1 ? inner - 1 : 1);
    memcpy(px + 3 * frame_l, kDark, 3);
    for (int x = frame_l + 1; x < frame_r; ++x) Colour(t, px + 3 * x);
    memcpy(px + 3 * frame_r, kDark, 3);
  }
  for (int q = 0; q <= 4; ++q) { /* ticks at quarter heights */
    if (y == (int)lrint((double)q * (ny - 1) / 4)) {
      for (int x = frame_r + 1; x < kBarColumns; ++x) memcpy(px + 3 * x, kDark, 3);
    }
  }
}

/* PNG rows (filter byte 0, then RGB): the field as Render draws it, then the colour bar. */
static unsigned char *RenderPng(const double *field, int nx, int ny, double center, int *width,
                                size_t *size) {
  size_t field_bytes;
  unsigned char *plain = Render(field, nx, ny, center, 0, &field_bytes);
  if (plain == NULL) return NULL;
  *width = nx + kBarColumns;
  size_t row_bytes = 1 + 3 * (size_t)*width;
  *size = row_bytes * ny;
  unsigned char *out = malloc(*size);
  if (out != NULL) {
    for (int y = 0; y < ny; ++y) {
      unsigned char *row = out + (size_t)y * row_bytes;
      row[0] = 0;
      memcpy(row + 1, plain + (size_t)y * 3 * nx, 3 * (size_t)nx);
      BarRow(row + 1 + 3 * (size_t)nx, y, ny);
    }
  }
  free(plain);
  return out;
}

static int WritePng(FILE *f, const unsigned char *raw, size_t n, int width, int ny,
                    const char *comment) {
  static const unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  unsigned char ihdr[13];
  Put32(ihdr, (uint32_t)width);
  Put32(ihdr + 4, (uint32_t)ny);
  ihdr[8] = 8;  /* bits per sample */
  ihdr[9] = 2;  /* RGB */
  ihdr[10] = 0; /* deflate */
  ihdr[11] = 0; /* adaptive filtering; every row uses filter 0 */
  ihdr[12] = 0; /* no interlace */
  uLongf zn = compressBound((uLong)n);
  unsigned char *z = malloc(zn);
  if (z == NULL) return 0;
  if (compress2(z, &zn, raw, (uLong)n, Z_BEST_COMPRESSION) != Z_OK) {
    free(z);
    errno = EIO;
    return 0;
  }
  /* tEXt: keyword, NUL, Latin-1 text. */
  size_t text_n = strlen("Comment") + 1 + strlen(comment);
  unsigned char *text = malloc(text_n);
  int ok = text != NULL;
  if (ok) {
    memcpy(text, "Comment", 8);
    memcpy(text + 8, comment, strlen(comment));
    ok = fwrite(kSignature, 1, 8, f) == 8 && PutChunk(f, "IHDR", ihdr, 13) &&
         PutChunk(f, "tEXt", text, text_n) && PutChunk(f, "IDAT", z, zn) &&
         PutChunk(f, "IEND", NULL, 0);
  }
  free(text);
  free(z);
  return ok;
}

double ImageRange(const double *field, int nx, int ny, double center) {
  double range = 0;
  for (size_t k = 0; k < (size_t)nx * ny; ++k) {
    double d = fabs(field[k] - center);
    if (d > range) range = d;
  }
  return range == 0 ? 1 : range;
}

int ImageWrite(const char *path, const double *field, int nx, int ny, double center) {
  size_t len = strlen(path);
  int png = len >= 4 && strcmp(path + len - 4, ".png") == 0;
  size_t n;
  int width = nx;
  unsigned char *raw = png ? RenderPng(field, nx, ny, center, &width, &n)
                           : Render(field, nx, ny, center, 0, &n);
  if (raw == NULL) return ENOMEM;
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    int err = errno;
    free(raw);
    return err;
  }
  errno = 0;
  int ok;
  if (png) {
    double range = ImageRange(field, nx, ny, center);
    char comment[160];
    snprintf(comment, sizeof(comment),
             "height; colour bar from %.6g (bottom, blue) through %.6g (white) to %.6g (top, red)",
             center - range, center, center + range);
    ok = WritePng(f, raw, n, width, ny, comment);
  } else {
    ok = fprintf(f, "P6\n%d %d\n255\n", nx, ny) > 0 && fwrite(raw, 1, n, f) == n;
  }
  int err = ok ? 0 : (errno ? errno : EIO);
  if (fclose(f) != 0 && err == 0) err = errno ? errno : EIO;
  free(raw);
  return err;
}
