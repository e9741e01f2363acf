// The cluster key: 32 random bytes in a file only its owner can read. Whoever holds the key
// is part of the cluster; the key itself never goes on the wire or into mDNS.
#ifndef ZMPI_LAUNCHER_PROTO_KEY_FILE_H_
#define ZMPI_LAUNCHER_PROTO_KEY_FILE_H_

#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "launcher/proto/frame_format.h"

namespace zmpi::launcher::proto {

class KeyFile final {
 public:
  // Writes a new random key to `path` with mode 0600, creating missing parent directories
  // with mode 0700. Refuses to overwrite an existing file.
  static Status Create(const std::string& path);
  // Reads a key: `path` must be a regular file (not a symlink) of exactly kKeySize bytes,
  // owned by this user, with no group/other permission bits. Each refusal says why.
  static StatusOr<std::unique_ptr<KeyFile>> Load(const std::string& path);
  // A key from bytes (tests; an in-memory key for an embedded agent).
  static std::unique_ptr<KeyFile> FromBytes(const uint8_t* key);
  // $HOME/.config/zmpi/cluster.key.
  static std::string DefaultPath();

  ~KeyFile();  // wipes the key
  KeyFile(const KeyFile&) = delete;
  KeyFile& operator=(const KeyFile&) = delete;

  const uint8_t* key() const { return key_; }
  // The public name of the cluster: 32 lowercase hex characters of a keyed BLAKE2b hash
  // (key = the cluster key) of a fixed domain-separation string. Reveals nothing about the
  // key; equal for everyone holding the same key.
  std::string ClusterId() const;

 private:
  KeyFile() = default;
  uint8_t key_[kKeySize] = {};
};

// Initializes libsodium once (thread-safe, idempotent). ZMPI_CHECKs that it succeeded.
void EnsureSodium();

}  // namespace zmpi::launcher::proto

#endif  // ZMPI_LAUNCHER_PROTO_KEY_FILE_H_
