#include "launcher/agent/wireup_server.h"

#include <cstdlib>
#include <cstring>

#include "launcher/agent/pmi_server.h"
#if ZMPI_HAVE_PMIX
#include "launcher/agent/pmix_server.h"
#endif

namespace zmpi::launcher::agent {

bool HavePmixServer() { return ZMPI_HAVE_PMIX != 0; }

const char* WireupKindName(WireupKind kind) { return kind == WireupKind::kPmix ? "pmix" : "pmi"; }

bool ParseWireupKind(const std::string& text, WireupKind* kind) {
  if (text == "pmix")
    *kind = WireupKind::kPmix;
  else if (text == "pmi")
    *kind = WireupKind::kPmi;
  else
    return false;
  return true;
}

StatusOr<WireupKind> WireupKindFromEnvironment() {
  const char* text = getenv("ZMPI_WIREUP");
  if (text == nullptr || *text == '\0' || strcmp(text, "auto") == 0) {
    return HavePmixServer() ? WireupKind::kPmix : WireupKind::kPmi;
  }
  WireupKind kind;
  if (!ParseWireupKind(text, &kind)) {
    return Error(Code::kArg, "ZMPI_WIREUP=%s is not auto, pmix or pmi", text);
  }
  return kind;
}

StatusOr<std::unique_ptr<WireupServer>> CreateWireupServer(WireupKind kind) {
  if (kind == WireupKind::kPmi) return std::unique_ptr<WireupServer>(new PmiServer());
#if ZMPI_HAVE_PMIX
  return std::unique_ptr<WireupServer>(new PmixServer());
#else
  return Error(Code::kUnsupported,
               "this zrun/zrund was built without PMIx (ZMPI_PORTABLE): its ranks use PMI-1");
#endif
}

}  // namespace zmpi::launcher::agent
