/* libmdnsd glue: see mdns_c.h. With mdns_in.c, the only files that include libmdnsd's headers. */
#include "launcher/discovery/mdns_c.h"

#include <libmdnsd/mdnsd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "launcher/discovery/mdns_in.h"

#define ZMPI_MDNS_NAME_MAX 256 /* a DNS name is at most 255 bytes */
#define ZMPI_MDNS_MAX_KNOWN 256 /* names we follow up at most (bounded memory) */
#define ZMPI_MDNS_FRAME 1400   /* largest packet we build: fits one Ethernet frame */

typedef struct zmpi_mdns_names {
  char name[ZMPI_MDNS_MAX_KNOWN][ZMPI_MDNS_NAME_MAX];
  int queried[ZMPI_MDNS_MAX_KNOWN]; /* follow-up questions asked */
  int count;
} zmpi_mdns_names;

struct zmpi_mdns {
  mdns_daemon_t* d;
  struct in_addr addr;
  int send_fd; /* -1: send on the socket passed to zmpi_mdns_step / goodbye */
  /* What we publish (NULL pointers: nothing / withdrawn after a conflict). */
  mdns_record_t *disco, *ptr, *srv, *txt, *a;
  char service[ZMPI_MDNS_NAME_MAX];
  char instance[ZMPI_MDNS_NAME_MAX];
  char host[ZMPI_MDNS_NAME_MAX];
  int conflicted;
  /* Browsing: instances seen in PTR answers, SRV targets seen in SRV answers. */
  int browsing;
  char browse_service[ZMPI_MDNS_NAME_MAX];
  zmpi_mdns_names instances;
  zmpi_mdns_names targets;
};

zmpi_mdns* zmpi_mdns_new(struct in_addr addr) {
  zmpi_mdns* m = calloc(1, sizeof(*m));
  if (m == NULL) return NULL;
  mdnsd_log_level("err");
  m->d = mdnsd_new(QCLASS_IN, ZMPI_MDNS_FRAME);
  if (m->d == NULL) {
    free(m);
    return NULL;
  }
  m->addr = addr;
  m->send_fd = -1;
  mdnsd_set_address(m->d, addr);
  return m;
}

void zmpi_mdns_send_on(zmpi_mdns* m, int fd) { m->send_fd = fd; }

static int SendFd(const zmpi_mdns* m, int fd) { return m->send_fd >= 0 ? m->send_fd : fd; }

void zmpi_mdns_free(zmpi_mdns* m) {
  if (m == NULL) return;
  mdnsd_free(m->d);
  free(m);
}

static int CopyName(char* out, const char* a, const char* b) {
  int n = snprintf(out, ZMPI_MDNS_NAME_MAX, "%s%s", a, b);
  return (n > 0 && n < ZMPI_MDNS_NAME_MAX) ? 0 : -1;
}

/* Called by libmdnsd when another host answers for one of our unique names; libmdnsd then
 * withdraws that record itself, so we only forget the pointer. */
static void OnConflict(char* name, int type, void* arg) {
  zmpi_mdns* m = arg;
  (void)name;
  m->conflicted = 1;
  if (type == QTYPE_SRV) m->srv = NULL;
  if (type == QTYPE_TXT) m->txt = NULL;
  if (type == QTYPE_A) m->a = NULL;
}

static void Withdraw(zmpi_mdns* m, mdns_record_t** r) {
  if (*r != NULL) mdnsd_done(m->d, *r);
  *r = NULL;
}

static void WithdrawAll(zmpi_mdns* m) {
  Withdraw(m, &m->disco);
  Withdraw(m, &m->ptr);
  Withdraw(m, &m->srv);
  Withdraw(m, &m->txt);
  Withdraw(m, &m->a);
}

