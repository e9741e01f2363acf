/* A peer on the LAN without the cluster key, for the hostile-LAN cases of zrund_test.sh.
 * Every mode ends after SECS seconds; connections closed by the agent are opened
 * again, so the pressure holds for the whole time.
 *   hostile silent PORT SECS          listens; accepts every connection and never answers
 *                                     (a fake agent that stays silent after its mDNS record)
 *   hostile garbage PORT SECS         listens; answers every connection with random bytes
 *   hostile idle ADDR PORT N SECS     holds N connections that send nothing
 *   hostile slow ADDR PORT N SECS     holds N connections that each send one byte of a
 *                                     frame header every 500 ms (slowloris)
 *   hostile big ADDR PORT N SECS      holds N connections that each announce a 16 MiB frame
 *                                     before any handshake and then send as fast as they can
 * Prints "hostile: MODE done: C connections, B bytes sent" at the end. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define kMaxConns 256

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A valid frame header ("ZMPF", version 2, type FenceRelease, length 16 MiB, no flags). */
static void BigHeader(unsigned char* h) {
  unsigned len = 16u << 20;
  memset(h, 0, 24);
  memcpy(h, "ZMPF", 4);
  h[4] = 2; /* the protocol version (launcher/proto/frame_format.h) */
  h[6] = 22;
  h[8] = len & 0xff;
  h[9] = (len >> 8) & 0xff;
  h[10] = (len >> 16) & 0xff;
  h[11] = (len >> 24) & 0xff;
}

static int Serve(const char* mode, int port, double secs) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1, conns[kMaxConns], n = 0;
  long accepted = 0, sent = 0;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)port);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, (struct sockaddr*)&sa, sizeof(sa)) != 0 || listen(fd, 64) != 0) {
    perror("hostile: bind/listen");
    return 1;
  }
  printf("hostile: %s listening on %d\n", mode, port);
  fflush(stdout);
  double end = Now() + secs;
  while (Now() < end) {
    struct pollfd p = {fd, POLLIN, 0};
    poll(&p, 1, 100);
    int c = accept(fd, NULL, NULL);
    if (c < 0) continue;
    ++accepted;
    if (strcmp(mode, "garbage") == 0) {
      char junk[512];
      for (size_t i = 0; i < sizeof(junk); ++i) junk[i] = (char)rand();
      ssize_t w = send(c, junk, sizeof(junk), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) sent += w;
    }
    if (n < kMaxConns) conns[n++] = c; else close(c);
  }
  for (int i = 0; i < n; ++i) close(conns[i]);
  printf("hostile: %s done: %ld connections, %ld bytes sent\n", mode, accepted, sent);
  return 0;
}

static int Open(const char* addr, int port) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, addr, &sa.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (connect(fd, (struct sockaddr*)&sa, sizeof(sa)) != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  return fd;
}

struct Conn {
  int fd;
  size_t pos;    /* bytes of the header sent */
  double next;   /* slow: time of the next byte */
};

static int Attack(const char* mode, const char* addr, int port, int n, double secs) {
  struct Conn c[kMaxConns];
  static char zeros[65536];
  unsigned char header[24];
  long opened = 0, sent = 0;
  BigHeader(header);
  if (n < 1 || n > kMaxConns) n = kMaxConns;
  for (int i = 0; i < n; ++i) c[i].fd = -1;
  double end = Now() + secs;
  while (Now() < end) {
    struct pollfd p[kMaxConns];
    for (int i = 0; i < n; ++i) {
      if (c[i].fd < 0) {
        c[i].fd = Open(addr, port);
        c[i].pos = 0;
        c[i].next = Now() + 0.5;
        if (c[i].fd >= 0) ++opened;
      }
      p[i].fd = c[i].fd;
      p[i].events = POLLIN | (strcmp(mode, "big") == 0 ? POLLOUT : 0);
      p[i].revents = 0;
    }
    poll(p, (nfds_t)n, 20);
    double now = Now();
    for (int i = 0; i < n; ++i) {
      if (c[i].fd < 0) continue;
      if (p[i].revents & (POLLIN | POLLHUP | POLLERR)) {
        char buf[4096];
        ssize_t r = recv(c[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
          close(c[i].fd);
          c[i].fd = -1;
          continue;
        }
      }
      ssize_t w = 0;
      if (strcmp(mode, "slow") == 0 && now >= c[i].next && c[i].pos < sizeof(header)) {
        w = send(c[i].fd, header + c[i].pos, 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (w > 0) c[i].pos += (size_t)w;
        c[i].next = now + 0.5;
      } else if (strcmp(mode, "big") == 0 && (p[i].revents & POLLOUT)) {
        if (c[i].pos < sizeof(header)) {
          w = send(c[i].fd, header + c[i].pos, sizeof(header) - c[i].pos, MSG_NOSIGNAL | MSG_DONTWAIT);
          if (w > 0) c[i].pos += (size_t)w;
        } else {
          w = send(c[i].fd, zeros, sizeof(zeros), MSG_NOSIGNAL | MSG_DONTWAIT);
        }
      }
      if (w > 0) sent += w;
      if (w < 0 && errno != EAGAIN && errno != EINTR) {
        close(c[i].fd);
        c[i].fd = -1;
      }
    }
  }
  for (int i = 0; i < n; ++i) if (c[i].fd >= 0) close(c[i].fd);
  printf("hostile: %s done: %ld connections, %ld bytes sent\n", mode, opened, sent);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 4 && (strcmp(argv[1], "silent") == 0 || strcmp(argv[1], "garbage") == 0)) {
    return Serve(argv[1], atoi(argv[2]), atof(argv[3]));
  }
  if (argc == 6 && (strcmp(argv[1], "idle") == 0 || strcmp(argv[1], "slow") == 0 ||
                    strcmp(argv[1], "big") == 0)) {
    return Attack(argv[1], argv[2], atoi(argv[3]), atoi(argv[4]), atof(argv[5]));
  }
  fprintf(stderr, "usage: hostile silent|garbage PORT SECS | hostile idle|slow|big ADDR PORT N SECS\n");
  return 2;
}
