#include "mpi/bootstrap/pmi_wire.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace zmpi::bootstrap {
namespace {

constexpr size_t kPmi2LengthDigits = 6;

bool SafeValueByte(unsigned char c) {
  return isalnum(c) || c == '.' || c == '_' || c == ':' || c == '/' || c == ',' || c == '+' ||
         c == '-';
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a non-negative decimal at text[*pos], advancing *pos.
bool ReadUint(const std::string& text, size_t* pos, long* out) {
  size_t start = *pos;
  long v = 0;
  while (*pos < text.size() && isdigit(static_cast<unsigned char>(text[*pos]))) {
    v = v * 10 + (text[*pos] - '0');
    if (v > 1 << 24) return false;
    ++*pos;
  }
  *out = v;
  return *pos > start;
}

bool Expect(const std::string& text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

StatusOr<PmiFields> ParsePmi1Line(const std::string& line) {
  PmiFields fields;
  size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t')) ++pos;
    if (pos >= line.size()) break;
    size_t end = pos;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    std::string token = line.substr(pos, end - pos);
    size_t eq = token.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error(Code::kOther, "PMI-1: malformed reply '%s'", line.c_str());
    }
    fields[token.substr(0, eq)] = token.substr(eq + 1);
    pos = end;
  }
  if (fields.count("cmd") == 0) {
    return Error(Code::kOther, "PMI-1: reply without cmd: '%s'", line.c_str());
  }
  return fields;
}

std::string FormatPmi2Command(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string body;
  for (const auto& kv : fields) {
    body += kv.first;
    body += '=';
    for (char c : kv.second) {
      body += c;
      if (c == ';') body += ';';
    }
    body += ';';
  }
  char length[kPmi2LengthDigits + 1];
  snprintf(length, sizeof(length), "%6zu", body.size());
  return std::string(length, kPmi2LengthDigits) + body;
}

StatusOr<PmiFields> ParsePmi2Command(const std::string& body) {
  PmiFields fields;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eq = body.find('=', pos);
    if (eq == std::string::npos || eq == pos) {
      return Error(Code::kOther, "PMI-2: malformed command '%s'", body.c_str());
    }
    std::string key = body.substr(pos, eq - pos);
    std::string value;
    size_t i = eq + 1;
    for (;; ++i) {
      if (i >= body.size()) {
        return Error(Code::kOther, "PMI-2: unterminated field in '%s'", body.c_str());
      }
      if (body[i] == ';') {
        if (i + 1 < body.size() && body[i + 1] == ';') {
          value += ';';
          ++i;
          continue;
        }
        break;
      }
      value += body[i];
    }
    fields[key] = value;
    pos = i + 1;
  }
  if (fields.count("cmd") == 0) {
    return Error(Code::kOther, "PMI-2: command without cmd: '%s'", body.c_str());
  }
  return fields;
}

