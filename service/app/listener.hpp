#pragma once
// Where clients connect: the seam between the service core and a platform's transport
// (a Unix socket on the Linux dev host, the named pipe on Windows). A listener is ready
// to accept once constructed; the core starts its accept loop, and closes it first thing
// when the service stops.
#include <stdexcept>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "app/admission.hpp"

namespace rasbroker::app {

// Thrown by a listener factory when another process already owns the endpoint's name
// (squatting): a start refused for it is its own event (events::Kind::pipe_squatted).
class EndpointSquatted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Listener {
 public:
  virtual ~Listener() = default;
  // Accepts clients until close(), handing each one to `admission`. On the io thread.
  virtual boost::asio::awaitable<void> accept_loop(Admission& admission) = 0;
  // Stops accepting (the endpoint goes away); connected sessions go on. Idempotent.
  virtual void close() = 0;
  // What clients connect to: a socket path, \\.\pipe\<name>.
  virtual const std::string& path() const = 0;
};

}  // namespace rasbroker::app
