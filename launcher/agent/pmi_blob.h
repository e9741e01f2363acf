// The fence data of PmiServer (pmi_server.h): one host's puts since the last fence, as
// records "<key length>:<key><value length>:<value>" with decimal lengths. Records of several
// hosts concatenated (what zrun relays) are again a valid blob, read in order: a key put on
// two hosts keeps the later host's value. Text only, so hosts of any byte order agree.
#ifndef ZMPI_LAUNCHER_AGENT_PMI_BLOB_H_
#define ZMPI_LAUNCHER_AGENT_PMI_BLOB_H_

#include <map>
#include <string>

#include "common/status.h"

namespace zmpi::launcher::agent {

std::string EncodePmiBlob(const std::map<std::string, std::string>& puts);
// Adds every record of `blob` to `kvs`; kOther for a malformed blob (nothing is added then).
Status DecodePmiBlob(const std::string& blob, std::map<std::string, std::string>* kvs);

}  // namespace zmpi::launcher::agent

#endif  // ZMPI_LAUNCHER_AGENT_PMI_BLOB_H_
