/* The only door to libmdnsd. libmdnsd's headers use `class` as an identifier and include a
 * config.h that is not shipped, so they cannot be included from C++: every call into the
 * library lives in mdns_c.c behind this small C interface, and publisher.cc / browser.cc use
 * only this header.
 *
 * A zmpi_mdns is one libmdnsd daemon. It never opens sockets: the caller owns the UDP socket
 * (bound to 5353, joined to 224.0.0.251, non-blocking) and passes it to zmpi_mdns_step.
 * Not thread-safe; all calls for one zmpi_mdns come from one thread. */
#ifndef ZMPI_LAUNCHER_DISCOVERY_MDNS_C_H_
#define ZMPI_LAUNCHER_DISCOVERY_MDNS_C_H_

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zmpi_mdns zmpi_mdns;

/* A daemon answering for / sending from IPv4 address `addr` (network order). NULL if out of
 * memory. */
zmpi_mdns* zmpi_mdns_new(struct in_addr addr);
void zmpi_mdns_free(zmpi_mdns* m);
/* Sends on `fd` (a socket bound to addr:5353) instead of the socket passed to zmpi_mdns_step
 * and zmpi_mdns_goodbye, which is still the one read: where IP_MULTICAST_IF is missing
 * (mdns_socket.h). */
void zmpi_mdns_send_on(zmpi_mdns* m, int fd);

/* Publishes one service instance: PTR <service> -> <instance>.<service>, and unique SRV, TXT
 * (raw rdata as given) for the instance and A <host>.local. -> addr. `service` is like
 * "_zmpi._tcp.local.", `instance` and `host` are single DNS labels. Replaces what was
 * published before. Returns 0, or -1 on bad arguments / out of memory. */
int zmpi_mdns_publish(zmpi_mdns* m, const char* service, const char* instance, const char* host,
                      uint16_t port, uint32_t ttl, const uint8_t* txt, size_t txt_len);
/* Replaces the TXT rdata of the published instance and re-announces it. */
int zmpi_mdns_update_txt(zmpi_mdns* m, const uint8_t* txt, size_t txt_len);
/* Non-zero once another host answered for one of our unique names; the published records
 * are then withdrawn and the caller should publish again under another instance name. */
int zmpi_mdns_conflicted(const zmpi_mdns* m);

/* Starts browsing for `service`: asks for its PTR records, and for the SRV/TXT/A records of
 * every instance that appears (the questions go out from zmpi_mdns_step). */
int zmpi_mdns_browse(zmpi_mdns* m, const char* service);

/* Reads all pending packets from `fd` if `readable`, sends what is due, asks follow-up
 * questions for new instances. Stores in *next_ms how long the caller may wait before the
 * next call (when nothing arrives). Returns 0, or -1 on a socket error. */
int zmpi_mdns_step(zmpi_mdns* m, int fd, int readable, int* next_ms);

/* Withdraws all published records (goodbye: the records again with TTL 0) and sends them on
 * `fd` now. The daemon accepts no input afterwards. */
int zmpi_mdns_goodbye(zmpi_mdns* m, int fd);

/* One complete instance in the cache: every field is set. Strings and txt live until the
 * next call into this interface. */
typedef struct zmpi_mdns_instance {
  const char* instance; /* full name, "h1._zmpi._tcp.local." */
  const char* target;   /* SRV target, "h1.local." */
  struct in_addr addr;  /* from the A record of target */
  uint16_t port;        /* from SRV */
  const uint8_t* txt;   /* TXT rdata */
  size_t txt_len;
} zmpi_mdns_instance;

typedef void (*zmpi_mdns_instance_fn)(const zmpi_mdns_instance* instance, void* arg);

/* Calls `fn` once per instance of `service` whose PTR, SRV, TXT and A records are all cached
 * and alive (instances withdrawn by a goodbye are gone). Returns the number of calls. */
int zmpi_mdns_list(zmpi_mdns* m, const char* service, zmpi_mdns_instance_fn fn, void* arg);

#ifdef __cplusplus
}
#endif

#endif /* ZMPI_LAUNCHER_DISCOVERY_MDNS_C_H_ */
