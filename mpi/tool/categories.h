// Categories (MPI_T_category_*): named groups of control and performance variables. A
// constant tree: the root "zmpi" holds one subcategory per part of the library. The set never
// changes while the process runs, so MPI_T_category_changed always answers the same number.
#ifndef ZMPI_MPI_TOOL_CATEGORIES_H_
#define ZMPI_MPI_TOOL_CATEGORIES_H_

#include <vector>

namespace zmpi::tool {

struct CategoryInfo {
  const char* name;
  const char* desc;
  std::vector<int> cvars;       // indices into cvars.h's table
  std::vector<int> pvars;       // indices into pvars.h's table
  std::vector<int> categories;  // subcategories
};

int CategoryCount();
const CategoryInfo& Category(int index);  // 0 <= index < CategoryCount()
int FindCategory(const char* name);       // -1 if none

}  // namespace zmpi::tool

#endif  // ZMPI_MPI_TOOL_CATEGORIES_H_
