// The MPI_T convention for string outputs (MPI-4.1 §15.3.3), shared by every query.
#ifndef ZMPI_MPI_TOOL_STRINGS_H_
#define ZMPI_MPI_TOOL_STRINGS_H_

namespace zmpi::tool {

// Returns `text` through (out, len): with len == nullptr nothing is written; with out ==
// nullptr or *len == 0 only *len is set, to the length needed including the terminating
// null; otherwise at most *len - 1 characters and a null go to out, and *len becomes the
// number of characters stored including the null.
void PutString(const char* text, char* out, int* len);

}  // namespace zmpi::tool

#endif  // ZMPI_MPI_TOOL_STRINGS_H_
