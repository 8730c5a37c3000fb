//===- ModelFile.cpp - User models in YAML --------------------------------===//
//
// Reads a model file (format: docs/model.md) with LLVM's YAML I/O. The file is
// mapped onto plain "entry" structs by yaml::MappingTraits, checked, and then
// converted into an ApiModel. Every problem -- a YAML syntax error, an unknown
// key, an unknown op name, a scalar of the wrong type, a missing name -- is
// reported by yaml::Input against the node it concerns; the first such
// diagnostic becomes the single llvm::Error returned, formatted as
// "<BufferName>:<line>:<col>: <message>".
//
//===----------------------------------------------------------------------===//

#include "chanleak/Model/ModelFile.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Errc.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/YAMLTraits.h"
#include "llvm/Support/raw_ostream.h"
#include <map>
#include <vector>

using namespace chanleak;

namespace {

/// Shared state of one parse, reached through IO::getContext().
struct ParseContext {
  /// Backing store for messages returned from ScalarTraits::input, which must
  /// outlive the call (yaml::Input copies the message right after).
  std::string ScalarError;
  llvm::StringSet<> SeenChannels, SeenSpawners, SeenWorkers, SeenWorkGuards, SeenFunctions;
};

ParseContext &contextOf(llvm::yaml::IO &IO) {
  return *static_cast<ParseContext *>(IO.getContext());
}

std::string opNameList() {
  std::string List;
  for (int I = 0; I <= static_cast<int>(LastOpKind); ++I) {
    if (I)
      List += ", ";
    List += opKindName(static_cast<OpKind>(I)).str();
  }
  return List;
}

/// `capacity-zero` accepts only the two kinds a zero argument can mean.
struct ZeroCapacity {
  CapacityKind Kind = CapacityKind::Rendezvous;
};

/// A flow or block list of method names.
struct NameList {
  std::vector<std::string> Names;
  // yaml::IO::mapOptional tests emptiness through begin()/end().
  auto begin() const { return Names.begin(); }
  auto end() const { return Names.end(); }
};

/// `ops:` -- method name to op, in file order.
struct OpMap {
  std::vector<std::pair<std::string, OpKind>> Entries;
};

struct ChannelEntry {
  std::string Type;
  std::string Family;
  CapacityKind Capacity = CapacityKind::Rendezvous;
  std::optional<unsigned> CapacityArg;
  int CapacityAdjust = 0;
  std::optional<ZeroCapacity> ZeroCap;
  bool CloseWakesSenders = true;
  bool CloseWakesReceivers = true;
  bool RangeIterable = false;
  RecvStatus ReceiveStatus = RecvStatus::None;
  bool OneShot = false;
  CountKind Counts = CountKind::None;
  bool EventLoop = false;
  std::optional<VersionBound> CancelledReceiveDisablesBuffer;
  OpMap Ops;
};

struct SpawnerEntry {
  std::optional<std::string> Function;
  std::optional<std::string> Constructor;
  std::string Family;
  unsigned CallableArg = 0;
  std::optional<unsigned> ForwardedArgsFrom;
  bool JoinsOnDestroy = false;
  bool PassesStopToken = false;
  bool TerminatesOnThrow = false;
  std::string RequiredPolicy;
  std::optional<unsigned> ExecutorArg;
};

struct WorkerEntry {
  std::string Type;
  NameList Start;
  NameList Stop;
  bool DestructorStops = false;
};

struct WorkGuardEntry {
  std::string Type;
  NameList Release;
};

struct FunctionEntry {
  std::string Name;
  OpKind Role = OpKind::Sleep;
  std::optional<unsigned> HandlerArg;
};

struct ModelDocument {
  std::vector<ChannelEntry> Channels;
  std::vector<SpawnerEntry> Spawners;
  std::vector<WorkerEntry> Workers;
  std::vector<WorkGuardEntry> WorkGuards;
  std::vector<FunctionEntry> Functions;
};

} // namespace

