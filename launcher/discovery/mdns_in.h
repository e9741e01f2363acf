/* Reading mDNS packets into libmdnsd, additional records included (mdns_in.c). C, for
 * mdns_c.c only. */
#ifndef ZMPI_LAUNCHER_DISCOVERY_MDNS_IN_H_
#define ZMPI_LAUNCHER_DISCOVERY_MDNS_IN_H_

#include <libmdnsd/mdnsd.h>

/* Reads every packet pending on the non-blocking socket `fd` into `d`. libmdnsd caches only a
 * response's answer section; responders such as avahi-daemon and mDNSResponder answer a PTR
 * question with the instance's SRV, TXT and the target's A record in the additional section
 * (RFC 6763 12) and will not multicast them again within a second (RFC 6762 6), so without
 * them a libmdnsd browser waits over a second for its own retry. Those records are fed in as
 * answers too. Returns 0, or -1 on a socket error. */
int zmpi_mdns_read(mdns_daemon_t* d, int fd);

#endif /* ZMPI_LAUNCHER_DISCOVERY_MDNS_IN_H_ */
