#pragma once
// Where clients connect: the seam between the service core and a platform's transport
// (a Unix socket on the Linux dev host, the named pipe on Windows). A listener is ready
// to accept once constructed; the core starts its accept loop, and closes it first thing
// when the service stops.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "app/admission.hpp"

namespace rasbroker::app {

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
