// File views and data representations (MPI-4.1 §14.3, §14.5): MPI_File_set_view/get_view,
// get_byte_offset, get_type_extent and MPI_Register_datarep.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "mpi/abi/file_args.h"
#include "mpi/core/comm_ops.h"
#include "mpi/core/runtime.h"
#include "mpi/io/access.h"
#include "mpi/io/datarep.h"

namespace {

using zmpi::Code;
using zmpi::Status;
using zmpi::StatusOr;
using zmpi::abi::CheckFile;
using zmpi::abi::ReportOnFile;
using zmpi::io::Datarep;
using zmpi::io::File;
using zmpi::io::IoState;

Status CheckOut(const void* p, const char* what) {
  return p != nullptr ? zmpi::OkStatus() : zmpi::Error(Code::kArg, "null %s", what);
}

// The engine type of a checked handle.
zmpi::datatype::TypeRef EngineType(MPI_Datatype handle) {
  return zmpi::core::Runtime::Get()->datatypes().TypeOf(handle);
}

// MPI-4.1 §14.3: the typemap of an etype or filetype has non-negative, monotonically
// non-decreasing displacements, and no overlapping bytes when the file is opened for writing.
// The standard names no error class; MPI_ERR_IO is MPICH's answer, which programs test for.
Status CheckTypemapOrder(const zmpi::datatype::Type& t, bool writable, const char* what) {
  if (t.true_lb() < 0) {
    return zmpi::Error(Code::kIo, "the %s has data at a negative displacement", what);
  }
  int64_t prev_offset = INT64_MIN;
  int64_t prev_end = INT64_MIN;
  const char* problem = nullptr;
  t.layout().Walk(t.extent(), 1, 0, t.size(), [&](int64_t offset, int64_t len) {
    if (offset < prev_offset) problem = "decreasing displacements";
    if (writable && offset < prev_end) problem = "overlapping bytes in a file opened for writing";
    prev_offset = offset;
    prev_end = std::max(prev_end, offset + len);
    return problem == nullptr;
  });
  if (problem != nullptr) return zmpi::Error(Code::kIo, "the %s's typemap has %s", what, problem);
  return zmpi::OkStatus();
}

// A view the layer can map: whole etypes per filetype, and (for a representation other than
// native) etype and filetype of the same size in the file as in memory, so the filetype's
// displacements mean the same bytes in both.
Status CheckViewTypes(const Datarep& rep, MPI_Datatype etype, MPI_Datatype filetype,
                      bool writable) {
  zmpi::datatype::TypeRef e = EngineType(etype);
  zmpi::datatype::TypeRef ft = EngineType(filetype);
  if (e->size() <= 0) return zmpi::Error(Code::kType, "the etype has no data (size 0)");
  if (ft->size() % e->size() != 0) {
    return zmpi::Error(Code::kArg, "the filetype (%lld bytes) is not made of whole etypes (%lld)",
                       static_cast<long long>(ft->size()), static_cast<long long>(e->size()));
  }
  ZMPI_RETURN_IF_ERROR(CheckTypemapOrder(*e, writable, "etype"));
  ZMPI_RETURN_IF_ERROR(CheckTypemapOrder(*ft, writable, "filetype"));
  if (rep.identity()) return zmpi::OkStatus();
  for (const zmpi::datatype::TypeRef* t : {&e, &ft}) {
    ZMPI_ASSIGN_OR_RETURN(int64_t bytes, zmpi::io::FileBytes(rep, **t, 1));
    if (bytes != (*t)->size()) {
      return zmpi::Error(Code::kUnsupportedDatarep,
                         "with data representation \"%s\" zmpi needs etype and filetype to "
                         "have the same size in the file as in memory (%lld != %lld bytes)",
                         rep.name.c_str(), static_cast<long long>(bytes),
                         static_cast<long long>((*t)->size()));
    }
  }
  return zmpi::OkStatus();
}

}  // namespace

