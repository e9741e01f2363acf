/* An independent mDNS stack (avahi-core, no daemon, no D-Bus) browsing `_zmpi._tcp`.
 * Test-only: it checks that standard mDNS implementations see zmpi agents.
 *   avahi_browse EXPECT SECONDS
 * Prints "found <name> <address> <port> <txt strings...>" per resolved instance; exits 0 once
 * EXPECT instances are resolved, 1 if SECONDS pass first. */
#include <avahi-common/address.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/simple-watch.h>
#include <avahi-common/strlst.h>
#include <avahi-core/core.h>
#include <avahi-core/lookup.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int g_resolved = 0;

static void OnResolved(AvahiSServiceResolver* r, AvahiIfIndex iface, AvahiProtocol proto,
                       AvahiResolverEvent event, const char* name, const char* type,
                       const char* domain, const char* host, const AvahiAddress* a,
                       uint16_t port, AvahiStringList* txt, AvahiLookupResultFlags flags,
                       void* userdata) {
  (void)iface; (void)proto; (void)type; (void)domain; (void)flags; (void)userdata;
  if (event == AVAHI_RESOLVER_FOUND) {
    char addr[AVAHI_ADDRESS_STR_MAX];
    avahi_address_snprint(addr, sizeof(addr), a);
    printf("found %s %s %s %u", name, host, addr, port);
    for (AvahiStringList* t = txt; t != NULL; t = avahi_string_list_get_next(t)) {
      printf(" %.*s", (int)avahi_string_list_get_size(t), (const char*)avahi_string_list_get_text(t));
    }
    printf("\n");
    fflush(stdout);
    ++g_resolved;
  } else {
    fprintf(stderr, "avahi_browse: resolving %s failed\n", name);
  }
  avahi_s_service_resolver_free(r);
}

static void OnBrowse(AvahiSServiceBrowser* b, AvahiIfIndex iface, AvahiProtocol proto,
                     AvahiBrowserEvent event, const char* name, const char* type,
                     const char* domain, AvahiLookupResultFlags flags, void* userdata) {
  (void)b; (void)flags;
  AvahiServer* server = userdata;
  if (event != AVAHI_BROWSER_NEW) return;
  if (avahi_s_service_resolver_new(server, iface, proto, name, type, domain, AVAHI_PROTO_INET, 0,
                                   OnResolved, NULL) == NULL) {
    fprintf(stderr, "avahi_browse: cannot resolve %s\n", name);
  }
}

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: avahi_browse EXPECT SECONDS\n");
    return 2;
  }
  int expect = atoi(argv[1]);
  double deadline = Now() + atof(argv[2]);
  AvahiSimplePoll* poll = avahi_simple_poll_new();
  AvahiServerConfig config;
  avahi_server_config_init(&config);
  config.use_ipv6 = 0;
  config.publish_hinfo = 0;
  config.publish_workstation = 0;
  config.publish_addresses = 0;
  config.publish_domain = 0;
  config.disable_publishing = 1;
  int error = 0;
  AvahiServer* server = avahi_server_new(avahi_simple_poll_get(poll), &config, NULL, NULL, &error);
  avahi_server_config_free(&config);
  if (server == NULL) {
    fprintf(stderr, "avahi_browse: server: %s\n", avahi_strerror(error));
    return 1;
  }
  if (avahi_s_service_browser_new(server, AVAHI_IF_UNSPEC, AVAHI_PROTO_INET, "_zmpi._tcp", NULL,
                                  0, OnBrowse, server) == NULL) {
    fprintf(stderr, "avahi_browse: browser: %s\n", avahi_strerror(avahi_server_errno(server)));
    return 1;
  }
  while (g_resolved < expect && Now() < deadline) {
    if (avahi_simple_poll_iterate(poll, 100) != 0) break;
  }
  avahi_server_free(server);
  avahi_simple_poll_free(poll);
  return g_resolved >= expect ? 0 : 1;
}
