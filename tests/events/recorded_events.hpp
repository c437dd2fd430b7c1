#pragma once
// A fake for the admin events seam (events::EventWriter): records every event, from any
// thread, for the test to read. The Event Log itself is not read back (Wine's cannot be).
#include <memory>
#include <mutex>
#include <vector>

#include "events/admin_events.hpp"

namespace rasbroker::events::test {

class RecordedEvents {
 public:
  // The writer to give to AdminEvents; it outlives this object safely.
  EventWriter writer() const {
    return [state = state_](const Event& e) {
      std::lock_guard lock(state->m);
      state->events.push_back(e);
    };
  }
  AdminEvents admin_events() const { return AdminEvents(writer()); }

  std::vector<Event> all() const {
    std::lock_guard lock(state_->m);
    return state_->events;
  }
  std::vector<Event> of(Kind kind) const {
    std::vector<Event> out;
    for (auto& e : all())
      if (e.kind == kind) out.push_back(e);
    return out;
  }

 private:
  struct State {
    std::mutex m;
    std::vector<Event> events;
  };
  std::shared_ptr<State> state_ = std::make_shared<State>();
};

}  // namespace rasbroker::events::test
