//===- Verify.cpp - Static findings against a runtime leak report ---------===//

#include "Verify.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

namespace chanleak {

namespace json = llvm::json;

static constexpr llvm::StringLiteral RuntimeLeakRule = "chanleak-runtime-leak";

unsigned VerifyResult::confirmedCount() const {
  return llvm::count_if(Verdicts,
                        [](const FindingVerdict &V) { return V.Thread; });
}

namespace {

/// Real paths, resolved once each; a path that does not exist (a report
/// from another machine) is compared as written, made absolute.
class PathResolver {
public:
  llvm::StringRef resolve(llvm::StringRef Path) {
    auto [It, New] = Cache.try_emplace(Path);
    if (New) {
      llvm::SmallString<256> Real;
      if (llvm::sys::fs::real_path(Path, Real)) {
        Real = Path;
        llvm::sys::fs::make_absolute(Real);
        llvm::sys::path::remove_dots(Real, /*remove_dot_dot=*/true);
      }
      It->second = std::string(Real);
    }
    return It->second;
  }

  bool same(llvm::StringRef A, llvm::StringRef B) {
    return !A.empty() && !B.empty() && resolve(A) == resolve(B);
  }

private:
  llvm::StringMap<std::string> Cache;
};

bool anyFrameAt(const std::vector<ReportFrame> &Frames,
                const SarifLocation &Location, PathResolver &Paths) {
  return Location.Line && llvm::any_of(Frames, [&](const ReportFrame &F) {
           return F.Line == Location.Line && Paths.same(F.File, Location.File);
         });
}

/// A coroutine that never finished stands for the operation it waits on when
/// that operation is in its body: the runtime sees the frame, not at which of
/// the body's suspension points it waits.
bool inCoroutineBody(const ReportThread &Coroutine, const SarifLocation &Location,
                     PathResolver &Paths) {
  return Coroutine.CoroutineBody.contains(Location.Line) &&
         Paths.same(Coroutine.CoroutineBody.File, Location.File);
}

/// Headers and sources of the system and its libraries, not the user's.
bool isSystemFile(llvm::StringRef File) {
  return File.starts_with("/usr/include/") || File.starts_with("/usr/lib/") ||
         File.starts_with("/usr/local/include/") || File.starts_with("/lib/") ||
         File.starts_with("./") || File.contains("/include/c++/");
}

/// The frame that best shows where a thread is in the user's code: the
/// innermost with a file outside the system's, else the innermost with one.
const ReportFrame *userFrame(const std::vector<ReportFrame> &Frames) {
  for (const ReportFrame &F : Frames)
    if (!F.File.empty() && !isSystemFile(F.File))
      return &F;
  for (const ReportFrame &F : Frames)
    if (!F.File.empty())
      return &F;
  return nullptr;
}

std::string hexAddress(uint64_t Address) {
  return "0x" + llvm::utohexstr(Address, /*LowerCase=*/true);
}

/// How the summary's table names an entry: a thread id, or "coro".
std::string entryId(const ReportThread &Entry) {
  return Entry.Kind == "coroutine" ? "coro" : std::to_string(Entry.Tid);
}

/// "thread 12", "fiber on thread 12", "coroutine at 0x7f..".
std::string entryTitle(const ReportThread &Entry) {
  if (Entry.Kind == "coroutine")
    return "coroutine at " + hexAddress(Entry.CoroutineFrame);
  return (Entry.Kind == "fiber" ? "fiber on thread " : "thread ") + std::to_string(Entry.Tid);
}

std::string describeState(const ReportThread &Thread) {
  if (Thread.Kind == "terminating")
    return "terminated the program: uncaught " + Thread.Exception;
  if (Thread.Kind == "fiber")
    return "fiber, " + (Thread.ApiState.empty() ? "parked" : Thread.ApiState);
  if (Thread.Kind == "coroutine")
    return "coroutine suspended, never finished";
  if (!Thread.ApiState.empty())
    return Thread.ApiState;
  if (!Thread.SyscallName.empty())
    return "in " + Thread.SyscallName;
  if (!Thread.StateText.empty())
    return Thread.StateText;
  return Thread.State.empty() ? "state unknown" : "state " + Thread.State;
}

/// Path relative to the working directory when it is below it.
std::string displayPath(llvm::StringRef Path) {
  llvm::SmallString<256> Cwd;
  if (!llvm::sys::fs::current_path(Cwd)) {
    Cwd += "/";
    if (Path.starts_with(Cwd))
      return Path.drop_front(Cwd.size()).str();
  }
  return Path.str();
}

std::string displayFrame(const ReportFrame *F) {
  if (!F)
    return "(no symbolized frame)";
  return llvm::formatv("{0}:{1}", displayPath(F->File), F->Line).str();
}

} // namespace

VerifyResult matchFindings(const std::vector<SarifFinding> &Findings,
                           const LeakReport &Report) {
  PathResolver Paths;
  VerifyResult Result;
  std::vector<bool> Explained(Report.Threads.size(), false);
  for (const SarifFinding &Finding : Findings) {
    FindingVerdict Verdict;
    Verdict.Finding = &Finding;
    // A thread blocked at the finding's operation beats one merely spawned
    // at one of its notes.
    for (size_t I = 0; I < Report.Threads.size(); ++I) {
      const ReportThread &Thread = Report.Threads[I];
      bool Blocked = Thread.Kind == "coroutine"
                         ? inCoroutineBody(Thread, Finding.Primary, Paths)
                         : anyFrameAt(Thread.Stack, Finding.Primary, Paths);
      // A worker started and never stopped is reported at its start.
      bool Spawned = anyFrameAt(Thread.CreationStack, Finding.Primary, Paths) ||
                     llvm::any_of(Finding.Related, [&](const SarifLocation &L) {
                       return anyFrameAt(Thread.CreationStack, L, Paths);
                     });
      if (!Blocked && !Spawned)
        continue;
      Explained[I] = true;
      if (!Verdict.Thread || (Blocked && !Verdict.ByBlockedFrame)) {
        Verdict.Thread = &Thread;
        Verdict.ByBlockedFrame = Blocked;
      }
    }
    Result.Verdicts.push_back(Verdict);
  }
  for (size_t I = 0; I < Report.Threads.size(); ++I)
    if (!Explained[I])
      Result.Missed.push_back(&Report.Threads[I]);
  return Result;
}

/// The rule of the threads the static checks missed, documented with the tool.
static json::Object runtimeLeakRule(const SarifToolInfo &Tool) {
  llvm::SmallString<256> Doc(Tool.DocsDir);
  llvm::sys::path::append(Doc, "chanleak-tool.md");
  return json::Object{{"id", RuntimeLeakRule}, {"helpUri", fileUri(Doc)}};
}

static json::Object missedResult(const ReportThread &Thread,
                                 const LeakReport &Report) {
  const ReportFrame *Blocked = userFrame(Thread.Stack);
  const ReportFrame *Created = userFrame(Thread.CreationStack);
  const char *Verb =
      Thread.Kind == "terminating" ? "ended the program" : "is still blocked at exit";
  std::string Message =
      llvm::formatv("{0} ({1}) {2}: {3}{4}", entryTitle(Thread), Thread.Name,
                    Verb, describeState(Thread),
                    Thread.ApiFunction.empty() ? ""
                                               : " in " + Thread.ApiFunction)
          .str();
  json::Object Location =
      Blocked ? physicalLocation(Blocked->File, Blocked->Line, 0)
              : json::Object{
                    {"physicalLocation",
                     json::Object{
                         {"artifactLocation",
                          json::Object{{"uri", fileUri(Report.Program)}}}}}};
  json::Object Result{
      {"ruleId", RuntimeLeakRule},
      {"level", "warning"},
      {"message", json::Object{{"text", Message}}},
      {"locations", json::Array{std::move(Location)}},
      {"properties", json::Object{{"chanleak/tid", Thread.Tid},
                                  {"chanleak/api-state", Thread.ApiState}}}};
  if (Created) {
    json::Object Spawn = physicalLocation(Created->File, Created->Line, 0);
    Spawn["id"] = 0;
    Spawn["message"] = json::Object{
        {"text", llvm::formatv("thread spawned here, by thread {0} ({1})",
                               Thread.CreatorTid, Thread.CreatorName)
                     .str()}};
    Result["relatedLocations"] = json::Array{std::move(Spawn)};
  }
  return Result;
}

void annotateSarif(json::Value &Log, const VerifyResult &Result,
                   const LeakReport &Report, const SarifToolInfo &Tool) {
  // readSarifFindings has checked the shape this walks.
  json::Array &Runs = *Log.getAsObject()->getArray("runs");
  for (const FindingVerdict &Verdict : Result.Verdicts) {
    json::Object &Run = *Runs[Verdict.Finding->Run].getAsObject();
    json::Object &Res =
        *(*Run.getArray("results"))[Verdict.Finding->Result].getAsObject();
    if (!Res.getObject("properties"))
      Res["properties"] = json::Object{};
    json::Object &Props = *Res.getObject("properties");
    Props["chanleak/verified"] =
        Verdict.Thread ? "confirmed" : "not-reproduced";
    if (Verdict.Thread) {
      Props["chanleak/tid"] = Verdict.Thread->Tid;
      Props["chanleak/api-state"] = Verdict.Thread->ApiState;
      Props["chanleak/matched-by"] =
          Verdict.Thread->Kind == "coroutine" ? "coroutine-body"
          : Verdict.ByBlockedFrame            ? "blocked-frame"
                                              : "creation-stack";
    }
  }
  if (Result.Missed.empty())
    return;
  if (Runs.empty())
    Runs.push_back(json::Object{
        {"tool",
         json::Object{{"driver", json::Object{{"name", "chanleak"}}}}}});
  json::Object &Run = *Runs.front().getAsObject();
  if (!Run.getObject("tool"))
    Run["tool"] = json::Object{{"driver", json::Object{{"name", "chanleak"}}}};
  json::Object &Tool0 = *Run.getObject("tool");
  if (!Tool0.getObject("driver"))
    Tool0["driver"] = json::Object{{"name", "chanleak"}};
  json::Object &Driver = *Tool0.getObject("driver");
  if (!Driver.getArray("rules"))
    Driver["rules"] = json::Array{};
  json::Array &Rules = *Driver.getArray("rules");
  if (llvm::none_of(Rules, [](const json::Value &R) {
        const json::Object *O = R.getAsObject();
        return O && O->getString("id") == RuntimeLeakRule;
      }))
    Rules.push_back(runtimeLeakRule(Tool));
  if (!Run.getArray("results"))
    Run["results"] = json::Array{};
  json::Array &Results = *Run.getArray("results");
  for (const ReportThread *Thread : Result.Missed)
    Results.push_back(missedResult(*Thread, Report));
}

void printSummary(const VerifyResult &Result, const LeakReport &Report,
                  llvm::raw_ostream &OS) {
  unsigned Confirmed = Result.confirmedCount();
  OS << llvm::formatv("chanleak verify: {0} finding(s): {1} confirmed, {2} not "
                      "reproduced; {3} leaked thread(s), {4} missed by static "
                      "analysis\n",
                      Result.Verdicts.size(), Confirmed,
                      Result.Verdicts.size() - Confirmed, Report.Threads.size(),
                      Result.Missed.size());
  if (Report.ExitWouldHang)
    OS << "note: the program's exit would hang: " << Report.ExitWouldHangReason
       << "\n";
  if (!Result.Verdicts.empty()) {
    const char *Row = "{0,-30} {1,-44} {2,-14} {3,-8} {4}\n";
    OS << llvm::formatv(Row, "finding", "location", "verdict", "thread",
                        "api state");
    for (const FindingVerdict &V : Result.Verdicts) {
      const SarifFinding &F = *V.Finding;
      std::string Location =
          llvm::formatv("{0}:{1}", displayPath(F.Primary.File), F.Primary.Line)
              .str();
      OS << llvm::formatv(Row, F.RuleId, Location,
                          V.Thread ? "confirmed" : "not-reproduced",
                          V.Thread ? entryId(*V.Thread) : "-",
                          V.Thread ? describeState(*V.Thread) : "-");
    }
  }
  if (Result.Missed.empty())
    return;
  OS << "missed by static analysis:\n";
  for (const ReportThread *Thread : Result.Missed)
    OS << llvm::formatv("  {0} ({1}): {2} at {3}, created at {4}\n",
                        entryTitle(*Thread), Thread->Name, describeState(*Thread),
                        displayFrame(userFrame(Thread->Stack)),
                        displayFrame(userFrame(Thread->CreationStack)));
}

} // namespace chanleak
