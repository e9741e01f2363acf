/* Shared by the MPI-IO job tests: a scratch directory every rank sees (made by rank 0 under
 * /tmp, removed at the end with what is left in it), error-class checks and POSIX reads of a
 * file for comparing what MPI-IO wrote. Define kTestName before including. */
#ifndef ZMPI_TESTS_JOBS_IO_CHECK_H_
#define ZMPI_TESTS_JOBS_IO_CHECK_H_

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "job_check.h"

static char g_dir[256];

#define kIntSize ((MPI_Offset)sizeof(int))

static inline void make_dir(void) {
  if (g_world_rank == 0) {
    strcpy(g_dir, "/tmp/zmpi_io_XXXXXX");
    if (mkdtemp(g_dir) == NULL) fail("mkdtemp failed");
  }
  CALL(MPI_Bcast(g_dir, sizeof g_dir, MPI_CHAR, 0, MPI_COMM_WORLD));
}

static inline void remove_dir(void) {
  CALL(MPI_Barrier(MPI_COMM_WORLD));
  if (g_world_rank != 0) return;
  DIR *d = opendir(g_dir);
  if (d != NULL) {
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(path, sizeof path, "%s/%s", g_dir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  if (rmdir(g_dir) != 0) fail("scratch directory %s not removed", g_dir);
}

static inline const char *path_of(const char *name) {
  static char path[512];
  snprintf(path, sizeof path, "%s/%s", g_dir, name);
  return path;
}

/* The error class of an MPI return code. */
static inline int class_of(int rc) {
  int cls = -1;
  MPI_Error_class(rc, &cls);
  return cls;
}

#define EXPECT_CLASS(expr, cls)                                                           \
  do {                                                                                    \
    int rc_ = (expr);                                                                     \
    if (class_of(rc_) != (cls))                                                           \
      fail("%s gave class %d, expected %s (%d)", #expr, class_of(rc_), #cls, (int)(cls)); \
    ++g_checks;                                                                           \
  } while (0)

#define EXPECT(cond, ...)           \
  do {                              \
    if (!(cond)) fail(__VA_ARGS__); \
    ++g_checks;                     \
  } while (0)

/* Reads `len` bytes at `offset` of the file with POSIX; returns the bytes read. */
static inline long posix_read(const char *path, long offset, void *buf, long len) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) fail("open(%s) for a POSIX check failed", path);
  long n = (long)pread(fd, buf, (size_t)len, offset);
  close(fd);
  return n;
}

static inline long posix_size(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return -1;
  return (long)st.st_size;
}

static inline int status_count(const MPI_Status *st, MPI_Datatype type) {
  int n = -1;
  CALL(MPI_Get_count(st, type, &n));
  return n;
}

#endif /* ZMPI_TESTS_JOBS_IO_CHECK_H_ */