namespace llvm {
namespace yaml {

template <> struct ScalarTraits<OpKind> {
  static void output(const OpKind &K, void *, raw_ostream &OS) {
    OS << opKindName(K);
  }
  static StringRef input(StringRef Scalar, void *Ctxt, OpKind &K) {
    if (std::optional<OpKind> Parsed = parseOpKind(Scalar)) {
      K = *Parsed;
      return {};
    }
    std::string &Msg = static_cast<ParseContext *>(Ctxt)->ScalarError;
    Msg = ("unknown op '" + Scalar + "' (expected one of: " + opNameList() +
           ")")
              .str();
    return Msg;
  }
  static QuotingType mustQuote(StringRef) { return QuotingType::None; }
};

template <> struct ScalarTraits<CapacityKind> {
  static void output(const CapacityKind &K, void *, raw_ostream &OS) {
    OS << capacityKindName(K);
  }
  static StringRef input(StringRef Scalar, void *, CapacityKind &K) {
    for (CapacityKind C : {CapacityKind::Rendezvous, CapacityKind::Bounded,
                           CapacityKind::Unbounded})
      if (Scalar == capacityKindName(C)) {
        K = C;
        return {};
      }
    return "capacity must be 'rendezvous', 'bounded' or 'unbounded'";
  }
  static QuotingType mustQuote(StringRef) { return QuotingType::None; }
};

template <> struct ScalarTraits<ZeroCapacity> {
  static void output(const ZeroCapacity &Z, void *, raw_ostream &OS) {
    OS << capacityKindName(Z.Kind);
  }
  static StringRef input(StringRef Scalar, void *, ZeroCapacity &Z) {
    if (Scalar == "rendezvous")
      Z.Kind = CapacityKind::Rendezvous;
    else if (Scalar == "unbounded")
      Z.Kind = CapacityKind::Unbounded;
    else
      return "zero-capacity must be 'rendezvous' or 'unbounded'";
    return {};
  }
  static QuotingType mustQuote(StringRef) { return QuotingType::None; }
};

template <> struct ScalarTraits<RecvStatus> {
  static void output(const RecvStatus &S, void *, raw_ostream &OS) {
    OS << (S == RecvStatus::Bool     ? "bool"
           : S == RecvStatus::Status ? "status"
                                     : "none");
  }
  static StringRef input(StringRef Scalar, void *, RecvStatus &S) {
    if (Scalar == "none")
      S = RecvStatus::None;
    else if (Scalar == "bool")
      S = RecvStatus::Bool;
    else if (Scalar == "status")
      S = RecvStatus::Status;
    else
      return "receive-status must be 'none', 'bool' or 'status'";
    return {};
  }
  static QuotingType mustQuote(StringRef) { return QuotingType::None; }
};

template <> struct ScalarTraits<CountKind> {
  static void output(const CountKind &K, void *, raw_ostream &OS) {
    OS << countKindName(K);
  }
  static StringRef input(StringRef Scalar, void *, CountKind &K) {
    std::optional<CountKind> Parsed = parseCountKind(Scalar);
    if (!Parsed)
      return "counts must be 'none', 'permits', 'arrivals' or 'phases'";
    K = *Parsed;
    return {};
  }
  static QuotingType mustQuote(StringRef) { return QuotingType::None; }
};

template <> struct SequenceTraits<NameList> {
  static size_t size(IO &, NameList &L) { return L.Names.size(); }
  static std::string &element(IO &, NameList &L, size_t I) {
    if (I >= L.Names.size())
      L.Names.resize(I + 1);
    return L.Names[I];
  }
  static const bool flow = true;
};

template <> struct CustomMappingTraits<OpMap> {
  static void inputOne(IO &IO, StringRef Key, OpMap &M) {
    OpKind K = OpKind::Send;
    IO.mapRequired(Key.str().c_str(), K);
    M.Entries.emplace_back(Key.str(), K);
  }
  static void output(IO &IO, OpMap &M) {
    for (auto &[Method, Kind] : M.Entries)
      IO.mapRequired(Method.c_str(), Kind);
  }
};

/// `{version-macro: ASIO_VERSION, version-header: asio/version.hpp, fixed-in: 102800}`
template <> struct MappingTraits<VersionBound> {
  static void mapping(IO &IO, VersionBound &B) {
    IO.mapRequired("version-macro", B.Macro);
    IO.mapOptional("version-header", B.Header);
    IO.mapRequired("fixed-in", B.FixedIn);
  }
  static std::string validate(IO &IO, VersionBound &B) {
    if (B.Macro.empty())
      return "'version-macro' must not be empty";
    return "";
  }
};

template <> struct MappingTraits<ChannelEntry> {
  static void mapping(IO &IO, ChannelEntry &C) {
    IO.mapRequired("type", C.Type);
    IO.mapOptional("family", C.Family);
    IO.mapOptional("capacity", C.Capacity, CapacityKind::Rendezvous);
    IO.mapOptional("capacity-arg", C.CapacityArg);
    IO.mapOptional("capacity-adjust", C.CapacityAdjust, 0);
    IO.mapOptional("zero-capacity", C.ZeroCap);
    IO.mapOptional("close-wakes-senders", C.CloseWakesSenders, true);
    IO.mapOptional("close-wakes-receivers", C.CloseWakesReceivers, true);
    IO.mapOptional("range-iterable", C.RangeIterable, false);
    IO.mapOptional("receive-status", C.ReceiveStatus, RecvStatus::None);
    IO.mapOptional("one-shot", C.OneShot, false);
    IO.mapOptional("counts", C.Counts, CountKind::None);
    IO.mapOptional("event-loop", C.EventLoop, false);
    IO.mapOptional("cancelled-receive-disables-buffer", C.CancelledReceiveDisablesBuffer);
    IO.mapOptional("ops", C.Ops);
  }
  static std::string validate(IO &IO, ChannelEntry &C) {
    if (C.Type.empty())
      return "channel 'type' must not be empty";
    if (C.ZeroCap && !C.CapacityArg)
      return "channel '" + C.Type + "': zero-capacity needs capacity-arg";
    if (C.Capacity == CapacityKind::Bounded && !C.CapacityArg &&
        C.CapacityAdjust <= 0)
      return "channel '" + C.Type +
             "': a bounded channel needs capacity-arg or a positive "
             "capacity-adjust";
    if (C.EventLoop && C.Counts != CountKind::None)
      return "channel '" + C.Type + "': an event loop counts work of its own; drop 'counts'";
    if (!contextOf(IO).SeenChannels.insert(C.Type).second)
      return "channel '" + C.Type + "' is declared twice";
    return {};
  }
};

template <> struct MappingTraits<SpawnerEntry> {
  static void mapping(IO &IO, SpawnerEntry &S) {
    IO.mapOptional("function", S.Function);
    IO.mapOptional("constructor", S.Constructor);
    IO.mapOptional("family", S.Family);
    IO.mapOptional("callable-arg", S.CallableArg, 0u);
    IO.mapOptional("forwarded-args-from", S.ForwardedArgsFrom);
    IO.mapOptional("joins-on-destroy", S.JoinsOnDestroy, false);
    IO.mapOptional("passes-stop-token", S.PassesStopToken, false);
    IO.mapOptional("terminates-on-throw", S.TerminatesOnThrow, false);
    IO.mapOptional("required-policy", S.RequiredPolicy);
    IO.mapOptional("executor-arg", S.ExecutorArg);
  }
  static std::string validate(IO &IO, SpawnerEntry &S) {
    if (S.Function && S.Constructor)
      return "a spawner has either 'function' or 'constructor', not both";
    if (!S.Function && !S.Constructor)
      return "missing required key 'function' or 'constructor'";
    const std::string &Name = S.Function ? *S.Function : *S.Constructor;
    if (Name.empty())
      return "spawner name must not be empty";
    if (S.ForwardedArgsFrom && *S.ForwardedArgsFrom == S.CallableArg)
      return "spawner '" + Name +
             "': forwarded-args-from must differ from callable-arg";
    if (!contextOf(IO).SeenSpawners.insert(Name).second)
      return "spawner '" + Name + "' is declared twice";
    return {};
  }
};

template <> struct MappingTraits<WorkerEntry> {
  static void mapping(IO &IO, WorkerEntry &W) {
    IO.mapRequired("type", W.Type);
    IO.mapOptional("start", W.Start);
    IO.mapOptional("stop", W.Stop);
    IO.mapOptional("destructor-stops", W.DestructorStops, false);
  }
  static std::string validate(IO &IO, WorkerEntry &W) {
    if (W.Type.empty())
      return "worker 'type' must not be empty";
    if (W.Start.Names.empty())
      return "worker '" + W.Type + "' needs at least one 'start' method";
    for (const NameList *L : {&W.Start, &W.Stop})
      for (const std::string &N : L->Names)
        if (N.empty())
          return "worker '" + W.Type + "': method names must not be empty";
    if (!contextOf(IO).SeenWorkers.insert(W.Type).second)
      return "worker '" + W.Type + "' is declared twice";
    return {};
  }
};

template <> struct MappingTraits<WorkGuardEntry> {
  static void mapping(IO &IO, WorkGuardEntry &G) {
    IO.mapRequired("type", G.Type);
    IO.mapOptional("release", G.Release);
  }
  static std::string validate(IO &IO, WorkGuardEntry &G) {
    if (G.Type.empty())
      return "work guard 'type' must not be empty";
    if (llvm::is_contained(G.Release.Names, ""))
      return "work guard '" + G.Type + "': method names must not be empty";
    if (!contextOf(IO).SeenWorkGuards.insert(G.Type).second)
      return "work guard '" + G.Type + "' is declared twice";
    return {};
  }
};

template <> struct MappingTraits<FunctionEntry> {
  static void mapping(IO &IO, FunctionEntry &F) {
    IO.mapRequired("name", F.Name);
    IO.mapRequired("role", F.Role);
    IO.mapOptional("handler-arg", F.HandlerArg);
  }
  static std::string validate(IO &IO, FunctionEntry &F) {
    if (F.Name.empty())
      return "function 'name' must not be empty";
    if (!contextOf(IO).SeenFunctions.insert(F.Name).second)
      return "function '" + F.Name + "' is declared twice";
    return {};
  }
};

template <> struct MappingTraits<ModelDocument> {
  static void mapping(IO &IO, ModelDocument &D) {
    IO.mapOptional("channels", D.Channels);
    IO.mapOptional("spawners", D.Spawners);
    IO.mapOptional("workers", D.Workers);
    IO.mapOptional("work-guards", D.WorkGuards);
    IO.mapOptional("functions", D.Functions);
  }
};

} // namespace yaml
} // namespace llvm

