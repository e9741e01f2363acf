/* Writes a height field as a picture: binary PPM (P6), or PNG when the path ends in ".png"
 * (uncompressed "stored" deflate blocks, so no zlib is needed). */
#ifndef WEATHER_IMAGE_H_
#define WEATHER_IMAGE_H_

/* field holds nx * ny values row by row, row 0 at the bottom (south). Values below `center` are
 * drawn blue, above it red, `center` itself white; the colour scale is symmetric around center.
 * Returns 0 on success, or an errno value. */
int ImageWrite(const char *path, const double *field, int nx, int ny, double center);

/* The half-width of the colour scale: the largest |value - center| (1 if all equal center).
 * A PNG (path ending in ".png", compressed with zlib) carries a colour bar right of the field,
 * from center - range (bottom, blue) to center + range (top, red), with ticks at quarters, and
 * these values in its tEXt "Comment"; a PPM is the field alone. */
double ImageRange(const double *field, int nx, int ny, double center);

#endif /* WEATHER_IMAGE_H_ */
