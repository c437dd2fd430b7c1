#pragma once
// A JournalStore in memory for the broker's tests: counts saves, keeps the last document,
// and can fail, report a journal it could not use, or hold a save until the test releases it.
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "journal/journal.hpp"

namespace rasbroker::testing {

class MemoryJournalStore : public journal::JournalStore {
 public:
  Loaded load() override {
    std::lock_guard lock(m_);
    Loaded loaded;
    if (!unusable_.empty()) {
      // As the file store does: the bad journal is moved aside, so none is loaded.
      loaded.problem = std::exchange(unusable_, {});
      loaded.moved_to = kMovedTo;
      saved_.reset();
      return loaded;
    }
    loaded.journal = saved_;
    return loaded;
  }

  std::string save(const journal::Journal& j) override {
    std::unique_lock lock(m_);
    ++saves_;
    entered_.notify_all();
    released_.wait(lock, [&] { return !held_; });
    if (!fail_with_.empty()) return fail_with_;
    saved_ = j;
    return {};
  }

  std::string where() const override { return std::string(kWhere); }

  static constexpr const char* kWhere = "memory:journal.json";
  static constexpr const char* kMovedTo = "memory:journal.json.bad-20260101T000000Z";

  // The last document saved (none yet: an empty one), and its i-th record (none: one in
  // state "gone", which no test expects).
  bool has_saved() const {
    std::lock_guard lock(m_);
    return saved_.has_value();
  }
  journal::Journal saved() const {
    std::lock_guard lock(m_);
    return saved_.value_or(journal::Journal{});
  }
  journal::JournalRecord record(std::size_t i) const {
    const auto j = saved();
    if (i < j.records.size()) return j.records[i];
    journal::JournalRecord none;
    none.info.state = protocol::ConnectionState::gone;
    return none;
  }
  std::size_t saves() const {
    std::lock_guard lock(m_);
    return saves_;
  }
  // The next load() finds a journal it cannot use for `why`.
  void make_unusable(std::string why) {
    std::lock_guard lock(m_);
    unusable_ = std::move(why);
  }
  // Every save() fails with `error` ("" : succeeds again).
  void fail_with(std::string error) {
    std::lock_guard lock(m_);
    fail_with_ = std::move(error);
  }
  // save() waits (on the saving thread) until release(); wait_for_saves() waits until the
  // n-th save() has begun.
  void hold() {
    std::lock_guard lock(m_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(m_);
    held_ = false;
    released_.notify_all();
  }
  void wait_for_saves(std::size_t n) {
    std::unique_lock lock(m_);
    entered_.wait(lock, [&] { return saves_ >= n; });
  }

 private:
  mutable std::mutex m_;
  std::condition_variable entered_, released_;
  std::optional<journal::Journal> saved_;
  std::size_t saves_ = 0;
  std::string unusable_, fail_with_;
  bool held_ = false;
};

}  // namespace rasbroker::testing
