#include "common/copy.h"

#include <gtest/gtest.h>

#include <vector>

namespace zmpi {
namespace {

// Every length up to past the inline limit, at every alignment of source and destination:
// exactly the n bytes are copied and nothing around them is touched.
TEST(CopyBytesTest, CopiesExactlyNBytesAtAnyAlignment) {
  std::vector<char> src(256), dst(256);
  for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<char>(i * 7 + 1);
  for (size_t n = 0; n <= 100; ++n) {
    for (size_t so = 0; so < 8; ++so) {
      for (size_t d_off = 0; d_off < 8; ++d_off) {
        std::fill(dst.begin(), dst.end(), '\x5a');
        CopyBytes(dst.data() + 16 + d_off, src.data() + so, n);
        for (size_t i = 0; i < dst.size(); ++i) {
          bool inside = i >= 16 + d_off && i < 16 + d_off + n;
          char want = inside ? src[so + i - 16 - d_off] : '\x5a';
          ASSERT_EQ(dst[i], want) << "n=" << n << " src offset " << so << " dst offset "
                                  << d_off << " byte " << i;
        }
      }
    }
  }
}

}  // namespace
}  // namespace zmpi
