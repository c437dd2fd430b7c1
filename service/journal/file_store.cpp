#include "journal/file_store.hpp"

#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "journal/durable_replace.hpp"
#include "journal/journal_json.hpp"
#include "rasbroker/protocol/types.hpp"
#include "security/file_trust.hpp"  // printable

namespace rasbroker::journal {
namespace {

namespace fs = std::filesystem;

std::string utf8(const fs::path& path) {
  const auto text = path.u8string();
  return std::string(text.begin(), text.end());
}

// "20261129T224005Z": sortable, and valid in a Windows file name (no colons). The
// protocol's RFC 3339 form ("2026-11-29T22:40:05.123Z") without separators or milliseconds.
std::string compact_utc(std::chrono::system_clock::time_point t) {
  std::string text;
  for (const char c : protocol::format_rfc3339(t).substr(0, 19)) {
    if (c != '-' && c != ':') text += c;
  }
  return text + "Z";
}

// The n-th candidate name for a bad journal: journal.bad-<time>.json, then -2, -3, ...
fs::path bad_name(const fs::path& journal, const std::string& time, unsigned n) {
  fs::path name = journal.extension() == ".json" ? fs::path(journal).replace_extension() : journal;
  name += ".bad-" + time;
  if (n > 1) name += "-" + std::to_string(n);
  name += ".json";
  return name;
}

// The problem text of a log line: it may name a path or quote the document's version.
std::string loggable(std::string_view text) { return security::printable(text, 512); }

}  // namespace

FileJournalStore::FileJournalStore(std::filesystem::path path, FileJournalStoreOptions options)
    : path_(std::move(path)), options_(std::move(options)) {
  if (!options_.now) options_.now = [] { return std::chrono::system_clock::now(); };
}

std::string FileJournalStore::where() const { return utf8(path_); }

JournalStore::Loaded FileJournalStore::load() {
  Loaded loaded;
  try {
    std::error_code ec;
    // A save cut short before its replace: the journal beside it is the one to read.
    fs::remove(temporary_path(path_), ec);
    const auto status = fs::status(path_, ec);
    if (status.type() == fs::file_type::not_found) return loaded;
    if (ec) {
      loaded.problem = loggable("cannot be examined: " + ec.message());
      return loaded;  // nothing can be moved either; the next save replaces it
    }
    if (status.type() != fs::file_type::regular) {
      move_aside(loaded, "is not a regular file");
      return loaded;
    }
    std::ifstream in(path_, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) {
      move_aside(loaded, "cannot be read");
      return loaded;
    }
    loaded.journal = decode_journal(text);
  } catch (const JournalFormatError& e) {
    move_aside(loaded, e.what());
  } catch (const std::exception& e) {
    loaded.journal.reset();
    loaded.problem = loggable(std::string("cannot be loaded: ") + e.what());
  }
  return loaded;
}

void FileJournalStore::move_aside(Loaded& loaded, const std::string& problem) const {
  loaded.journal.reset();
  loaded.problem = loggable(problem);
  try {
    const auto time = compact_utc(options_.now());
    std::error_code ec;
    for (unsigned n = 1; n < 1000; ++n) {
      const auto target = bad_name(path_, time, n);
      if (fs::exists(target, ec) || ec) continue;  // never over an earlier bad journal
      fs::rename(path_, target, ec);
      if (ec) break;
      loaded.moved_to = utf8(target);
      return;
    }
    loaded.problem += loggable("; it could not be moved aside" + (ec ? ": " + ec.message() : std::string()));
  } catch (const std::exception& e) {
    loaded.problem += loggable(std::string("; it could not be moved aside: ") + e.what());
  }
}

std::string FileJournalStore::save(const Journal& journal) {
  try {
    return durable_replace(path_, encode_journal(journal), options_.before_replace);
  } catch (const std::exception& e) {
    return std::string("cannot save the journal: ") + e.what();
  }
}

}  // namespace rasbroker::journal
