#pragma once
// Scoped Win32 handles: one owning type, ScopedHandle<Traits>, and one Traits per way
// Windows frees a thing — CloseHandle (kernel objects), CloseServiceHandle (the SCM and
// its services), RegCloseKey (registry keys), LocalFree (what the Win32 API allocates for
// the caller: SIDs, SDDL strings, security descriptors, CommandLineToArgvW's array,
// FormatMessage's buffer), CoTaskMemFree (shell and COM strings), DeregisterEventSource
// (Event Log sources) and LsaFreeReturnBuffer (what the LSA returns to the caller). The
// project's only calls of those functions are here: whatever a caller does, including
// throwing, the thing is freed once.
#ifdef _WIN32
#include <windows.h>
#include <objbase.h>
#include <ntsecapi.h>

#include <utility>

namespace rasbroker {

// Owns one handle and frees it with Traits::close on scope exit. Move-only. Traits give
//   pointer                 the handle's type,
//   static pointer none()   the value meaning "no handle",
//   static bool valid(p)    whether p must be freed,
//   static bool close(p)    frees p; false when the system reports a failure.
template <typename Traits>
class ScopedHandle {
 public:
  using pointer = typename Traits::pointer;

  ScopedHandle() noexcept = default;
  explicit ScopedHandle(pointer h) noexcept : h_(h) {}
  ScopedHandle(ScopedHandle&& o) noexcept : h_(o.release()) {}
  ScopedHandle& operator=(ScopedHandle&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
  }
  ScopedHandle(const ScopedHandle&) = delete;
  ScopedHandle& operator=(const ScopedHandle&) = delete;
  ~ScopedHandle() { reset(); }

  pointer get() const noexcept { return h_; }
  explicit operator bool() const noexcept { return Traits::valid(h_); }

  // Gives the handle up without freeing it.
  pointer release() noexcept { return std::exchange(h_, Traits::none()); }

  // Frees the current handle (if any) and owns `h` instead.
  void reset(pointer h = Traits::none()) noexcept {
    const pointer old = std::exchange(h_, h);
    if (Traits::valid(old)) Traits::close(old);
  }

  // Frees the handle now and says whether that worked: closing a written file is where
  // a failed flush shows. True when there was nothing to free.
  bool close() noexcept {
    const pointer old = release();
    return !Traits::valid(old) || Traits::close(old);
  }

  // For an out-parameter (`ConvertStringSidToSidW(text, sid.out())`): frees the current
  // handle, then lets the call store a new one.
  pointer* out() noexcept {
    reset();
    return &h_;
  }

 private:
  pointer h_ = Traits::none();
};

// Kernel objects: files, pipes, events, tokens, processes. Functions disagree on what
// "no handle" is (CreateFile: INVALID_HANDLE_VALUE, CreateEvent: null), so both are.
struct KernelHandleTraits {
  using pointer = HANDLE;
  static pointer none() noexcept { return INVALID_HANDLE_VALUE; }
  static bool valid(pointer h) noexcept { return h != nullptr && h != INVALID_HANDLE_VALUE; }
  static bool close(pointer h) noexcept { return CloseHandle(h) != 0; }
};

// The Service Control Manager and its services (OpenSCManager, OpenService).
struct ServiceHandleTraits {
  using pointer = SC_HANDLE;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer h) noexcept { return h != nullptr; }
  static bool close(pointer h) noexcept { return CloseServiceHandle(h) != 0; }
};

// Registry keys (RegOpenKeyEx, RegCreateKeyEx). Never a predefined key (HKEY_LOCAL_MACHINE):
// those are not closed.
struct RegistryKeyTraits {
  using pointer = HKEY;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer h) noexcept { return h != nullptr; }
  static bool close(pointer h) noexcept { return RegCloseKey(h) == ERROR_SUCCESS; }
};

// Memory the Win32 API allocated with LocalAlloc for the caller, seen as a T*.
template <typename T>
struct LocalMemoryTraits {
  using pointer = T*;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer p) noexcept { return p != nullptr; }
  static bool close(pointer p) noexcept { return LocalFree(const_cast<void*>(static_cast<const void*>(p))) == nullptr; }
};

// Memory the shell or COM allocated with CoTaskMemAlloc for the caller, seen as a T*.
template <typename T>
struct CoTaskMemoryTraits {
  using pointer = T*;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer p) noexcept { return p != nullptr; }
  static bool close(pointer p) noexcept {
    CoTaskMemFree(const_cast<void*>(static_cast<const void*>(p)));
    return true;  // CoTaskMemFree reports nothing
  }
};

// What the LSA allocated for the caller (LsaGetLogonSessionData's answer), seen as a T*.
template <typename T>
struct LsaReturnBufferTraits {
  using pointer = T*;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer p) noexcept { return p != nullptr; }
  static bool close(pointer p) noexcept { return LsaFreeReturnBuffer(p) == 0; }  // STATUS_SUCCESS
};

// An Event Log source opened for writing (RegisterEventSource).
struct EventSourceTraits {
  using pointer = HANDLE;
  static pointer none() noexcept { return nullptr; }
  static bool valid(pointer h) noexcept { return h != nullptr; }
  static bool close(pointer h) noexcept { return DeregisterEventSource(h) != 0; }
};

using UniqueHandle = ScopedHandle<KernelHandleTraits>;
using EventSourceHandle = ScopedHandle<EventSourceTraits>;
using ServiceHandle = ScopedHandle<ServiceHandleTraits>;
using RegistryKey = ScopedHandle<RegistryKeyTraits>;
// e.g. LocalPtr<wchar_t> (an SDDL string), LocalPtr<void> (a SID or security descriptor)
template <typename T>
using LocalPtr = ScopedHandle<LocalMemoryTraits<T>>;
template <typename T>
using CoTaskMemPtr = ScopedHandle<CoTaskMemoryTraits<T>>;
template <typename T>
using LsaBuffer = ScopedHandle<LsaReturnBufferTraits<T>>;

}  // namespace rasbroker
#endif
