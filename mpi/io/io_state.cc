#include "mpi/io/io_state.h"

namespace zmpi::io {

IoState::IoState() {
  const std::pair<const char*, Datarep::Kind> predefined[] = {
      {"native", Datarep::Kind::kNative},
      {"internal", Datarep::Kind::kInternal},
      {"external32", Datarep::Kind::kExternal32}};
  for (const auto& [name, kind] : predefined) {
    auto rep = std::make_unique<Datarep>();
    rep->name = name;
    rep->kind = kind;
    reps_.push_back(std::move(rep));
  }
}

// Files a program left open at MPI_Finalize go with the runtime (their stores close).
IoState::~IoState() {
  for (File* f : files_) delete f;
}

IoState& IoState::Get() {
  std::unique_ptr<core::Runtime::Extension>& slot = core::Runtime::Get()->io();
  if (!slot) slot.reset(new IoState());
  return static_cast<IoState&>(*slot);
}

File* IoState::FindFile(MPI_File handle) const {
  File* f = reinterpret_cast<File*>(handle);
  return files_.count(f) != 0 ? f : nullptr;
}

const Datarep* IoState::FindDatarep(const std::string& name) const {
  for (const auto& r : reps_) {
    if (r->name == name) return r.get();
  }
  return nullptr;
}

Status IoState::AddDatarep(Datarep rep) {
  if (FindDatarep(rep.name) != nullptr) {
    return Error(Code::kDupDatarep, "data representation \"%s\" is already defined",
                 rep.name.c_str());
  }
  reps_.push_back(std::make_unique<Datarep>(std::move(rep)));
  return OkStatus();
}

}  // namespace zmpi::io
