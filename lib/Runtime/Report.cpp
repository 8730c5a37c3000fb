//===- Report.cpp - The text and JSON reports ----------------------------===//
#include "RuntimeInternal.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

std::string quoted(const std::string &S) { return "\"" + S + "\""; }

/// "function  file:line", or "0x.. (module+0x..)" when not symbolized.
void appendFrames(std::string &Out, const std::vector<Frame> &Frames) {
  for (std::size_t I = 0; I < Frames.size(); ++I) {
    const Frame &F = Frames[I];
    Out += "  #" + std::to_string(I) + " ";
    if (!F.Function.empty())
      Out += F.Function;
    else
      Out += hexString(F.Address);
    if (!F.File.empty())
      Out += "  " + F.File + ":" + std::to_string(F.Line);
    else if (!F.Module.empty())
      Out += "  (" + F.Module + "+" + hexString(F.Offset) + ")";
    Out += "\n";
  }
}

/// What the thread is doing, in the kernel's words: "futex wait", "poll"...
std::string kernelActivity(const LeakedThread &T) {
  if (T.SyscallName == "futex")
    return "futex wait";
  if (!T.SyscallName.empty())
    return T.SyscallName;
  if (T.Syscall >= 0)
    return "syscall " + std::to_string(T.Syscall);
  return T.KernelStateText;
}

std::string age(double Seconds) {
  char Buffer[32];
  std::snprintf(Buffer, sizeof(Buffer), Seconds < 10 ? "%.1fs" : "%.0fs", Seconds);
  return Buffer;
}

const char *kindName(LeakKind Kind) {
  switch (Kind) {
  case LeakKind::Thread: return "thread";
  case LeakKind::Fiber: return "fiber";
  case LeakKind::Terminating: return "terminating";
  case LeakKind::Coroutine: return "coroutine";
  }
  return "thread";
}

/// "2 leaked threads, 1 parked fiber, 1 terminating thread", zero counts left
/// out (but for threads when everything is zero).
std::string countSummary(const std::vector<LeakedThread> &Threads) {
  auto Count = [&](LeakKind Kind) {
    return std::count_if(Threads.begin(), Threads.end(),
                         [&](const LeakedThread &T) { return T.Kind == Kind; });
  };
  auto Phrase = [](long N, const char *Noun) {
    return std::to_string(N) + " " + Noun + (N == 1 ? "" : "s");
  };
  long Leaked = Count(LeakKind::Thread), Fibers = Count(LeakKind::Fiber),
       Terminating = Count(LeakKind::Terminating), Coroutines = Count(LeakKind::Coroutine);
  std::string Out;
  if (Leaked || Threads.empty())
    Out = Phrase(Leaked, "leaked thread");
  if (Fibers)
    Out += (Out.empty() ? "" : ", ") + Phrase(Fibers, "parked fiber");
  if (Terminating)
    Out += (Out.empty() ? "" : ", ") + Phrase(Terminating, "terminating thread");
  if (Coroutines)
    Out += (Out.empty() ? "" : ", ") + Phrase(Coroutines, "unfinished coroutine");
  return Out;
}

/// The entry's first line: what it is and, between brackets, what it does.
std::string heading(const LeakedThread &T) {
  if (T.Kind == LeakKind::Coroutine)
    return "coroutine " + quoted(T.Name) + " [suspended, never finished]  (frame " +
           hexString(T.CoroutineFrame) + ")\n";
  std::vector<std::string> Summary;
  if (T.Kind == LeakKind::Terminating)
    Summary.push_back(T.Exception.empty() ? "terminating: std::terminate called directly"
                                          : "terminating: uncaught " + T.Exception);
  if (!T.ApiState.empty())
    Summary.push_back(T.ApiState);
  Summary.push_back(age(T.AgeSeconds));
  if (T.Kind == LeakKind::Thread)
    Summary.push_back(kernelActivity(T));
  std::string Joined;
  for (const std::string &Part : Summary)
    Joined += (Joined.empty() ? "" : ", ") + Part;
  std::string Out = T.Kind == LeakKind::Fiber ? "fiber on thread " : "thread ";
  Out += std::to_string(T.Tid) + " " + quoted(T.Name) + " [" + Joined + "]";
  if (T.Kind == LeakKind::Thread) {
    Out += "  (state " + std::string(1, T.KernelState) + " " + T.KernelStateText;
    if (!T.WaitChannel.empty())
      Out += ", wchan " + T.WaitChannel;
    Out += ")";
  }
  return Out + "\n";
}