LLVM_YAML_IS_SEQUENCE_VECTOR(ChannelEntry)
LLVM_YAML_IS_SEQUENCE_VECTOR(SpawnerEntry)
LLVM_YAML_IS_SEQUENCE_VECTOR(WorkerEntry)
LLVM_YAML_IS_SEQUENCE_VECTOR(WorkGuardEntry)
LLVM_YAML_IS_SEQUENCE_VECTOR(FunctionEntry)

namespace {

/// A line and a 1-based column in the model file.
struct Position {
  unsigned Line = 1;
  unsigned Column = 1;
  bool operator<(const Position &O) const {
    return Line != O.Line ? Line < O.Line : Column < O.Column;
  }
};

/// Keeps the first diagnostic yaml::Input (or its parser) reports.
struct FirstDiagnostic {
  bool Seen = false;
  Position Pos;
  std::string Message;

  static void handle(const llvm::SMDiagnostic &D, void *Ctxt) {
    auto *Self = static_cast<FirstDiagnostic *>(Ctxt);
    if (Self->Seen)
      return;
    Self->Seen = true;
    Self->Pos.Line = D.getLineNo() > 0 ? static_cast<unsigned>(D.getLineNo()) : 1;
    Self->Pos.Column =
        D.getColumnNo() >= 0 ? static_cast<unsigned>(D.getColumnNo()) + 1 : 1;
    Self->Message = D.getMessage().str();
  }
};

/// yaml::Input builds its node tree recursively, so a document nested tens of
/// thousands of levels deep overflows the stack. No model file needs more
/// than a handful of levels.
constexpr unsigned MaxNesting = 64;

/// A key written with no value (`type:`): yaml::Input blames the null value,
/// which the parser places at the *next* token; this lets the error point at
/// the key instead.
struct EmptyValue {
  std::string Key;
  Position KeyPos;
};

/// Walks every document with LLVM's YAML parser, iteratively, before
/// yaml::Input sees it: reports syntax errors and too-deep nesting, and
/// records keys with no value. Returns false after reporting an error.
bool preScan(llvm::StringRef Text, llvm::StringRef BufferName,
             FirstDiagnostic &Diag,
             std::map<Position, EmptyValue> &EmptyValues) {
  using namespace llvm::yaml;
  llvm::SourceMgr SM;
  SM.setDiagHandler(&FirstDiagnostic::handle, &Diag);
  Stream S(llvm::MemoryBufferRef(Text, BufferName), SM, /*ShowColors=*/false);
  // Nodes made while recovering from a syntax error may point anywhere.
  auto PosOf = [&](llvm::SMLoc Loc) -> std::optional<Position> {
    const char *P = Loc.getPointer();
    if (!P || P < Text.begin() || P > Text.end())
      return std::nullopt;
    auto [Line, Col] = SM.getLineAndColumn(Loc);
    return Position{Line, Col};
  };

  // SourceMgr must only see locations inside the buffer.
  auto ReportAt = [&](llvm::SMLoc Loc, const llvm::Twine &Msg) {
    const char *P = Loc.getPointer();
    if (!P || P < Text.begin() || P > Text.end())
      P = Text.begin();
    SM.PrintMessage(llvm::SMLoc::getFromPointer(P), llvm::SourceMgr::DK_Error,
                    Msg);
  };
  // yaml::Input cannot follow aliases. The parser places an alias node at
  // the next token; its name points into the buffer, just after the '*'.
  auto ReportAlias = [&](AliasNode *Alias) {
    llvm::StringRef Name = Alias->getName();
    ReportAt(Name.data() ? llvm::SMLoc::getFromPointer(Name.data() - 1)
                         : Alias->getSourceRange().Start,
             "YAML aliases are not supported in model files");
    return false;
  };

  struct Frame {
    Frame(Node *N, unsigned Depth) : N(N), Depth(Depth) {}
    Node *N;
    unsigned Depth;
    bool Started = false;
    SequenceNode::iterator SeqIt;
    MappingNode::iterator MapIt;
    int Stage = 0; // KeyValueNode: 0 = key next, 1 = value next
  };
  for (Document &Doc : S) {
    if (S.failed() || Diag.Seen)
      return false;
    Node *Root = Doc.getRoot();
    if (!Root || S.failed())
      return false;
    std::vector<Frame> Stack;
    if (auto *Alias = llvm::dyn_cast<AliasNode>(Root))
      return ReportAlias(Alias);
    if (llvm::isa<SequenceNode, MappingNode>(Root))
      Stack.emplace_back(Root, 1);
    // Children are visited in document order and each collection is fully
    // consumed before its parent moves on, so the parser's own (recursive)
    // skip() never has anything left to do.
    while (!Stack.empty()) {
      Frame &F = Stack.back();
      Node *Next = nullptr;
      unsigned Depth = F.Depth;
      if (auto *Seq = llvm::dyn_cast<SequenceNode>(F.N)) {
        if (!F.Started) {
          F.SeqIt = Seq->begin();
          F.Started = true;
        } else {
          ++F.SeqIt;
        }
        if (F.SeqIt != Seq->end())
          Next = &*F.SeqIt;
      } else if (auto *Map = llvm::dyn_cast<MappingNode>(F.N)) {
        if (!F.Started) {
          F.MapIt = Map->begin();
          F.Started = true;
        } else {
          ++F.MapIt;
        }
        if (F.MapIt != Map->end())
          Next = &*F.MapIt;
      } else if (auto *KV = llvm::dyn_cast<KeyValueNode>(F.N)) {
        if (F.Stage == 0) {
          Next = KV->getKey();
        } else if (F.Stage == 1) {
          Next = KV->getValue();
          auto *Key = llvm::dyn_cast_or_null<ScalarNode>(KV->getKey());
          if (Next && Key && llvm::isa<NullNode>(Next) && !S.failed()) {
            std::optional<Position> ValuePos =
                PosOf(Next->getSourceRange().Start);
            std::optional<Position> KeyPos = PosOf(Key->getSourceRange().Start);
            llvm::SmallString<32> Storage;
            if (ValuePos && KeyPos)
              EmptyValues.emplace(
                  *ValuePos, EmptyValue{Key->getValue(Storage).str(), *KeyPos});
          }
        }
        ++F.Stage;
      }
      if (S.failed() || Diag.Seen)
        return false;
      if (!Next) {
        Stack.pop_back();
        continue;
      }
      if (auto *Alias = llvm::dyn_cast<AliasNode>(Next))
        return ReportAlias(Alias);
      if (llvm::isa<KeyValueNode>(Next)) {
        Stack.emplace_back(Next, Depth);
      } else if (llvm::isa<SequenceNode, MappingNode>(Next)) {
        if (Depth + 1 > MaxNesting) {
          ReportAt(Next->getSourceRange().Start,
                   "nesting deeper than " + llvm::Twine(MaxNesting) +
                       " levels");
          return false;
        }
        Stack.emplace_back(Next, Depth + 1);
      }
    }
  }
  return !S.failed() && !Diag.Seen;
}

/// yaml::Input's wording for a node of the wrong shape.
void clarify(FirstDiagnostic &Diag,
             const std::map<Position, EmptyValue> &EmptyValues) {
  if (Diag.Message == "unexpected scalar") {
    auto It = EmptyValues.find(Diag.Pos);
    if (It != EmptyValues.end()) {
      Diag.Pos = It->second.KeyPos;
      Diag.Message = "key '" + It->second.Key + "' has no value";
    } else {
      Diag.Message = "expected a scalar value";
    }
  } else if (Diag.Message == "not a mapping") {
    Diag.Message = "expected a mapping";
  } else if (Diag.Message == "not a sequence") {
    Diag.Message = "expected a sequence";
  }
}

ApiModel toModel(const ModelDocument &D) {
  ApiModel Model;
  for (const ChannelEntry &E : D.Channels) {
    ChannelModel C;
    C.TypeName = E.Type;
    C.Family = E.Family.empty() ? "user" : E.Family;
    C.Capacity.DefaultKind = E.Capacity;
    C.Capacity.Arg = E.CapacityArg;
    C.Capacity.Adjust = E.CapacityAdjust;
    if (E.ZeroCap)
      C.Capacity.ZeroMeans = E.ZeroCap->Kind;
    for (const auto &[Method, Kind] : E.Ops.Entries)
      C.Methods[Method] = Kind;
    C.ReceiveStatus = E.ReceiveStatus;
    C.RangeIterable = E.RangeIterable;
    C.CloseWakesSenders = E.CloseWakesSenders;
    C.CloseWakesReceivers = E.CloseWakesReceivers;
    C.OneShot = E.OneShot;
    C.Counts = E.EventLoop ? CountKind::Arrivals : E.Counts;
    C.EventLoop = E.EventLoop;
    C.CancelledReceiveDisablesBuffer = E.CancelledReceiveDisablesBuffer;
    Model.addChannel(std::move(C));
  }
  for (const SpawnerEntry &E : D.Spawners) {
    SpawnerModel S;
    S.IsConstructor = E.Constructor.has_value();
    S.Name = S.IsConstructor ? *E.Constructor : *E.Function;
    S.Family = E.Family.empty() ? "user" : E.Family;
    S.CallableArg = E.CallableArg;
    S.FirstForwardedArg = E.ForwardedArgsFrom;
    S.PassesStopToken = E.PassesStopToken;
    S.TerminatesOnThrow = E.TerminatesOnThrow;
    S.JoinsOnDestroy = E.JoinsOnDestroy;
    S.RequiredPolicy = E.RequiredPolicy;
    S.ExecutorArg = E.ExecutorArg;
    Model.addSpawner(std::move(S));
  }
  for (const WorkerEntry &E : D.Workers) {
    LifecycleModel L;
    L.TypeName = E.Type;
    L.StartMethods = E.Start.Names;
    L.StopMethods = E.Stop.Names;
    L.DestructorStops = E.DestructorStops;
    Model.addLifecycle(std::move(L));
  }
  for (const WorkGuardEntry &E : D.WorkGuards)
    Model.addWorkGuard({E.Type, E.Release.Names});
  for (const FunctionEntry &E : D.Functions)
    Model.addFunctionRole({E.Name, E.Role, E.HandlerArg});
  return Model;
}

} // namespace

