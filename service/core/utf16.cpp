// UTF-8 <-> UTF-16 with MultiByteToWideChar / WideCharToMultiByte (CP_UTF8).
// Without MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS both functions replace invalid
// input with U+FFFD instead of failing, which is what callers want: a name with a stray
// byte still reaches RAS (and fails there as "entry not found"), nothing throws.
#include "core/utf16.hpp"

#include <windows.h>

#include <climits>
#include <cstddef>

namespace rasbroker {
namespace {

// The Win32 converters take int lengths; longer inputs are converted in slices that
// never split a character.
constexpr std::size_t kSlice = INT_MAX / 4;

std::size_t utf8_slice_end(std::string_view s, std::size_t begin) {
  std::size_t end = begin + kSlice;
  if (end >= s.size()) return s.size();
  while (end > begin && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;  // continuation byte
  return end;
}

std::size_t utf16_slice_end(std::wstring_view s, std::size_t begin) {
  std::size_t end = begin + kSlice;
  if (end >= s.size()) return s.size();
  if (s[end] >= 0xDC00 && s[end] <= 0xDFFF) --end;  // do not split a surrogate pair
  return end;
}

}  // namespace

std::wstring widen(std::string_view utf8) {
  std::wstring out;
  for (std::size_t begin = 0; begin < utf8.size();) {
    const std::size_t end = utf8_slice_end(utf8, begin);
    const auto* src = utf8.data() + begin;
    const int len = static_cast<int>(end - begin);
    const int n = MultiByteToWideChar(CP_UTF8, 0, src, len, nullptr, 0);
    if (n > 0) {
      const std::size_t at = out.size();
      out.resize(at + static_cast<std::size_t>(n));
      MultiByteToWideChar(CP_UTF8, 0, src, len, out.data() + at, n);
    }
    begin = end;
  }
  return out;
}

std::string narrow(std::wstring_view utf16) {
  std::string out;
  for (std::size_t begin = 0; begin < utf16.size();) {
    const std::size_t end = utf16_slice_end(utf16, begin);
    const auto* src = utf16.data() + begin;
    const int len = static_cast<int>(end - begin);
    const int n = WideCharToMultiByte(CP_UTF8, 0, src, len, nullptr, 0, nullptr, nullptr);
    if (n > 0) {
      const std::size_t at = out.size();
      out.resize(at + static_cast<std::size_t>(n));
      WideCharToMultiByte(CP_UTF8, 0, src, len, out.data() + at, n, nullptr, nullptr);
    }
    begin = end;
  }
  return out;
}

}  // namespace rasbroker
