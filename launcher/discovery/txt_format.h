// The TXT record of a `_zmpi._tcp` service instance: the one definition of its keys and
// limits (described in docs/discovery.md). A TXT rdata is a sequence of <len><key>=<value>
// strings (RFC 6763 section 6); every string is at most 255 bytes.
#ifndef ZMPI_LAUNCHER_DISCOVERY_TXT_FORMAT_H_
#define ZMPI_LAUNCHER_DISCOVERY_TXT_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace zmpi::launcher::discovery {

// The DNS-SD service type agents publish (with the trailing dot libmdnsd wants).
inline constexpr char kServiceType[] = "_zmpi._tcp.local.";
// Record TTL in seconds (RFC 6762 recommends 120 for records naming a host).
inline constexpr uint32_t kRecordTtlSeconds = 120;

// Version of this TXT layout ("txtvers", RFC 6763 6.7). Bump when a key changes meaning.
inline constexpr uint32_t kTxtVersion = 1;

// Keys. Values are decimal integers or short printable strings, as noted.
inline constexpr char kKeyTxtVersion[] = "txtvers";  // kTxtVersion
inline constexpr char kKeyProtocol[] = "pv";         // zrun<->agent wire protocol version
inline constexpr char kKeyCluster[] = "cid";         // cluster id: hex, derived from the key
inline constexpr char kKeyArch[] = "arch";           // "x86_64", "aarch64", ...
inline constexpr char kKeyOs[] = "os";               // "linux", "haiku"
inline constexpr char kKeyCoresOffered[] = "cores";  // cores the owner offers
inline constexpr char kKeyCoresUsed[] = "used";      // cores running ranks now
inline constexpr char kKeyName[] = "name";           // agent name (defaults to the host name)
inline constexpr char kKeyPort[] = "port";           // TCP port of the launch service
// Optional (agents of protocol 3 on; a reader treats a missing or unreadable one as "not
// announced", never as an empty offer): what the agent can run a job with, the names of its
// proto::JobOffer in its order of preference, comma-separated ("pmix,pmi", "ofi,tcp").
inline constexpr char kKeyWireups[] = "wu";          // wire-ups: pmix, pmi
inline constexpr char kKeyNets[] = "net";            // network transports: ofi, tcp

// Limits: a decoder rejects anything larger; an encoder refuses to produce it.
inline constexpr size_t kMaxTxtString = 255;   // one <len> byte
inline constexpr size_t kMaxTxtTotal = 600;    // whole rdata; fits one mDNS packet with room
inline constexpr size_t kMaxTxtEntries = 16;   // strings in one rdata
inline constexpr size_t kMaxClusterId = 64;    // hex characters
inline constexpr size_t kMaxShortValue = 32;   // arch, os
inline constexpr size_t kMaxName = 63;         // one DNS label
inline constexpr uint32_t kMaxCores = 1u << 20;
inline constexpr size_t kMaxOfferValue = 48;   // wu, net: the whole list
inline constexpr size_t kMaxOfferNames = 6;    // names in one list
inline constexpr size_t kMaxOfferName = 15;    // one name: [a-z0-9_-]

static_assert(sizeof(kKeyTxtVersion) - 1 + 1 + 10 <= kMaxTxtString, "txtvers fits");
static_assert(sizeof(kKeyCluster) - 1 + 1 + kMaxClusterId <= kMaxTxtString, "cid fits");
static_assert(sizeof(kKeyName) - 1 + 1 + kMaxName <= kMaxTxtString, "name fits");
// All eleven entries at their maximum sizes fit the total.
static_assert(11 * (1 + 8 + 1) + kMaxClusterId + 2 * kMaxShortValue + kMaxName + 6 * 10 +
                      2 * kMaxOfferValue <=
                  kMaxTxtTotal,
              "a maximal record fits kMaxTxtTotal");
static_assert(11 <= kMaxTxtEntries, "every key fits the entry limit");

}  // namespace zmpi::launcher::discovery

#endif  // ZMPI_LAUNCHER_DISCOVERY_TXT_FORMAT_H_
