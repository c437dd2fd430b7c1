// UTF-8 <-> UTF-16 with MultiByteToWideChar / WideCharToMultiByte (CP_UTF8).
// Without MB_ERR_INVALID_CHARS / WC_ERR_INVALID_CHARS both functions replace invalid
// input with U+FFFD instead of failing, which is what callers want: a name with a stray
// byte still reaches RAS (and fails there as "entry not found"), nothing throws.
#include "win32/utf16.hpp"

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

// Converts `in` slice by slice: `convert(src, len, dest, capacity)` is the Win32 call,
// asked first for the size (dest null) and then to write.
template <typename Out, typename In, typename SliceEnd, typename Convert>
Out convert_in_slices(In in, SliceEnd slice_end, Convert convert) {
  Out out;
  for (std::size_t begin = 0; begin < in.size();) {
    const std::size_t end = slice_end(in, begin);
    const auto* src = in.data() + begin;
    const int len = static_cast<int>(end - begin);
    const int n = convert(src, len, nullptr, 0);
    if (n > 0) {
      const std::size_t at = out.size();
      out.resize(at + static_cast<std::size_t>(n));
      convert(src, len, out.data() + at, n);
    }
    begin = end;
  }
  return out;
}

}  // namespace

std::wstring widen(std::string_view utf8) {
  return convert_in_slices<std::wstring>(utf8, utf8_slice_end, [](const char* src, int len, wchar_t* dest, int n) {
    return MultiByteToWideChar(CP_UTF8, 0, src, len, dest, n);
  });
}

std::string narrow(std::wstring_view utf16) {
  return convert_in_slices<std::string>(utf16, utf16_slice_end, [](const wchar_t* src, int len, char* dest, int n) {
    return WideCharToMultiByte(CP_UTF8, 0, src, len, dest, n, nullptr, nullptr);
  });
}

}  // namespace rasbroker