ZMPI_API int PMPI_File_set_view(MPI_File fh, MPI_Offset disp, MPI_Datatype etype,
                                MPI_Datatype filetype, const char* datarep, MPI_Info info) {
  ZMPI_ENTER("MPI_File_set_view");
  const char* fn = "MPI_File_set_view";
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckFile(fh, &f));
  if (disp == MPI_DISPLACEMENT_CURRENT) {
    if (!(f->amode() & MPI_MODE_SEQUENTIAL)) {
      return ReportOnFile(f, fn,
                          zmpi::Error(Code::kArg,
                                      "MPI_DISPLACEMENT_CURRENT needs a file opened "
                                      "MPI_MODE_SEQUENTIAL"));
    }
  } else if (disp < 0) {
    return ReportOnFile(f, fn, zmpi::Error(Code::kArg, "negative displacement %ld", (long)disp));
  }
  const zmpi::core::Datatype* e = nullptr;
  const zmpi::core::Datatype* ft = nullptr;
  ZMPI_CHECK_FILE_ARG(f, fn, zmpi::abi::CheckType(etype, &e));
  ZMPI_CHECK_FILE_ARG(f, fn, zmpi::abi::CheckType(filetype, &ft));
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(datarep, "datarep"));
  const Datarep* rep = IoState::Get().FindDatarep(datarep);
  if (rep == nullptr) {
    return ReportOnFile(
        f, fn,
        zmpi::Error(Code::kUnsupportedDatarep, "unknown data representation \"%s\"", datarep));
  }
  if (info != MPI_INFO_NULL && zmpi::core::Objects::Get().FindInfo(info) == nullptr) {
    return ReportOnFile(f, fn, zmpi::Error(Code::kInfo, "invalid info handle 0x%x", info));
  }
  ZMPI_CHECK_FILE_ARG(f, fn, CheckViewTypes(*rep, etype, filetype,
                                            (f->amode() & MPI_MODE_RDONLY) == 0));
  if (f->split() != nullptr) {
    return ReportOnFile(f, fn, zmpi::Error(Code::kIo, "a split collective is active"));
  }
  if (disp == MPI_DISPLACEMENT_CURRENT) {
    // The shared pointer's byte position under the current view.
    StatusOr<int64_t> shared = f->store().FetchAddShared(0);
    ZMPI_CHECK_FILE_ARG(f, fn, shared.status());
    disp = f->view().ByteOffset(*shared * f->view().etype_size());
    // Every rank reads the shared pointer before SetView's reset of it (on rank 0) can run.
    ZMPI_CHECK_FILE_ARG(f, fn, zmpi::core::BarrierAll(f->comm()));
  }
  if (zmpi::core::Info* i =
          info != MPI_INFO_NULL ? zmpi::core::Objects::Get().FindInfo(info) : nullptr) {
    for (const auto& [key, value] : i->entries()) f->hints().Set(key, value);
  }
  ZMPI_CHECK_FILE_ARG(f, fn, f->SetView(disp, etype, filetype, rep));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_view(MPI_File fh, MPI_Offset* disp, MPI_Datatype* etype,
                                MPI_Datatype* filetype, char* datarep) {
  ZMPI_ENTER("MPI_File_get_view");
  const char* fn = "MPI_File_get_view";
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(disp, "disp pointer"));
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(etype, "etype pointer"));
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(filetype, "filetype pointer"));
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(datarep, "datarep buffer"));
  zmpi::core::DatatypeTable& types = zmpi::core::Runtime::Get()->datatypes();
  *disp = f->view().disp();
  // Derived types come back as new handles the caller frees (MPI-4.1 §14.3).
  *etype = types.HandleFor(f->view().etype());
  *filetype = types.HandleFor(f->view().filetype());
  const std::string& name = f->datarep().name;
  size_t n = std::min(name.size(), static_cast<size_t>(MPI_MAX_DATAREP_STRING - 1));
  memcpy(datarep, name.data(), n);
  datarep[n] = '\0';
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_byte_offset(MPI_File fh, MPI_Offset offset, MPI_Offset* disp) {
  ZMPI_ENTER("MPI_File_get_byte_offset");
  const char* fn = "MPI_File_get_byte_offset";
  File* f = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckFile(fh, &f));
  if (offset < 0) {
    return ReportOnFile(f, fn, zmpi::Error(Code::kArg, "negative offset %ld", (long)offset));
  }
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(disp, "disp pointer"));
  *disp = f->view().ByteOffset(offset * f->view().etype_size());
  return MPI_SUCCESS;
}