nlohmann::json frameJson(const Frame &F) {
  nlohmann::json J = {{"address", hexString(F.Address)}, {"module", F.Module},
                      {"offset", hexString(F.Offset)}};
  if (!F.Function.empty() || !F.File.empty()) {
    J["function"] = F.Function;
    J["file"] = F.File;
    J["line"] = F.Line;
    J["inlined"] = F.Inlined;
  }
  return J;
}

nlohmann::json framesJson(const std::vector<Frame> &Frames) {
  nlohmann::json J = nlohmann::json::array();
  for (const Frame &F : Frames)
    J.push_back(frameJson(F));
  return J;
}

} // namespace

namespace chanleak {

std::string FormatReport(const std::vector<LeakedThread> &Threads) {
  std::string Out = "chanleak: found " + countSummary(Threads) + "\n";
  for (const LeakedThread &T : Threads) {
    Out += "\n" + heading(T);
    if (T.Kind == LeakKind::Coroutine) {
      appendFrames(Out, T.Stack);
      continue; // on no thread's stack, created by nobody the runtime saw
    }
    if (T.Kind == LeakKind::Terminating)
      Out += T.Exception.empty() ? "  terminating in:\n" : "  threw at:\n";
    else if (!T.ApiFunction.empty())
      Out += "  blocked in " + T.ApiFunction + "\n";
    appendFrames(Out, T.Stack);
    if (!T.StackComplete && failsWithEintr(T.Syscall))
      Out += "  (stack not sampled: the signal would make its " + kernelActivity(T) +
             " fail with EINTR; CHANLEAK_SAMPLE_ALL=1 samples it anyway)\n";
    else if (!T.StackComplete)
      Out += "  (stack not available: the thread did not answer the stack signal in time)\n";
    if (T.CreatorTid == 0 && T.Tid == static_cast<long>(getpid())) {
      Out += "the program's main thread\n";
      continue;
    }
    if (T.CreatorTid == 0) {
      Out += "created before chanleak was loaded (no creation stack)\n";
      continue;
    }
    Out += "created by thread " + std::to_string(T.CreatorTid) + " " + quoted(T.CreatorName);
    if (!T.Test.empty())
      Out += " (test " + T.Test + ")";
    Out += " at:\n";
    appendFrames(Out, T.CreationStack);
  }
  return Out;
}

std::string FormatJsonReport(const std::vector<LeakedThread> &Threads) {
  return rt::formatJson(Threads, "find", "");
}

namespace rt {

std::string formatJson(const std::vector<LeakedThread> &Threads, const char *When,
                       const std::string &HangReason) {
  nlohmann::json Report = {{"chanleak-report", 1},
                           {"pid", static_cast<long>(getpid())},
                           {"program", executablePath()},
                           {"when", When},
                           {"exit-would-hang", !HangReason.empty()},
                           {"exit-would-hang-reason", HangReason},
                           {"threads", nlohmann::json::array()}};
  for (const LeakedThread &T : Threads) {
    Report["threads"].push_back({
        {"kind", kindName(T.Kind)},
        {"tid", T.Tid},
        {"name", T.Name},
        {"state", std::string(1, T.KernelState)},
        {"state-text", T.KernelStateText},
        {"wchan", T.WaitChannel},
        {"syscall", T.Syscall},
        {"syscall-name", T.SyscallName},
        {"api-state", T.ApiState},
        {"api-function", T.ApiFunction},
        {"test", T.Test},
        {"age-seconds", T.AgeSeconds},
        {"creator-tid", T.CreatorTid},
        {"creator-name", T.CreatorName},
        {"stack-complete", T.StackComplete},
        {"stack", framesJson(T.Stack)},
        {"creation-stack", framesJson(T.CreationStack)},
        {"exception", T.Exception},
        {"coroutine-frame", hexString(T.CoroutineFrame)},
    });
  }
  // Names and paths are bytes, not always UTF-8: replace, never throw.
  return Report.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace rt
} // namespace chanleak
