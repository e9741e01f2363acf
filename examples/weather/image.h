/* Writes a height field as a picture: binary PPM (P6), or PNG when the path ends in ".png"
 * (uncompressed "stored" deflate blocks, so no zlib is needed). */
#ifndef WEATHER_IMAGE_H_
#define WEATHER_IMAGE_H_

/* field holds nx * ny values row by row, row 0 at the bottom (south). Values below `center` are
 * drawn blue, above it red, `center` itself white; the colour scale is symmetric around center.
 * Returns 0 on success, or an errno value. */
int ImageWrite(const char *path, const double *field, int nx, int ny, double center);

#endif /* WEATHER_IMAGE_H_ */