int zmpi_mdns_publish(zmpi_mdns* m, const char* service, const char* instance, const char* host,
                      uint16_t port, uint32_t ttl, const uint8_t* txt, size_t txt_len) {
  if (txt_len == 0 || txt_len > ZMPI_MDNS_FRAME / 2 || strchr(instance, '.') != NULL ||
      strchr(host, '.') != NULL || *instance == '\0' || *host == '\0') {
    return -1;
  }
  WithdrawAll(m);
  m->conflicted = 0;
  if (CopyName(m->service, service, "") != 0 || CopyName(m->instance, instance, ".") != 0 ||
      strlen(m->instance) + strlen(service) >= ZMPI_MDNS_NAME_MAX ||
      CopyName(m->host, host, ".local.") != 0) {
    return -1;
  }
  strcat(m->instance, service);
  m->disco = mdnsd_shared(m->d, DISCO_NAME, QTYPE_PTR, ttl);
  mdnsd_set_host(m->d, m->disco, m->service);
  m->ptr = mdnsd_shared(m->d, m->service, QTYPE_PTR, ttl);
  mdnsd_set_host(m->d, m->ptr, m->instance);
  m->srv = mdnsd_unique(m->d, m->instance, QTYPE_SRV, ttl, OnConflict, m);
  mdnsd_set_srv(m->d, m->srv, 0, 0, port, m->host);
  m->txt = mdnsd_unique(m->d, m->instance, QTYPE_TXT, ttl, OnConflict, m);
  mdnsd_set_raw(m->d, m->txt, (const char*)txt, (unsigned short)txt_len);
  m->a = mdnsd_unique(m->d, m->host, QTYPE_A, ttl, OnConflict, m);
  mdnsd_set_ip(m->d, m->a, m->addr);
  return 0;
}

int zmpi_mdns_update_txt(zmpi_mdns* m, const uint8_t* txt, size_t txt_len) {
  if (m->txt == NULL || txt_len == 0 || txt_len > ZMPI_MDNS_FRAME / 2) return -1;
  mdnsd_set_raw(m->d, m->txt, (const char*)txt, (unsigned short)txt_len);
  return 0;
}

int zmpi_mdns_conflicted(const zmpi_mdns* m) { return m->conflicted; }

static int IgnoreAnswer(mdns_answer_t* a, void* arg) {
  (void)a;
  (void)arg;
  return 0;
}

static void Remember(zmpi_mdns_names* names, const char* name) {
  for (int i = 0; i < names->count; ++i) {
    if (strcmp(names->name[i], name) == 0) return;
  }
  if (names->count == ZMPI_MDNS_MAX_KNOWN || strlen(name) >= ZMPI_MDNS_NAME_MAX) return;
  strcpy(names->name[names->count], name);
  names->queried[names->count++] = 0;
}

/* Answer callbacks only record names: new questions are asked from zmpi_mdns_step, never
 * from inside libmdnsd's input processing. */
static int OnPtr(mdns_answer_t* a, void* arg) {
  zmpi_mdns* m = arg;
  if (a->ttl != 0 && a->rdname != NULL) Remember(&m->instances, a->rdname);
  return 0;
}

static int OnSrv(mdns_answer_t* a, void* arg) {
  zmpi_mdns* m = arg;
  if (a->ttl != 0 && a->rdname != NULL) Remember(&m->targets, a->rdname);
  return 0;
}

int zmpi_mdns_browse(zmpi_mdns* m, const char* service) {
  if (CopyName(m->browse_service, service, "") != 0) return -1;
  m->browsing = 1;
  mdnsd_query(m->d, m->browse_service, QTYPE_PTR, OnPtr, m);
  return 0;
}

static void AskFollowUps(zmpi_mdns* m) {
  for (int i = 0; i < m->instances.count; ++i) {
    if (m->instances.queried[i]) continue;
    m->instances.queried[i] = 1;
    mdnsd_query(m->d, m->instances.name[i], QTYPE_SRV, OnSrv, m);
    mdnsd_query(m->d, m->instances.name[i], QTYPE_TXT, IgnoreAnswer, m);
  }
  for (int i = 0; i < m->targets.count; ++i) {
    if (m->targets.queried[i]) continue;
    m->targets.queried[i] = 1;
    mdnsd_query(m->d, m->targets.name[i], QTYPE_A, IgnoreAnswer, m);
  }
}

/* SRV records that arrived in the same packet as the PTR answer were cached before we asked
 * for them, so OnSrv never saw them: pick up their targets from the cache. */
