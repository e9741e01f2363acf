// Attributes as MPI programs see them: the runtime's AttributeStore plus the predefined
// attributes (MPI_TAG_UB, MPI_HOST, MPI_IO, MPI_WTIME_IS_GLOBAL, MPI_APPNUM,
// MPI_UNIVERSE_SIZE, MPI_LASTUSEDCODE on MPI_COMM_WORLD, and, as in MPICH, on every other
// communicator; MPI_WIN_BASE, _SIZE, _DISP_UNIT,
// _CREATE_FLAVOR, _MODEL on every window), which are read-only and never copied or deleted.
//
// The two hooks every object's constructor and destructor call: CopyAttributes when an
// object is duplicated (MPI_Comm_dup, MPI_Type_dup, ...) and DeleteAttributes before an
// object goes (MPI_Comm_free, MPI_Type_free, MPI_Win_free, ...). Objects are named by their
// kind and MPI handle.
#ifndef ZMPI_MPI_CORE_OBJECT_ATTRIBUTES_H_
#define ZMPI_MPI_CORE_OBJECT_ATTRIBUTES_H_

#include "common/status.h"
#include "mpi/core/attributes.h"
#include "mpi/core/handles.h"

namespace zmpi::core {

// Runs the copy callbacks of `old_handle`'s attributes for `new_handle`.
Status CopyAttributes(HandleKind kind, int old_handle, int new_handle);
// Moves attributes copied onto a placeholder handle to the real one (no callback runs), or
// drops them (no delete callback runs: the object never existed for the program).
void MoveAttributes(HandleKind kind, int placeholder, int new_handle);
void DiscardAttributes(HandleKind kind, int placeholder);
// Runs the delete callbacks of every attribute of `handle`, the last set first.
Status DeleteAttributes(HandleKind kind, int handle);

// Whether a keyval is one of the predefined ones (MPI_TAG_UB, MPI_WIN_BASE, ...).
bool IsPredefinedKeyval(int keyval);

// MPI_*_get_attr: predefined attributes answer for their object, the rest from the store.
Status GetAttribute(HandleKind kind, int handle, int keyval, void** value, bool* found);
// MPI_*_set_attr / _delete_attr: MPI_ERR_KEYVAL for predefined keyvals.
Status SetAttribute(HandleKind kind, int handle, int keyval, void* value);
Status DeleteAttribute(HandleKind kind, int handle, int keyval);
Status CreateKeyval(HandleKind kind, AttrCopyFunction copy, AttrDeleteFunction del,
                    void* extra_state, int* keyval);
Status FreeKeyval(HandleKind kind, int keyval);

// At the start of MPI_Finalize, before anything else: MPI_COMM_SELF's attributes are
// deleted (last set first), then MPI_COMM_WORLD's. Returns the first callback error.
Status DeleteAttributesAtFinalize();

}  // namespace zmpi::core

#endif  // ZMPI_MPI_CORE_OBJECT_ATTRIBUTES_H_
