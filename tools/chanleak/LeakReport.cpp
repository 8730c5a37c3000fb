//===- LeakReport.cpp - The runtime's leak report, read and symbolized ----===//

#include "LeakReport.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/DebugInfo/DWARF/DWARFCompileUnit.h"
#include "llvm/DebugInfo/DWARF/DWARFContext.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/DebugInfo/Symbolize/Symbolize.h"
#include "llvm/Support/MemoryBuffer.h"
#include <map>

namespace chanleak {

namespace json = llvm::json;

/// Addresses and offsets are hex strings ("0x7f12..."), too wide for JSON
/// numbers read as doubles.
static bool readHex(const json::Object &O, llvm::StringRef Key, uint64_t &Out,
                    json::Path P) {
  const json::Value *V = O.get(Key);
  if (!V)
    return true;
  std::optional<llvm::StringRef> Text = V->getAsString();
  if (!Text || !Text->starts_with("0x") ||
      Text->drop_front(2).getAsInteger(16, Out)) {
    P.field(Key).report("expected a hex string like \"0x1234\"");
    return false;
  }
  return true;
}

static std::string hex(uint64_t Value) {
  return "0x" + llvm::utohexstr(Value, /*LowerCase=*/true);
}

bool fromJSON(const json::Value &V, ReportFrame &F, json::Path P) {
  json::ObjectMapper O(V, P);
  const json::Object *Obj = V.getAsObject();
  return O && readHex(*Obj, "address", F.Address, P) &&
         readHex(*Obj, "offset", F.Offset, P) &&
         O.mapOptional("module", F.Module) &&
         O.mapOptional("function", F.Function) &&
         O.mapOptional("file", F.File) && O.mapOptional("line", F.Line) &&
         O.mapOptional("inlined", F.Inlined);
}

bool fromJSON(const json::Value &V, ReportThread &T, json::Path P) {
  json::ObjectMapper O(V, P);
  if (!(O && O.map("tid", T.Tid) && O.mapOptional("kind", T.Kind)))
    return false;
  if (!llvm::is_contained({"thread", "fiber", "terminating", "coroutine"}, T.Kind)) {
    P.field("kind").report(
        "expected \"thread\", \"fiber\", \"terminating\" or \"coroutine\"");
    return false;
  }
  if (!readHex(*V.getAsObject(), "coroutine-frame", T.CoroutineFrame, P))
    return false;
  return O.mapOptional("name", T.Name) &&
         O.mapOptional("state", T.State) &&
         O.mapOptional("state-text", T.StateText) &&
         O.mapOptional("wchan", T.WaitChannel) &&
         O.mapOptional("syscall", T.Syscall) &&
         O.mapOptional("syscall-name", T.SyscallName) &&
         O.mapOptional("api-state", T.ApiState) &&
         O.mapOptional("api-function", T.ApiFunction) &&
         O.mapOptional("test", T.Test) &&
         O.mapOptional("age-seconds", T.AgeSeconds) &&
         O.mapOptional("creator-tid", T.CreatorTid) &&
         O.mapOptional("creator-name", T.CreatorName) &&
         O.mapOptional("stack-complete", T.StackComplete) &&
         O.mapOptional("stack", T.Stack) &&
         O.mapOptional("creation-stack", T.CreationStack) &&
         O.mapOptional("exception", T.Exception);
}

bool fromJSON(const json::Value &V, LeakReport &R, json::Path P) {
  json::ObjectMapper O(V, P);
  int64_t Version = 0;
  if (!O || !O.map("chanleak-report", Version))
    return false;
  if (Version != 1) {
    P.field("chanleak-report")
        .report("unsupported report version (expected 1)");
    return false;
  }
  return O.mapOptional("pid", R.Pid) && O.mapOptional("program", R.Program) &&
         O.mapOptional("when", R.When) &&
         O.mapOptional("exit-would-hang", R.ExitWouldHang) &&
         O.mapOptional("exit-would-hang-reason", R.ExitWouldHangReason) &&
         O.map("threads", R.Threads);
}

json::Value toJSON(const ReportFrame &F) {
  json::Object O{{"address", hex(F.Address)},
                 {"module", F.Module},
                 {"offset", hex(F.Offset)}};
  if (!F.Function.empty())
    O["function"] = F.Function;
  if (!F.File.empty()) {
    O["file"] = F.File;
    O["line"] = F.Line;
  }
  if (!F.Function.empty() || !F.File.empty())
    O["inlined"] = F.Inlined;
  return O;
}

json::Value toJSON(const ReportThread &T) {
  return json::Object{{"kind", T.Kind},
                      {"tid", T.Tid},
                      {"name", T.Name},
                      {"state", T.State},
                      {"state-text", T.StateText},
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
                      {"stack", T.Stack},
                      {"creation-stack", T.CreationStack},
                      {"exception", T.Exception},
                      {"coroutine-frame", hex(T.CoroutineFrame)}};
}

json::Value toJSON(const LeakReport &R) {
  return json::Object{{"chanleak-report", 1},
                      {"pid", R.Pid},
                      {"program", R.Program},
                      {"when", R.When},
                      {"exit-would-hang", R.ExitWouldHang},
                      {"exit-would-hang-reason", R.ExitWouldHangReason},
                      {"threads", R.Threads}};
}

llvm::Expected<LeakReport> readLeakReport(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return llvm::createStringError(
        Buffer.getError(), "%s: cannot read the leak report: %s",
        Path.str().c_str(), Buffer.getError().message().c_str());
  auto Report = json::parse<LeakReport>((*Buffer)->getBuffer(), "report");
  if (!Report)
    return llvm::createStringError(
        std::errc::invalid_argument, "%s: malformed leak report: %s",
        Path.str().c_str(), llvm::toString(Report.takeError()).c_str());
  return Report;
}

/// Symbolizes Frames in place. The runtime records call sites (the return
/// address minus one for every frame but an interrupted one), so an offset is
/// looked up as it is.
static void symbolizeFrames(std::vector<ReportFrame> &Frames,
                            llvm::symbolize::LLVMSymbolizer &Symbolizer) {
  std::vector<ReportFrame> Out;
  for (const ReportFrame &Raw : Frames) {
    if (Raw.Module.empty() || !Raw.File.empty()) {
      Out.push_back(Raw);
      continue;
    }
    auto Inlining = Symbolizer.symbolizeInlinedCode(
        Raw.Module, {Raw.Offset, llvm::object::SectionedAddress::UndefSection});
    if (!Inlining) {
      llvm::consumeError(Inlining.takeError());
      Out.push_back(Raw);
      continue;
    }
    uint32_t Count = Inlining->getNumberOfFrames();
    if (Count == 0) {
      Out.push_back(Raw);
      continue;
    }
    for (uint32_t J = 0; J < Count; ++J) {
      const llvm::DILineInfo &Info = Inlining->getFrame(J);
      ReportFrame Frame = Raw;
      if (Info.FunctionName != llvm::DILineInfo::BadString)
        Frame.Function = Info.FunctionName;
      if (Info.FileName != llvm::DILineInfo::BadString && Info.Line) {
        Frame.File = Info.FileName;
        Frame.Line = Info.Line;
      }
      Frame.Inlined = J + 1 < Count;
      Out.push_back(std::move(Frame));
    }
  }
  Frames = std::move(Out);
}

namespace {

/// Where the functions of modules' code come from in the source: DWARF
/// line tables, each module opened once.
class FunctionSpans {
public:
  /// The lines of Function's file that the code of the function at Offset
  /// in Module covers; empty when the module has no line table for it.
  SourceSpan spanAt(const std::string &Module, uint64_t Offset) {
    llvm::DWARFContext *Context = contextFor(Module);
    if (!Context)
      return {};
    llvm::DWARFContext::DIEsForAddress DIEs = Context->getDIEsForAddress(Offset);
    if (!DIEs.CompileUnit || !DIEs.FunctionDIE)
      return {};
    const llvm::DWARFDebugLine::LineTable *Lines =
        Context->getLineTableForUnit(DIEs.CompileUnit);
    auto Ranges = DIEs.FunctionDIE.getAddressRanges();
    if (!Lines || !Ranges)
      return (void)llvm::consumeError(Ranges.takeError()), SourceSpan();
    auto FileOf = [&](const llvm::DWARFDebugLine::Row &R) {
      std::string File;
      Lines->getFileNameByIndex(R.File, DIEs.CompileUnit->getCompilationDir(),
                                llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath,
                                File);
      return File;
    };
    SourceSpan Span;
    // Where the function is written; GCC's coroutine actor has no
    // declaration of its own, but its first instruction is on its first line.
    Span.File = DIEs.FunctionDIE.getDeclFile(
        llvm::DILineInfoSpecifier::FileLineInfoKind::AbsoluteFilePath);
    if (Span.File.empty() && !Ranges->empty()) {
      uint32_t Entry = Lines->lookupAddress(
          {Ranges->front().LowPC, Ranges->front().SectionIndex});
      if (Entry != Lines->UnknownRowIndex)
        Span.File = FileOf(Lines->Rows[Entry]);
    }
    for (const llvm::DWARFAddressRange &Range : *Ranges) {
      std::vector<uint32_t> Rows;
      Lines->lookupAddressRange({Range.LowPC, Range.SectionIndex},
                                Range.HighPC - Range.LowPC, Rows);
      for (uint32_t Row : Rows) {
        const llvm::DWARFDebugLine::Row &R = Lines->Rows[Row];
        if (!R.Line || FileOf(R) != Span.File)
          continue; // inlined code from elsewhere
        Span.FirstLine = Span.FirstLine ? std::min<int64_t>(Span.FirstLine, R.Line) : R.Line;
        Span.LastLine = std::max<int64_t>(Span.LastLine, R.Line);
      }
    }
    return Span;
  }

private:
  llvm::DWARFContext *contextFor(const std::string &Module) {
    auto [It, New] = Contexts.try_emplace(Module);
    if (New) {
      auto Binary = llvm::object::ObjectFile::createObjectFile(Module);
      if (!Binary) {
        llvm::consumeError(Binary.takeError());
        return nullptr;
      }
      It->second.Context = llvm::DWARFContext::create(*Binary->getBinary());
      It->second.Binary = std::move(*Binary);
    }
    return It->second.Context.get();
  }

