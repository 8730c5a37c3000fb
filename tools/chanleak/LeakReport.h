//===- LeakReport.h - The runtime's leak report, read and symbolized -*- C++
//-*-===//
//
// libchanleak-rt writes a JSON report ("chanleak-report": 1) of the threads
// still alive at exit, with raw frames (module + offset). This reads it with
// llvm::json, symbolizes the raw frames with LLVM's DebugInfo/Symbolize
// (inlined frames included) and names API states with the shared model.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TOOLS_LEAKREPORT_H
#define CHANLEAK_TOOLS_LEAKREPORT_H

#include "ApiStates.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <cstdint>
#include <string>
#include <vector>

namespace chanleak {

struct ReportFrame {
  uint64_t Address = 0;
  std::string Module;
  uint64_t Offset = 0;
  std::string Function; ///< demangled; empty when unknown
  std::string File;     ///< empty when unknown
  int64_t Line = 0;
  bool Inlined = false;
};

/// The source lines a coroutine's body covers (its resume function's code).
struct SourceSpan {
  std::string File;
  int64_t FirstLine = 0, LastLine = 0;
  bool contains(int64_t Line) const {
    return FirstLine && FirstLine <= Line && Line <= LastLine;
  }
};

struct ReportThread {
  /// "thread", "fiber" (parked forever; Tid hosts it), "terminating" (its
  /// uncaught exception ended the program; Stack is where it threw) or
  /// "coroutine" (started and never finished; Stack names its resume
  /// function, Tid is 0).
  std::string Kind = "thread";
  int64_t Tid = 0;
  std::string Name;
  std::string State, StateText, WaitChannel, SyscallName;
  int64_t Syscall = -1;
  std::string ApiState, ApiFunction;
  std::string Test;
  double AgeSeconds = 0;
  int64_t CreatorTid = 0;
  std::string CreatorName;
  bool StackComplete = false;
  std::vector<ReportFrame> Stack;         ///< innermost first
  std::vector<ReportFrame> CreationStack; ///< pthread_create's caller first
  std::string Exception;                  ///< terminating only: "type: what()"
  uint64_t CoroutineFrame = 0;            ///< coroutine only: its frame
  SourceSpan CoroutineBody;               ///< coroutine only, once symbolized
};

struct LeakReport {
  int64_t Pid = 0;
  std::string Program;
  std::string When;
  bool ExitWouldHang = false;
  std::string ExitWouldHangReason;
  std::vector<ReportThread> Threads;
};

bool fromJSON(const llvm::json::Value &V, ReportFrame &F, llvm::json::Path P);
bool fromJSON(const llvm::json::Value &V, ReportThread &T, llvm::json::Path P);
bool fromJSON(const llvm::json::Value &V, LeakReport &R, llvm::json::Path P);
llvm::json::Value toJSON(const ReportFrame &F);
llvm::json::Value toJSON(const ReportThread &T);
llvm::json::Value toJSON(const LeakReport &R);

/// Reads a report file; errors name the file and what is wrong in it.
llvm::Expected<LeakReport> readLeakReport(llvm::StringRef Path);

/// Replaces each frame that has a module but no file:line by its symbolized
/// frames (the inlined ones first). Frames that cannot be symbolized stay raw.
void symbolizeReport(LeakReport &Report);

/// Sets each thread's API state from its outermost frame whose function is in
/// Table; threads with no matching frame keep what the runtime said.
void nameApiStates(LeakReport &Report, const ApiStateTable &Table);

} // namespace chanleak

#endif
