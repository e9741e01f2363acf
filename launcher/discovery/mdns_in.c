/* See mdns_in.h. */
#include "launcher/discovery/mdns_in.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* A packet and its parse: message_parse wants a buffer of MAX_PACKET_LEN. On the heap: the
 * two together are over 128 KiB. */
typedef struct zmpi_mdns_packet {
  unsigned char buf[MAX_PACKET_LEN];
  struct message m;
} zmpi_mdns_packet;

int zmpi_mdns_read(mdns_daemon_t* d, int fd) {
  zmpi_mdns_packet* p = malloc(sizeof(*p));
  int rc = 0;
  if (p == NULL) return -1;
  for (;;) {
    struct sockaddr_in from;
    socklen_t from_len = sizeof(from);
    ssize_t n = recvfrom(fd, p->buf, sizeof(p->buf), 0, (struct sockaddr*)&from, &from_len);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) rc = -1;
      break;
    }
    if (n == 0) continue;
    /* message_parse takes no length: what follows the packet must not be an older one's. */
    memset(p->buf + n, 0, sizeof(p->buf) - (size_t)n);
    memset(&p->m, 0, sizeof(p->m));
    if (message_parse(&p->m, p->buf) != 0) continue; /* malformed: ignored */
    if (mdnsd_in(d, &p->m, from.sin_addr, ntohs(from.sin_port)) != 0) {
      rc = -1;
      break;
    }
    if (p->m.header.qr && p->m.arcount > 0 && p->m.ar != NULL) {
      /* The additional section as answers of a response of its own. */
      p->m.qdcount = 0;
      p->m.nscount = 0;
      p->m.an = p->m.ar;
      p->m.ancount = p->m.arcount;
      p->m.arcount = 0;
      if (mdnsd_in(d, &p->m, from.sin_addr, ntohs(from.sin_port)) != 0) {
        rc = -1;
        break;
      }
    }
  }
  free(p);
  return rc;
}