std::string EncodeValue(const std::string& raw) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (unsigned char c : raw) {
    if (SafeValueByte(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

StatusOr<std::string> DecodeValue(const std::string& encoded) {
  std::string out;
  out.reserve(encoded.size());
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] != '%') {
      out += encoded[i];
      continue;
    }
    int hi = i + 2 < encoded.size() ? HexDigit(encoded[i + 1]) : -1;
    int lo = hi >= 0 ? HexDigit(encoded[i + 2]) : -1;
    if (lo < 0) return Error(Code::kOther, "PMI: malformed value '%s'", encoded.c_str());
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string KvsKey(const std::string& name, int rank) {
  std::string key;
  for (unsigned char c : name) key += (isalnum(c) || c == '_' || c == '-') ? c : '-';
  return key + "-" + std::to_string(rank);
}

StatusOr<std::vector<int>> ParseProcessMapping(const std::string& text, int size) {
  auto bad = [&]() {
    return Error(Code::kOther, "PMI: cannot read PMI_process_mapping '%s' for %d ranks",
                 text.c_str(), size);
  };
  const std::string kHead = "(vector,";
  if (text.compare(0, kHead.size(), kHead) != 0) return bad();
  std::vector<int> node_of_rank;
  size_t pos = kHead.size();
  for (;;) {
    long node = 0, nodes = 0, ppn = 0;
    if (!Expect(text, &pos, '(') || !ReadUint(text, &pos, &node) || !Expect(text, &pos, ',') ||
        !ReadUint(text, &pos, &nodes) || !Expect(text, &pos, ',') || !ReadUint(text, &pos, &ppn) ||
        !Expect(text, &pos, ')')) {
      return bad();
    }
    for (long n = node; n < node + nodes; ++n) {
      for (long k = 0; k < ppn; ++k) {
        if (static_cast<int>(node_of_rank.size()) >= size) return bad();
        node_of_rank.push_back(static_cast<int>(n));
      }
    }
    if (Expect(text, &pos, ',')) continue;
    if (!Expect(text, &pos, ')') || pos != text.size()) return bad();
    break;
  }
  if (static_cast<int>(node_of_rank.size()) != size) return bad();
  return node_of_rank;
}

bool PmiTrue(const std::string& value) {
  return value == "TRUE" || value == "true" || value == "yes" || value == "1";
}

PmiConnection::~PmiConnection() {
  if (fd_ >= 0) close(fd_);
}

Status PmiConnection::Open(int timeout_ms) {
  timeout_ms_ = timeout_ms;
  if (const char* fd_text = getenv("PMI_FD")) {
    char* end = nullptr;
    long fd = strtol(fd_text, &end, 10);
    if (end == fd_text || *end != '\0' || fd < 0 || fd > 1 << 20) {
      return Error(Code::kOther, "PMI_FD='%s' is not a file descriptor", fd_text);
    }
    fd_ = static_cast<int>(fd);
    // Ours alone: a program this rank executes must not talk on our PMI session.
    int flags = fcntl(fd_, F_GETFD);
    if (flags >= 0) fcntl(fd_, F_SETFD, flags | FD_CLOEXEC);
    return OkStatus();
  }
  const char* port = getenv("PMI_PORT");
  if (port == nullptr) return Error(Code::kOther, "neither PMI_FD nor PMI_PORT is set");
  std::string text(port);
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error(Code::kOther, "PMI_PORT='%s' is not host:port", port);
  }
  std::string host = text.substr(0, colon), service = text.substr(colon + 1);
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0) {
    return Error(Code::kOther, "PMI_PORT=%s: cannot resolve %s: %s", port, host.c_str(),
                 gai_strerror(rc));
  }
  int saved = 0;
  for (addrinfo* a = found; a != nullptr && fd_ < 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
      fd_ = fd;
    } else {
      saved = errno;
      close(fd);
    }
  }
  freeaddrinfo(found);
  if (fd_ < 0) return Error(Code::kOther, "PMI_PORT=%s: cannot connect: %s", port, strerror(saved));
  via_port_ = true;
  return OkStatus();
}

Status PmiConnection::Write(const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == ENOTSOCK) n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
      return Error(Code::kOther, "PMI: the launcher closed the connection");
    }
    if (n <= 0) {
      return Error(Code::kOther, "PMI: cannot write to the launcher: %s", strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
  return OkStatus();
}

Status PmiConnection::Fill() {
  pollfd p = {fd_, POLLIN, 0};
  int rc;
  do {
    rc = poll(&p, 1, timeout_ms_);
  } while (rc < 0 && errno == EINTR);
  if (rc == 0) {
    return Error(Code::kOther, "PMI: the launcher did not answer within %d s", timeout_ms_ / 1000);
  }
  char chunk[4096];
  ssize_t n;
  do {
    n = read(fd_, chunk, sizeof(chunk));
  } while (n < 0 && errno == EINTR);
  if (n == 0 || (n < 0 && errno == ECONNRESET)) {
    return Error(Code::kOther, "PMI: the launcher closed the connection");
  }
  if (n < 0) return Error(Code::kOther, "PMI: cannot read from the launcher: %s", strerror(errno));
  buffer_.append(chunk, static_cast<size_t>(n));
  return OkStatus();
}

StatusOr<std::string> PmiConnection::ReadLine() {
  size_t nl;
  while ((nl = buffer_.find('\n')) == std::string::npos) ZMPI_RETURN_IF_ERROR(Fill());
  std::string line = buffer_.substr(0, nl);
  buffer_.erase(0, nl + 1);
  return line;
}

StatusOr<std::string> PmiConnection::ReadPmi2() {
  while (buffer_.size() < kPmi2LengthDigits) ZMPI_RETURN_IF_ERROR(Fill());
  std::string digits = buffer_.substr(0, kPmi2LengthDigits);
  size_t length = 0;
  bool any = false;
  for (char c : digits) {
    if (c == ' ' && !any) continue;
    if (c == ' ') break;  // left-aligned, blank-padded on the right (as some servers send)
    if (!isdigit(static_cast<unsigned char>(c))) {
      return Error(Code::kOther, "PMI-2: bad length field '%s'", digits.c_str());
    }
    length = length * 10 + (c - '0');
    any = true;
  }
  if (!any) return Error(Code::kOther, "PMI-2: bad length field '%s'", digits.c_str());
  while (buffer_.size() < kPmi2LengthDigits + length) ZMPI_RETURN_IF_ERROR(Fill());
  std::string body = buffer_.substr(kPmi2LengthDigits, length);
  buffer_.erase(0, kPmi2LengthDigits + length);
  return body;
}

Status PmiConnection::WritePmi2(const std::vector<std::pair<std::string, std::string>>& fields) {
  return Write(FormatPmi2Command(fields));
}

}  // namespace zmpi::bootstrap
