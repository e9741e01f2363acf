// The text formats and the connection shared by the PMI-1 and PMI-2 back ends, written from
// the public protocol descriptions (PMI-1: Flux RFC 13 "Simple Process Manager Interface v1";
// PMI-2: the MPICH wiki's "PMI-2 Wire Protocol"). Everything except PmiConnection is pure
// string work, unit-tested in tests/mpi/bootstrap.
#ifndef ZMPI_MPI_BOOTSTRAP_PMI_WIRE_H_
#define ZMPI_MPI_BOOTSTRAP_PMI_WIRE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"

namespace zmpi::bootstrap {

using PmiFields = std::map<std::string, std::string>;

// PMI-1: one line "cmd=NAME key=value ...\n" (values are single words). Lines the format does
// not allow (no "cmd=" field, a token without '=') are errors.
StatusOr<PmiFields> ParsePmi1Line(const std::string& line);

// PMI-2: a command is "cmd=NAME;key=value;...;" preceded on the wire by its length in exactly
// 6 ASCII digits (blank-padded on the left). ';' inside a value is written ";;".
std::string FormatPmi2Command(const std::vector<std::pair<std::string, std::string>>& fields);
StatusOr<PmiFields> ParsePmi2Command(const std::string& body);

// KVS values must be printable ASCII without spaces (PMI-1) and without ';' (safe for PMI-2);
// transport addresses contain ';'. EncodeValue escapes every byte outside [A-Za-z0-9._:/,+-]
// as %XX; DecodeValue reverses it (and fails on a malformed escape).
std::string EncodeValue(const std::string& raw);
StatusOr<std::string> DecodeValue(const std::string& encoded);
// KVS keys: letters, digits, '-' and '_' only (PMI-2's rule); other bytes become '-'.
std::string KvsKey(const std::string& name, int rank);

// "PMI_process_mapping" (both protocols): "(vector,(node,nodes,ppn),...)", blocks of ranks
// dealt node after node. Returns the node index of each of the `size` ranks; fails when the
// text is empty or malformed or does not cover exactly `size` ranks.
StatusOr<std::vector<int>> ParseProcessMapping(const std::string& text, int size);

// True if a PMI "found"/"flag" value means yes ("TRUE", "true", "yes", "1").
bool PmiTrue(const std::string& value);

// The socket to the launcher's PMI server: the inherited PMI_FD, or a TCP connection to
// PMI_PORT ("host:port"). Every read waits at most the timeout given to Open.
class PmiConnection {
 public:
  PmiConnection() = default;
  ~PmiConnection();
  PmiConnection(const PmiConnection&) = delete;
  PmiConnection& operator=(const PmiConnection&) = delete;

  // From the environment: PMI_FD if set, else PMI_PORT.
  Status Open(int timeout_ms);
  bool via_port() const { return via_port_; }

  Status Write(const std::string& bytes);
  // One PMI-1 line without its '\n'.
  StatusOr<std::string> ReadLine();
  // One PMI-2 command body (after its 6-digit length).
  StatusOr<std::string> ReadPmi2();
  // Frames and sends a PMI-2 command.
  Status WritePmi2(const std::vector<std::pair<std::string, std::string>>& fields);

 private:
  // Appends at least one byte to buffer_, waiting at most timeout_ms_.
  Status Fill();

  int fd_ = -1;
  bool via_port_ = false;
  int timeout_ms_ = 0;
  std::string buffer_;
};

}  // namespace zmpi::bootstrap

#endif  // ZMPI_MPI_BOOTSTRAP_PMI_WIRE_H_