llvm::Expected<ApiModel> chanleak::parseModelFile(llvm::StringRef Text,
                                                  llvm::StringRef BufferName) {
  FirstDiagnostic Diag;
  std::map<Position, EmptyValue> EmptyValues;
  if (preScan(Text, BufferName, Diag, EmptyValues)) {
    ParseContext Ctx;
    ModelDocument Doc;
    llvm::yaml::Input In(llvm::MemoryBufferRef(Text, BufferName), &Ctx,
                         &FirstDiagnostic::handle, &Diag);
    // setCurrentDocument() skips empty documents: an empty (or comment-only)
    // file is a valid empty model.
    if (In.setCurrentDocument()) {
      llvm::yaml::EmptyContext Empty;
      llvm::yaml::yamlize(In, Doc, true, Empty);
      // A second document would otherwise be ignored silently.
      if (!In.error() && !Diag.Seen && In.nextDocument() &&
          In.setCurrentDocument() && In.getCurrentNode())
        static_cast<llvm::yaml::IO &>(In).setError(
            "a model file holds one YAML document; remove the second one");
    }
    if (!In.error() && !Diag.Seen)
      return toModel(Doc);
  }
  if (!Diag.Seen) // An error no diagnostic located: blame the start.
    Diag = FirstDiagnostic{true, Position{}, "malformed YAML"};
  clarify(Diag, EmptyValues);
  return llvm::createStringError(
      llvm::errc::invalid_argument, "%s:%u:%u: %s", BufferName.str().c_str(),
      Diag.Pos.Line, Diag.Pos.Column, Diag.Message.c_str());
}

llvm::Expected<ApiModel> chanleak::loadModelFile(llvm::StringRef Path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buf =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buf)
    return llvm::createStringError(Buf.getError(),
                                   "%s: cannot read model file: %s",
                                   Path.str().c_str(),
                                   Buf.getError().message().c_str());
  return parseModelFile((*Buf)->getBuffer(), Path);
}
