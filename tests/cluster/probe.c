/* A reachability probe for the cluster harness test (no ping/nc needed).
 *   probe listen PORT SECS       accepts one TCP connection, sends its hostname, exits 0;
 *                                exits 1 if nobody connects within SECS.
 *   probe connect ADDR PORT SECS connects (retrying until SECS), prints what the peer sent. */
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int Listen(int port, int secs) {
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)port);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, (struct sockaddr*)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0) {
    perror("probe: bind/listen");
    return 1;
  }
  struct pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, secs * 1000) != 1) {
    fprintf(stderr, "probe: nobody connected within %d s\n", secs);
    return 1;
  }
  int c = accept(fd, NULL, NULL);
  char name[256] = {0};
  gethostname(name, sizeof(name) - 1);
  if (c < 0 || write(c, name, strlen(name)) < 0) return 1;
  close(c);
  close(fd);
  return 0;
}

static int Connect(const char* addr, int port, int secs) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((unsigned short)port);
  if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) return 2;
  double deadline = Now() + secs;
  while (Now() < deadline) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(fd, (struct sockaddr*)&sa, sizeof(sa)) == 0) {
      char buf[256] = {0};
      ssize_t n = read(fd, buf, sizeof(buf) - 1);
      close(fd);
      if (n <= 0) return 1;
      printf("%s\n", buf);
      return 0;
    }
    close(fd);
    usleep(50 * 1000);
  }
  fprintf(stderr, "probe: cannot reach %s:%d within %d s\n", addr, port, secs);
  return 1;
}

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], "listen") == 0) return Listen(atoi(argv[2]), atoi(argv[3]));
  if (argc == 5 && strcmp(argv[1], "connect") == 0)
    return Connect(argv[2], atoi(argv[3]), atoi(argv[4]));
  fprintf(stderr, "usage: probe listen PORT SECS | probe connect ADDR PORT SECS\n");
  return 2;
}