  struct Opened {
    llvm::object::OwningBinary<llvm::object::ObjectFile> Binary;
    std::unique_ptr<llvm::DWARFContext> Context;
  };
  std::map<std::string, Opened> Contexts;
};

} // namespace

void symbolizeReport(LeakReport &Report) {
  llvm::symbolize::LLVMSymbolizer::Options Opts;
  Opts.Demangle = true;
  Opts.RelativeAddresses = false;
  llvm::symbolize::LLVMSymbolizer Symbolizer(Opts);
  FunctionSpans Spans;
  for (ReportThread &Thread : Report.Threads) {
    if (Thread.Kind == "coroutine" && !Thread.Stack.empty() &&
        !Thread.Stack.front().Module.empty())
      Thread.CoroutineBody =
          Spans.spanAt(Thread.Stack.front().Module, Thread.Stack.front().Offset);
    symbolizeFrames(Thread.Stack, Symbolizer);
    symbolizeFrames(Thread.CreationStack, Symbolizer);
  }
}

void nameApiStates(LeakReport &Report, const ApiStateTable &Table) {
  // The outermost match names the operation the user's code called: a
  // channel's push parks in Boost's scheduler on a std::condition_variable,
  // and ~jthread in std::thread::join, deeper down.
  for (ReportThread &Thread : Report.Threads)
    for (const ReportFrame &Frame : llvm::reverse(Thread.Stack)) {
      auto It = Table.find(modelFunctionName(Frame.Function));
      if (It == Table.end())
        continue;
      Thread.ApiState = It->second;
      Thread.ApiFunction = It->first;
      break;
    }
}

} // namespace chanleak