template <typename ExtentT>
static int GetTypeExtent(const char* fn, MPI_File fh, MPI_Datatype datatype, ExtentT* extent) {
  File* f = nullptr;
  const zmpi::core::Datatype* t = nullptr;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckFile(fh, &f));
  ZMPI_CHECK_FILE_ARG(f, fn, zmpi::abi::CheckAnyType(datatype, &t));
  ZMPI_CHECK_FILE_ARG(f, fn, CheckOut(extent, "extent pointer"));
  StatusOr<int64_t> e = zmpi::io::FileExtent(f->datarep(), *EngineType(datatype));
  ZMPI_CHECK_FILE_ARG(f, fn, e.status());
  *extent = static_cast<ExtentT>(*e);
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_File_get_type_extent(MPI_File fh, MPI_Datatype datatype, MPI_Aint* extent) {
  ZMPI_ENTER("MPI_File_get_type_extent");
  return GetTypeExtent("MPI_File_get_type_extent", fh, datatype, extent);
}

ZMPI_API int PMPI_File_get_type_extent_c(MPI_File fh, MPI_Datatype datatype, MPI_Count* extent) {
  ZMPI_ENTER("MPI_File_get_type_extent_c");
  return GetTypeExtent("MPI_File_get_type_extent_c", fh, datatype, extent);
}

static int Register(const char* fn, const char* name, Datarep rep) {
  ZMPI_CHECK_FILE_ARG(nullptr, fn, CheckOut(name, "datarep name"));
  if (strlen(name) == 0 || strlen(name) >= MPI_MAX_DATAREP_STRING) {
    return ReportOnFile(nullptr, fn,
                        zmpi::Error(Code::kArg,
                                    "a data representation name has 1 to %d "
                                    "characters",
                                    MPI_MAX_DATAREP_STRING - 1));
  }
  if (rep.extent_fn == nullptr) {
    return ReportOnFile(nullptr, fn, zmpi::Error(Code::kArg, "null dtype_file_extent_fn"));
  }
  rep.name = name;
  rep.kind = Datarep::Kind::kUser;
  ZMPI_CHECK_FILE_ARG(nullptr, fn, IoState::Get().AddDatarep(std::move(rep)));
  return MPI_SUCCESS;
}

ZMPI_API int PMPI_Register_datarep(const char* datarep,
                                   MPI_Datarep_conversion_function* read_conversion_fn,
                                   MPI_Datarep_conversion_function* write_conversion_fn,
                                   MPI_Datarep_extent_function* dtype_file_extent_fn,
                                   void* extra_state) {
  ZMPI_ENTER("MPI_Register_datarep");
  Datarep rep;
  rep.read_fn = read_conversion_fn;
  rep.write_fn = write_conversion_fn;
  rep.extent_fn = dtype_file_extent_fn;
  rep.extra_state = extra_state;
  return Register("MPI_Register_datarep", datarep, std::move(rep));
}

ZMPI_API int PMPI_Register_datarep_c(const char* datarep,
                                     MPI_Datarep_conversion_function_c* read_conversion_fn,
                                     MPI_Datarep_conversion_function_c* write_conversion_fn,
                                     MPI_Datarep_extent_function* dtype_file_extent_fn,
                                     void* extra_state) {
  ZMPI_ENTER("MPI_Register_datarep_c");
  Datarep rep;
  rep.read_fn_c = read_conversion_fn;
  rep.write_fn_c = write_conversion_fn;
  rep.extent_fn = dtype_file_extent_fn;
  rep.extra_state = extra_state;
  rep.large = true;
  return Register("MPI_Register_datarep_c", datarep, std::move(rep));
}

#include "mpi/abi/file_view_aliases.inc"
