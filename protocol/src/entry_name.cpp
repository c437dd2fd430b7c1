#include "rasbroker/protocol/entry_name.hpp"

#include <cstdint>

namespace rasbroker::protocol {

namespace {

// Decodes one UTF-8 sequence at `i` (advancing it). A byte that does not start a valid
// sequence stands for itself, marked so it can never equal a decoded code point.
char32_t next_code_point(std::string_view s, std::size_t& i) noexcept {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto invalid = [&]() noexcept {
    ++i;
    return static_cast<char32_t>(0x110000u + b0);
  };
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len = 0;
  char32_t cp = 0;
  if ((b0 & 0xE0) == 0xC0) len = 2, cp = b0 & 0x1F;
  else if ((b0 & 0xF0) == 0xE0) len = 3, cp = b0 & 0x0F;
  else if ((b0 & 0xF8) == 0xF0) len = 4, cp = b0 & 0x07;
  else return invalid();
  if (i + len > s.size()) return invalid();
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return invalid();
    cp = (cp << 6) | (b & 0x3F);
  }
  i += len;
  return cp;
}

// Simple lower-case mapping for the blocks named in the header; identity elsewhere.
char32_t fold(char32_t c) noexcept {
  if (c >= U'A' && c <= U'Z') return c + 0x20;
  if (c < 0x80) return c;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 0x20;            // Latin-1: À..Þ
  if (c >= 0x100 && c <= 0x137) return c | 1;                          // Latin Ext-A pairs
  if (c >= 0x139 && c <= 0x148) return (c & 1) ? c + 1 : c;            // Ĺ..ň: odd upper
  if (c >= 0x14A && c <= 0x177) return c | 1;
  if (c == 0x178) return 0xFF;                                          // Ÿ
  if (c >= 0x179 && c <= 0x17E) return (c & 1) ? c + 1 : c;            // Ź..ž
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 0x20;          // Greek capitals
  if (c >= 0x400 && c <= 0x40F) return c + 0x50;                        // Cyrillic Ѐ..Џ
  if (c >= 0x410 && c <= 0x42F) return c + 0x20;                        // Cyrillic А..Я
  return c;
}

char ascii_lower(unsigned char c) noexcept { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 0x20 : c); }

// -1, 0, 1 like strcmp, on folded code points.
int compare_folded(std::string_view a, std::string_view b) noexcept {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const auto ca = static_cast<unsigned char>(a[i]), cb = static_cast<unsigned char>(b[j]);
    if ((ca | cb) < 0x80) {  // both ASCII, the usual case: no decoding
      const auto x = static_cast<unsigned char>(ascii_lower(ca)), y = static_cast<unsigned char>(ascii_lower(cb));
      if (x != y) return x < y ? -1 : 1;
      ++i, ++j;
      continue;
    }
    const char32_t x = fold(next_code_point(a, i));
    const char32_t y = fold(next_code_point(b, j));
    if (x != y) return x < y ? -1 : 1;
  }
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

// Appends c in UTF-8's form, extended to 21 bits (invalid bytes are marked 0x110000 + byte,
// and a 4-byte sequence decodes to at most 0x1FFFFF): injective, prefix-free, order-keeping.
void append_code_point(std::string& out, char32_t c) {
  const auto byte = [&](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
  if (c < 0x80) {
    byte(c);
  } else if (c < 0x800) {
    byte(0xC0 | (c >> 6)), byte(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    byte(0xE0 | (c >> 12)), byte(0x80 | ((c >> 6) & 0x3F)), byte(0x80 | (c & 0x3F));
  } else {
    byte(0xF0 | (c >> 18)), byte(0x80 | ((c >> 12) & 0x3F)), byte(0x80 | ((c >> 6) & 0x3F)), byte(0x80 | (c & 0x3F));
  }
}

bool is_alphanumeric(char32_t c) noexcept {
  if (c < 0x80) return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
  // Beyond ASCII, any letter-like code point counts (RAS uses IsCharAlphaNumeric; we do
  // not carry Unicode tables): everything but the C1 controls, NBSP and the
  // Latin-1 punctuation and symbols.
  if (c < 0xC0) return false;
  return c != 0xD7 && c != 0xF7 && c < 0x110000;
}

}  // namespace

bool same_entry(std::string_view a, std::string_view b) noexcept { return compare_folded(a, b) == 0; }

bool EntryNameLess::operator()(std::string_view a, std::string_view b) const noexcept {
  return compare_folded(a, b) < 0;
}

std::string entry_name_key(std::string_view name) {
  std::string key;
  key.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const auto b = static_cast<unsigned char>(name[i]);
    if (b < 0x80) {
      key.push_back(ascii_lower(b));
      ++i;
    } else {
      append_code_point(key, fold(next_code_point(name, i)));
    }
  }
  return key;
}

std::string entry_name_problem(std::string_view name) {
  if (name.empty()) return "is empty";
  if (name.front() == '.') return "may not start with '.'";
  bool alnum = false;
  for (std::size_t i = 0; i < name.size();) {
    const char32_t c = next_code_point(name, i);
    switch (c) {
      case U'|': case U'>': case U'<': case U'?': case U'*': case U'\\': case U'/': case U':':
        return "may not contain any of | > < ? * \\ / : (RAS refuses them)";
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) return "may not contain control characters";
    if (is_alphanumeric(c)) alnum = true;
  }
  if (!alnum) return "needs at least one letter or digit";
  return {};
}

}  // namespace rasbroker::protocol