static void RememberCachedTargets(zmpi_mdns* m) {
  for (int i = 0; i < m->instances.count; ++i) {
    mdns_answer_t* srv = NULL;
    while ((srv = mdnsd_list(m->d, m->instances.name[i], QTYPE_SRV, srv)) != NULL) {
      if (srv->rdname != NULL) Remember(&m->targets, srv->rdname);
    }
  }
}

/* libmdnsd (0.12) keeps the responder's address in a cached PTR answer and, when it lists
 * that answer as a known answer in a later query, writes the address as rdata and then the
 * name after it: a malformed record. avahi-daemon then drops the whole query, every other
 * question in the same packet included, and libmdnsd asks each question at most three times
 * (at 0, 1 and 3 s), all its due questions in one packet. So a browser whose first answer from
 * an avahi-published agent lacked the TXT (avahi does not repeat a record it multicast less
 * than a second ago, RFC 6762 section 6: the TXT an agent re-announces when a job starts or
 * ends) never got it: the PTR retry rode along in the same packets. A PTR's rdata is a name
 * only; forgetting the address makes libmdnsd write just that. */
static void ForgetPtrAddresses(zmpi_mdns* m) {
  mdns_answer_t* ptr = NULL;
  while ((ptr = mdnsd_list(m->d, m->browse_service, QTYPE_PTR, ptr)) != NULL) {
    ptr->ip.s_addr = 0;
  }
}

static int ToMs(const struct timeval* tv) {
  long ms = tv->tv_sec * 1000L + (tv->tv_usec + 999) / 1000;
  if (ms < 0) ms = 0;
  if (ms > 60000) ms = 60000;
  return (int)ms;
}

int zmpi_mdns_step(zmpi_mdns* m, int fd, int readable, int* next_ms) {
  struct timeval tv = {0, 0};
  if (readable && zmpi_mdns_read(m->d, fd) != 0) return -1;
  if (m->browsing) ForgetPtrAddresses(m);
  /* Sends go out of the bound sender where IP_MULTICAST_IF is missing (a service enumeration
   * query is then answered with all our records). */
  if (mdnsd_step(m->d, SendFd(m, fd), false, true, &tv) != 0) return -1;
  if (m->browsing) {
    RememberCachedTargets(m);
    AskFollowUps(m);
    /* Questions just added must go out now, not after the computed sleep. */
    if (mdnsd_step(m->d, SendFd(m, fd), false, true, &tv) != 0) return -1;
  }
  *next_ms = ToMs(&tv);
  return 0;
}

int zmpi_mdns_goodbye(zmpi_mdns* m, int fd) {
  mdnsd_shutdown(m->d);
  m->disco = m->ptr = m->srv = m->txt = m->a = NULL;
  struct timeval tv;
  return mdnsd_step(m->d, SendFd(m, fd), false, true, &tv) == 0 ? 0 : -1;
}

static int Alive(const mdns_answer_t* a) {
  struct timeval now;
  gettimeofday(&now, NULL);
  return a->ttl > (unsigned long)now.tv_sec;
}

int zmpi_mdns_list(zmpi_mdns* m, const char* service, zmpi_mdns_instance_fn fn, void* arg) {
  int found = 0;
  mdns_answer_t* ptr = NULL;
  while ((ptr = mdnsd_list(m->d, service, QTYPE_PTR, ptr)) != NULL) {
    if (!Alive(ptr) || ptr->rdname == NULL) continue;
    mdns_answer_t* srv = mdnsd_list(m->d, ptr->rdname, QTYPE_SRV, NULL);
    mdns_answer_t* txt = mdnsd_list(m->d, ptr->rdname, QTYPE_TXT, NULL);
    if (srv == NULL || txt == NULL || srv->rdname == NULL || !Alive(srv) || !Alive(txt)) continue;
    mdns_answer_t* a = mdnsd_list(m->d, srv->rdname, QTYPE_A, NULL);
    if (a == NULL || !Alive(a)) continue;
    zmpi_mdns_instance instance = {ptr->rdname, srv->rdname, a->ip,  srv->srv.port,
                                   txt->rdata,  txt->rdlen};
    fn(&instance, arg);
    ++found;
  }
  return found;
}
