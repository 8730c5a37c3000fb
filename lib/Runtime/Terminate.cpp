//===- Terminate.cpp - Whole-program mode when the program terminates ----===//
//
// A program can end in std::terminate rather than exit: an exception nothing
// catches (a second std::promise::set_value in a thread), or a joinable
// std::thread destroyed. libstdc++'s __cxa_throw and the inline destructor
// call std::terminate through the PLT, so the runtime interposes it and runs
// the at-exit check first, naming the terminating thread and the stack it
// terminates from; then the program ends as it would have. An uncaught
// exception has not been unwound at that point (the unwinder's search found
// no handler), so that stack still shows where it was thrown.
//
// In its own object file: a program linking the static archive pulls it in
// only when it needs std::terminate from somewhere.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <cstdlib>
#include <cxxabi.h>
#include <dlfcn.h>
#include <exception>
#include <typeinfo>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

/// "std::future_error: Promise already satisfied" for the exception being
/// handled, "" when there is none (std::terminate called directly).
std::string currentExceptionText() {
  std::exception_ptr Current = std::current_exception();
  if (!Current)
    return std::string();
  std::string Type = "exception of unknown type";
  if (const std::type_info *Info = abi::__cxa_current_exception_type()) {
    int Status = 0;
    char *Demangled = abi::__cxa_demangle(Info->name(), nullptr, nullptr, &Status);
    Type = Status == 0 && Demangled ? Demangled : Info->name();
    std::free(Demangled);
  }
  try {
    std::rethrow_exception(Current);
  } catch (const std::exception &E) {
    std::string What = E.what();
    // libstdc++'s future_error and system_error already start with the type.
    return What.compare(0, Type.size(), Type) == 0 ? What : Type + ": " + What;
  } catch (...) {
  }
  return Type;
}

} // namespace

namespace std {

CHANLEAK_EXPORT void terminate() noexcept {
  using TerminateFn = void (*)();
  static auto RealTerminate =
      reinterpret_cast<TerminateFn>(dlsym(RTLD_NEXT, "_ZSt9terminatev"));
  if (verifyAtExitEnabled()) {
    long Self = currentTid();
    std::unordered_map<long, CreationInfo> Creation = lookupCreations({Self});
    auto It = Creation.find(Self);
    LeakedThread Terminating =
        describeCapturedStack(LeakKind::Terminating, Self, captureCurrentStack(/*Skip=*/0),
                              It == Creation.end() ? nullptr : &It->second);
    Terminating.Exception = currentExceptionText();
    verifyAtExit(&Terminating);
  }
  if (RealTerminate)
    RealTerminate();
  std::abort();
}

} // namespace std
