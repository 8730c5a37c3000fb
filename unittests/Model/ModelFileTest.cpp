//===- ModelFileTest.cpp - The YAML model-file reader ---------------------===//

#include "chanleak/Model/ModelFile.h"
#include "gtest/gtest.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <random>
#include <string>

using namespace chanleak;

namespace {

/// Parses Text as "test.yaml" and returns the error message ("" on success).
std::string errorOf(llvm::StringRef Text, llvm::StringRef Name = "test.yaml") {
  llvm::Expected<ApiModel> M = parseModelFile(Text, Name);
  if (M)
    return "";
  std::string Msg;
  unsigned Count = 0;
  llvm::handleAllErrors(M.takeError(), [&](const llvm::ErrorInfoBase &E) {
    Msg = E.message();
    ++Count;
  });
  EXPECT_EQ(Count, 1u) << "expected exactly one error";
  return Msg;
}

ApiModel parseOk(llvm::StringRef Text) {
  llvm::Expected<ApiModel> M = parseModelFile(Text, "test.yaml");
  if (!M) {
    ADD_FAILURE() << llvm::toString(M.takeError());
    return ApiModel();
  }
  return std::move(*M);
}

constexpr const char FullFile[] = R"yaml(# A complete model file.
channels:
  - type: mylib::Queue          # qualified class (or class template) name
    family: mylib
    capacity: rendezvous
    capacity-arg: 0
    capacity-adjust: -1
    zero-capacity: unbounded
    close-wakes-senders: false
    close-wakes-receivers: false
    range-iterable: true
    receive-status: bool
    one-shot: false
    ops: { Push: send, Pop: recv, TryPop: try_recv, Close: close }
  - type: mylib::Mailbox
    capacity: bounded
    capacity-adjust: 16
    receive-status: status
    one-shot: true
    counts: none
    ops:
      Post: set_value
      Take: timed_recv
      "operator<<": send
spawners:
  - function: mylib::RunAsync
    callable-arg: 0
    forwarded-args-from: 1
    joins-on-destroy: false
    passes-stop-token: false
    executor-arg: 2
  - constructor: mylib::Thread
    family: mylib
    callable-arg: 1
    joins-on-destroy: true
    passes-stop-token: true
    required-policy: async
workers:
  - type: mylib::Poller
    start: [Start]
    stop: [Stop, Shutdown]
    destructor-stops: false
  - type: mylib::Service
    start:
      - Run
      - RunInBackground
    destructor-stops: true
functions:
  - name: mylib::SleepFor
    role: sleep
  - name: mylib::Token::Cancelled
    role: stop_check
  - name: mylib::Alarm::AsyncWait
    role: sleep
    handler-arg: 1
)yaml";

TEST(ModelFileTest, FullFileMapsOntoTheModel) {
  ApiModel M = parseOk(FullFile);
  ASSERT_EQ(M.channels().size(), 2u);
  ASSERT_EQ(M.spawners().size(), 2u);
  ASSERT_EQ(M.lifecycles().size(), 2u);
  ASSERT_EQ(M.functionRoles().size(), 3u);

  const ChannelModel *Q = M.findChannel("mylib::Queue");
  ASSERT_NE(Q, nullptr);
  EXPECT_EQ(Q->Family, "mylib");
  EXPECT_EQ(Q->Capacity.DefaultKind, CapacityKind::Rendezvous);
  EXPECT_EQ(Q->Capacity.Arg, std::optional<unsigned>(0));
  EXPECT_EQ(Q->Capacity.Adjust, -1);
  EXPECT_EQ(Q->Capacity.ZeroMeans, CapacityKind::Unbounded);
  EXPECT_FALSE(Q->CloseWakesSenders);
  EXPECT_FALSE(Q->CloseWakesReceivers);
  EXPECT_TRUE(Q->RangeIterable);
  EXPECT_EQ(Q->ReceiveStatus, RecvStatus::Bool);
  EXPECT_FALSE(Q->OneShot);
  EXPECT_EQ(Q->Methods.size(), 4u);
  EXPECT_EQ(Q->opFor("Push"), OpKind::Send);
  EXPECT_EQ(Q->opFor("Pop"), OpKind::Recv);
  EXPECT_EQ(Q->opFor("TryPop"), OpKind::TryRecv);
  EXPECT_EQ(Q->opFor("Close"), OpKind::Close);
  EXPECT_EQ(Q->Capacity.effectiveCapacity(std::nullopt), 0u);
  EXPECT_EQ(Q->Capacity.effectiveCapacity(0), std::nullopt);
  EXPECT_EQ(Q->Capacity.effectiveCapacity(4), 3u);

  const ChannelModel *Box = M.findChannel("mylib::Mailbox");
  ASSERT_NE(Box, nullptr);
  EXPECT_EQ(Box->Family, "user");
  EXPECT_EQ(Box->Capacity.DefaultKind, CapacityKind::Bounded);
  EXPECT_FALSE(Box->Capacity.Arg.has_value());
  EXPECT_EQ(Box->Capacity.effectiveCapacity(std::nullopt), 16u);
  EXPECT_EQ(Box->ReceiveStatus, RecvStatus::Status);
  EXPECT_TRUE(Box->OneShot);
  EXPECT_TRUE(Box->CloseWakesSenders);
  EXPECT_EQ(Box->opFor("Post"), OpKind::SetValue);
  EXPECT_EQ(Box->opFor("Take"), OpKind::TimedRecv);
  EXPECT_EQ(Box->opFor("operator<<"), OpKind::Send);

  const SpawnerModel *Run = M.findSpawner("mylib::RunAsync");
  ASSERT_NE(Run, nullptr);
  EXPECT_FALSE(Run->IsConstructor);
  EXPECT_EQ(Run->Family, "user");
  EXPECT_EQ(Run->CallableArg, 0u);
  EXPECT_EQ(Run->FirstForwardedArg, std::optional<unsigned>(1));
  EXPECT_FALSE(Run->JoinsOnDestroy);
  EXPECT_FALSE(Run->PassesStopToken);
  EXPECT_TRUE(Run->RequiredPolicy.empty());
  EXPECT_EQ(Run->ExecutorArg, std::optional<unsigned>(2));

  const SpawnerModel *Th = M.findSpawner("mylib::Thread");
  ASSERT_NE(Th, nullptr);
  EXPECT_TRUE(Th->IsConstructor);
  EXPECT_EQ(Th->Family, "mylib");
  EXPECT_EQ(Th->CallableArg, 1u);
  EXPECT_FALSE(Th->FirstForwardedArg.has_value());
  EXPECT_TRUE(Th->JoinsOnDestroy);
  EXPECT_TRUE(Th->PassesStopToken);
  EXPECT_EQ(Th->RequiredPolicy, "async");
  EXPECT_EQ(Th->ExecutorArg, std::nullopt);

  const LifecycleModel *P = M.findLifecycle("mylib::Poller");
  ASSERT_NE(P, nullptr);
  EXPECT_EQ(P->StartMethods, std::vector<std::string>{"Start"});
  EXPECT_EQ(P->StopMethods, (std::vector<std::string>{"Stop", "Shutdown"}));
  EXPECT_FALSE(P->DestructorStops);
  const LifecycleModel *S = M.findLifecycle("mylib::Service");
  ASSERT_NE(S, nullptr);
  EXPECT_EQ(S->StartMethods,
            (std::vector<std::string>{"Run", "RunInBackground"}));
  EXPECT_TRUE(S->StopMethods.empty());
  EXPECT_TRUE(S->DestructorStops);

  EXPECT_EQ(M.findFunctionRole("mylib::SleepFor"), OpKind::Sleep);
  EXPECT_EQ(M.findFunctionRole("mylib::Token::Cancelled"), OpKind::StopCheck);
  EXPECT_EQ(M.functionRole("mylib::SleepFor")->HandlerArg, std::nullopt);
  ASSERT_NE(M.functionRole("mylib::Alarm::AsyncWait"), nullptr);
  EXPECT_EQ(M.functionRole("mylib::Alarm::AsyncWait")->HandlerArg, 1u);
}

TEST(ModelFileTest, OmittedKeysTakeTheirDefaults) {
  ApiModel M = parseOk("channels:\n"
                       "  - type: q::Q\n"
                       "spawners:\n"
                       "  - function: q::go\n"
                       "workers:\n"
                       "  - type: q::W\n"
                       "    start: [Go]\n");
  const ChannelModel *C = M.findChannel("q::Q");
  ASSERT_NE(C, nullptr);
  EXPECT_EQ(C->Family, "user");
  EXPECT_EQ(C->Capacity.DefaultKind, CapacityKind::Rendezvous);
  EXPECT_FALSE(C->Capacity.Arg.has_value());
  EXPECT_EQ(C->Capacity.Adjust, 0);
  EXPECT_EQ(C->Capacity.ZeroMeans, CapacityKind::Rendezvous);
  EXPECT_TRUE(C->CloseWakesSenders);
  EXPECT_TRUE(C->CloseWakesReceivers);
  EXPECT_FALSE(C->RangeIterable);
  EXPECT_EQ(C->ReceiveStatus, RecvStatus::None);
  EXPECT_FALSE(C->OneShot);
  EXPECT_TRUE(C->Methods.empty());
  const SpawnerModel *S = M.findSpawner("q::go");
  ASSERT_NE(S, nullptr);
  EXPECT_FALSE(S->IsConstructor);
  EXPECT_EQ(S->CallableArg, 0u);
  EXPECT_FALSE(S->FirstForwardedArg.has_value());
  EXPECT_FALSE(S->JoinsOnDestroy);
  EXPECT_FALSE(S->PassesStopToken);
  const LifecycleModel *W = M.findLifecycle("q::W");
  ASSERT_NE(W, nullptr);
  EXPECT_TRUE(W->StopMethods.empty());
  EXPECT_FALSE(W->DestructorStops);
}

TEST(ModelFileTest, BoostLikeCapacityFromAFile) {
  ApiModel M = parseOk("channels:\n"
                       "  - type: my::ring\n"
                       "    capacity: bounded\n"
                       "    capacity-arg: 0\n"
                       "    capacity-adjust: -1\n");
  const ChannelModel *C = M.findChannel("my::ring");
  ASSERT_NE(C, nullptr);
  EXPECT_EQ(C->Capacity.effectiveCapacity(2), 1u);
  EXPECT_EQ(C->Capacity.effectiveCapacity(8), 7u);
}

TEST(ModelFileTest, VersionedDefectFromAFile) {
  ApiModel M = parseOk("channels:\n"
                       "  - type: vendor::chan\n"
                       "    cancelled-receive-disables-buffer:\n"
                       "      {version-macro: VENDOR_VERSION, version-header: vendor/version.h,"
                       " fixed-in: 300}\n");
  const ChannelModel *C = M.findChannel("vendor::chan");
  ASSERT_NE(C, nullptr);
  ASSERT_TRUE(C->CancelledReceiveDisablesBuffer.has_value());
  EXPECT_EQ(C->CancelledReceiveDisablesBuffer->Macro, "VENDOR_VERSION");
  EXPECT_EQ(C->CancelledReceiveDisablesBuffer->Header, "vendor/version.h");
  EXPECT_EQ(C->CancelledReceiveDisablesBuffer->FixedIn, 300u);
  EXPECT_FALSE(parseOk("channels:\n  - type: plain\n").findChannel("plain")
                   ->CancelledReceiveDisablesBuffer.has_value());
}

TEST(ModelFileTest, MergeLetsUserEntriesOverrideBuiltins) {
  ApiModel Model = ApiModel::builtin();
  size_t Channels = Model.channels().size();
  size_t Spawners = Model.spawners().size();
  ApiModel User = parseOk("channels:\n"
                          "  - type: msd::channel\n"
                          "    capacity: rendezvous\n"
                          "    ops: { put: send, take: recv }\n"
                          "  - type: mylib::Queue\n"
                          "    ops: { Push: send }\n"
                          "spawners:\n"
                          "  - constructor: std::thread\n"
                          "    joins-on-destroy: true\n"
                          "functions:\n"
                          "  - name: std::this_thread::sleep_for\n"
                          "    role: timed_wait\n");
  Model.merge(User);
  EXPECT_EQ(Model.channels().size(), Channels + 1);
  EXPECT_EQ(Model.spawners().size(), Spawners);

  const ChannelModel *Msd = Model.findChannel("msd::channel");
  ASSERT_NE(Msd, nullptr);
  EXPECT_EQ(Msd->Family, "user");
  EXPECT_EQ(Msd->Capacity.DefaultKind, CapacityKind::Rendezvous);
  EXPECT_EQ(Msd->Capacity.effectiveCapacity(std::nullopt), 0u);
  EXPECT_EQ(Msd->opFor("put"), OpKind::Send);
  // The user entry replaces the built-in one whole; it does not add to it.
  EXPECT_FALSE(Msd->opFor("write").has_value());
  EXPECT_NE(Model.findChannel("mylib::Queue"), nullptr);

  const SpawnerModel *Th = Model.findSpawner("std::thread");
  ASSERT_NE(Th, nullptr);
  EXPECT_TRUE(Th->JoinsOnDestroy);
  EXPECT_EQ(Model.findFunctionRole("std::this_thread::sleep_for"),
            OpKind::TimedWait);
  // Untouched built-ins survive.
  ASSERT_NE(Model.findChannel("boost::fibers::buffered_channel"), nullptr);
  EXPECT_EQ(Model.findChannel("boost::fibers::buffered_channel")
                ->Capacity.effectiveCapacity(2),
            1u);
  EXPECT_EQ(Model.findSpawner("std::jthread")->PassesStopToken, true);
}

TEST(ModelFileTest, EmptyFilesAreEmptyModels) {
  for (const char *Text :
       {"", "\n", "# only a comment\n", "---\n", "---\n...\n",
        "channels:\nspawners:\nworkers:\nfunctions:\n",
        "channels: []\nspawners: []\nworkers: []\nfunctions: []\n", "{}\n"}) {
    llvm::Expected<ApiModel> M = parseModelFile(Text, "empty.yaml");
    ASSERT_TRUE(bool(M)) << "'" << Text << "': " << llvm::toString(M.takeError());
    EXPECT_TRUE(M->channels().empty()) << Text;
    EXPECT_TRUE(M->spawners().empty()) << Text;
    EXPECT_TRUE(M->lifecycles().empty()) << Text;
    EXPECT_TRUE(M->functionRoles().empty()) << Text;
  }
}

TEST(ModelFileTest, CrlfAndFlowStyleWork) {
  ApiModel M = parseOk("channels:\r\n  - type: a::B\r\n    ops: {Put: send}\r\n");
  ASSERT_NE(M.findChannel("a::B"), nullptr);
  EXPECT_EQ(M.findChannel("a::B")->opFor("Put"), OpKind::Send);
  ApiModel F = parseOk("{channels: [{type: c::D, capacity: unbounded}], "
                       "workers: [{type: c::W, start: [S], stop: [T]}]}");
  ASSERT_NE(F.findChannel("c::D"), nullptr);
  EXPECT_EQ(F.findChannel("c::D")->Capacity.DefaultKind,
            CapacityKind::Unbounded);
  ASSERT_NE(F.findLifecycle("c::W"), nullptr);
}

TEST(ModelFileTest, CountsMakeACounter) {
  ApiModel M = parseOk("channels:\n  - type: mylib::Gate\n    capacity: bounded\n"
                       "    capacity-arg: 0\n    counts: arrivals\n"
                       "    ops: { Arrive: arrive, Wait: recv, Pass: arrive_and_wait }\n");
  const ChannelModel *Gate = M.findChannel("mylib::Gate");
  ASSERT_NE(Gate, nullptr);
  EXPECT_EQ(Gate->Counts, CountKind::Arrivals);
  EXPECT_EQ(Gate->opFor("Pass"), OpKind::ArriveAndWait);
  EXPECT_EQ(M.findChannel("mylib::Gate")->Capacity.effectiveCapacity(3), 3u);
}

TEST(ModelFileTest, EventLoopsAndTheirWorkGuards) {
  ApiModel M = parseOk("channels:\n  - type: mylib::Reactor\n    event-loop: true\n"
                       "    ops: { Run: recv, Shutdown: stop }\n"
                       "work-guards:\n  - type: mylib::KeepAlive\n    release: [Drop]\n"
                       "  - type: mylib::Pin\n");
  const ChannelModel *Reactor = M.findChannel("mylib::Reactor");
  ASSERT_NE(Reactor, nullptr);
  EXPECT_TRUE(Reactor->EventLoop);
  EXPECT_EQ(Reactor->Counts, CountKind::Arrivals);
  EXPECT_EQ(Reactor->opFor("Shutdown"), OpKind::Stop);
  const WorkGuardModel *KeepAlive = M.findWorkGuard("mylib::KeepAlive");
  ASSERT_NE(KeepAlive, nullptr);
  EXPECT_EQ(KeepAlive->ReleaseMethods, std::vector<std::string>{"Drop"});
  ASSERT_NE(M.findWorkGuard("mylib::Pin"), nullptr);
  EXPECT_TRUE(M.findWorkGuard("mylib::Pin")->ReleaseMethods.empty());
  // A file's guard joins the built-in ones.
  ApiModel All = ApiModel::builtin();
  All.merge(M);
  EXPECT_NE(All.findWorkGuard("asio::executor_work_guard"), nullptr);
  EXPECT_NE(All.findWorkGuard("mylib::KeepAlive"), nullptr);
}

TEST(ModelFileTest, EveryOpNameIsAcceptedInOpsAndRoles) {
  for (int I = 0; I <= static_cast<int>(LastOpKind); ++I) {
    OpKind K = static_cast<OpKind>(I);
    std::string Name = opKindName(K).str();
    ApiModel M = parseOk("channels:\n  - type: T\n    ops: { M: " + Name +
                         " }\nfunctions:\n  - name: f\n    role: " + Name +
                         "\n");
    ASSERT_NE(M.findChannel("T"), nullptr) << Name;
    EXPECT_EQ(M.findChannel("T")->opFor("M"), K) << Name;
    EXPECT_EQ(M.findFunctionRole("f"), K) << Name;
  }
}

struct BadFile {
  const char *What;
  const char *Text;
  unsigned Line;
  unsigned Column;
  const char *Says;
};

// Every kind of malformed file, with the exact position of the offending
// node. Flow collections are located at their first token inside the
// bracket, as LLVM's YAML parser does.
const BadFile BadFiles[] = {
    {"unclosed flow sequence", "channels:\n  - type: [a, b\n", 2, 16,
     "Could not find closing ]"},
    {"bad indentation", "channels:\n  - type: a\n   family: b\n", 3, 10,
     ""},
    {"unknown key", "channels:\n  - type: X\n    colour: red\n", 3, 5,
     "unknown key 'colour'"},
    {"unknown top-level key", "# x\nchanels: []\n", 2, 1,
     "unknown key 'chanels'"},
    {"unknown spawner key", "spawners:\n  - function: f\n    callable: 1\n",
     3, 5, "unknown key 'callable'"},
    {"unknown worker key", "workers:\n  - type: W\n    start: [S]\n    stops: [T]\n",
     4, 5, "unknown key 'stops'"},
    {"unknown op name", "channels:\n  - type: X\n    ops: { Push: sendd }\n", 3,
     18, "unknown op 'sendd'"},
    {"unknown op name, block map",
     "channels:\n  - type: X\n    ops:\n      Push: send\n      Pop: receive\n",
     5, 12, "unknown op 'receive'"},
    {"unknown role", "functions:\n  - name: f\n    role: nap\n", 3, 11,
     "unknown op 'nap'"},
    {"unknown capacity", "channels:\n  - type: X\n    capacity: huge\n", 3, 15,
     "capacity must be"},
    {"zero-capacity bounded",
     "channels:\n  - type: X\n    capacity-arg: 0\n    zero-capacity: bounded\n",
     4, 20, "zero-capacity must be"},
    {"unknown receive-status",
     "channels:\n  - type: X\n    receive-status: yes\n", 3, 21,
     "receive-status must be"},
    {"number expected", "channels:\n  - type: X\n    capacity-arg: many\n", 3,
     19, "invalid number"},
    {"negative index", "spawners:\n  - function: f\n    callable-arg: -1\n", 3,
     19, "invalid number"},
    {"number out of range",
     "channels:\n  - type: X\n    capacity-adjust: 99999999999\n", 3, 22,
     "out of range"},
    {"boolean expected", "channels:\n  - type: X\n    one-shot: maybe\n", 3, 15,
     "invalid boolean"},
    {"unknown count kind", "channels:\n  - type: X\n    counts: beans\n", 3, 13,
     "counts must be"},
    {"scalar expected", "channels:\n  - type: [X]\n", 2, 12,
     "expected a scalar value"},
    {"sequence expected", "channels: foo\n", 1, 11, "expected a sequence"},
    {"mapping expected", "channels:\n  - foo\n", 2, 5, "expected a mapping"},
    {"ops is not a map", "channels:\n  - type: X\n    ops: [Push]\n", 3, 11,
     "expected a mapping"},
    {"start is not a list", "workers:\n  - type: W\n    start: Start\n", 3, 12,
     "expected a sequence"},
    {"top level is a list", "- a\n- b\n", 1, 1, "expected a mapping"},
    {"missing type", "channels:\n  - family: x\n    capacity: bounded\n", 2, 5,
     "missing required key 'type'"},
    {"missing type, flow", "channels: [ { family: x } ]\n", 1, 15,
     "missing required key 'type'"},
    {"missing worker type", "workers:\n  - start: [S]\n", 2, 5,
     "missing required key 'type'"},
    {"missing function name", "functions:\n  - role: sleep\n", 2, 5,
     "missing required key 'name'"},
    {"missing role", "functions:\n  - name: f\n", 2, 5,
     "missing required key 'role'"},
    {"spawner without a name", "spawners:\n  - callable-arg: 1\n", 2, 5,
     "missing required key 'function' or 'constructor'"},
    {"spawner with both names",
     "spawners:\n  - function: f\n    constructor: C\n", 2, 5, "not both"},
    {"type with no value", "channels:\n  - type:\n    family: x\n", 2, 5,
     "key 'type' has no value"},
    {"type with no value at end", "channels:\n  - type:\n", 2, 5,
     "key 'type' has no value"},
    {"empty type", "channels:\n  - type: ''\n", 2, 5, "must not be empty"},
    {"duplicate key", "channels:\n  - type: X\n    type: Y\n", 3, 5,
     "duplicated mapping key 'type'"},
    {"duplicate channel", "channels:\n  - type: X\n  - type: X\n", 3, 5,
     "channel 'X' is declared twice"},
    {"bounded without size", "channels:\n  - type: X\n    capacity: bounded\n",
     2, 5, "needs capacity-arg"},
    {"zero-capacity without arg",
     "channels:\n  - type: X\n    zero-capacity: unbounded\n", 2, 5,
     "zero-capacity needs capacity-arg"},
    {"worker without start", "workers:\n  - type: W\n    stop: [S]\n", 2, 5,
     "needs at least one 'start'"},
    {"forwarded equals callable",
     "spawners:\n  - function: f\n    callable-arg: 1\n    forwarded-args-from: 1\n",
     2, 5, "must differ"},
    {"versioned defect without its macro",
     "channels:\n  - type: Q\n    cancelled-receive-disables-buffer: {fixed-in: 3}\n", 3, 41,
     "missing required key 'version-macro'"},
    {"event loop that also counts",
     "channels:\n  - type: L\n    event-loop: true\n    counts: permits\n", 2, 5,
     "an event loop counts work of its own"},
    {"work guard twice", "work-guards:\n  - type: G\n  - type: G\n", 3, 5,
     "work guard 'G' is declared twice"},
    {"work guard without a type", "work-guards:\n  - release: [r]\n", 2, 5,
     "missing required key 'type'"},
    {"second document", "channels: []\n---\nworkers: []\n", 3, 1,
     "one YAML document"},
    {"alias", "x: &a [1]\nchannels: *a\n", 2, 11, "aliases are not supported"},
    {"alias in a list", "channels:\n  - &q {type: Q}\n  -   *q\n", 3, 7,
     "aliases are not supported"},
    {"complex key", "? [a]\n: b\n", 1, 4, "Map key must be a scalar"},
    {"too deep", "channels: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                 "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"
                 "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
     1, 75, "nesting deeper than 64 levels"},
};

TEST(ModelFileTest, MalformedFilesGiveOneErrorAtTheRightPosition) {
  for (const BadFile &B : BadFiles) {
    SCOPED_TRACE(B.What);
    std::string Msg = errorOf(B.Text, "bad.yaml");
    std::string Prefix = "bad.yaml:" + std::to_string(B.Line) + ":" +
                         std::to_string(B.Column) + ": ";
    EXPECT_EQ(Msg.substr(0, Prefix.size()), Prefix) << Msg;
    EXPECT_NE(Msg.find(B.Says), std::string::npos) << Msg;
    EXPECT_EQ(Msg.find('\n'), std::string::npos) << Msg;
  }
}

TEST(ModelFileTest, UnknownOpListsTheValidNames) {
  std::string Msg = errorOf("functions:\n  - name: f\n    role: Sleep\n");
  EXPECT_NE(Msg.find("unknown op 'Sleep'"), std::string::npos) << Msg;
  for (const char *Name : {"send", "recv", "try_recv", "sleep", "detach"})
    EXPECT_NE(Msg.find(Name), std::string::npos) << Name;
}

TEST(ModelFileTest, ErrorsUseTheBufferName) {
  std::string Msg = errorOf("nope: 1\n", "/some/dir/chanleak.yaml");
  EXPECT_EQ(Msg, "/some/dir/chanleak.yaml:1:1: unknown key 'nope'");
}

TEST(ModelFileTest, FirstErrorWins) {
  // Two problems: the reported one is the first yaml::Input meets.
  std::string Msg = errorOf("channels:\n  - type: X\n    colour: red\n"
                            "  - type: Y\n    shape: round\n");
  EXPECT_EQ(Msg, "test.yaml:3:5: unknown key 'colour'");
}

/// A file under the build tree, removed at the end of the test.
class TempFile {
public:
  TempFile(llvm::StringRef Name, llvm::StringRef Contents) {
    Path = (llvm::Twine(CHANLEAK_UNITTEST_TMPDIR) + "/" + Name).str();
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    EXPECT_FALSE(EC) << EC.message();
    OS << Contents;
  }
  ~TempFile() { llvm::sys::fs::remove(Path); }
  std::string Path;
};

TEST(ModelFileTest, LoadReadsAFile) {
  TempFile F("chanleak-load-ok.yaml", FullFile);
  llvm::Expected<ApiModel> M = loadModelFile(F.Path);
  ASSERT_TRUE(bool(M)) << llvm::toString(M.takeError());
  EXPECT_NE(M->findChannel("mylib::Queue"), nullptr);
}

TEST(ModelFileTest, LoadReportsErrorsAgainstThePath) {
  TempFile F("chanleak-load-bad.yaml", "channels:\n  - type: X\n    ops: { A: go }\n");
  llvm::Expected<ApiModel> M = loadModelFile(F.Path);
  ASSERT_FALSE(bool(M));
  std::string Msg = llvm::toString(M.takeError());
  EXPECT_EQ(Msg.rfind(F.Path + ":3:15: unknown op 'go'", 0), 0u) << Msg;
}

TEST(ModelFileTest, LoadingAMissingFileIsAClearError) {
  std::string Path =
      std::string(CHANLEAK_UNITTEST_TMPDIR) + "/no-such-model-file.yaml";
  llvm::Expected<ApiModel> M = loadModelFile(Path);
  ASSERT_FALSE(bool(M));
  EXPECT_EQ(llvm::toString(M.takeError()),
            Path + ": cannot read model file: No such file or directory");
}

TEST(ModelFileTest, LoadingADirectoryIsAnError) {
  llvm::Expected<ApiModel> M = loadModelFile(CHANLEAK_UNITTEST_TMPDIR);
  ASSERT_FALSE(bool(M));
  std::string Msg = llvm::toString(M.takeError());
  EXPECT_EQ(Msg.rfind(std::string(CHANLEAK_UNITTEST_TMPDIR) +
                          ": cannot read model file: ",
                      0),
            0u)
      << Msg;
}

/// Mutates the full example many times (deterministically): every result is
/// either a model or one positioned error; nothing crashes.
TEST(ModelFileTest, NeverCrashesOnMutatedInput) {
  const std::string Base = FullFile;
  const std::string Alphabet = ":-[]{},#&*!|>'\"%@`?\t\n \r\\0aZ~.";
  std::mt19937 Rng(20240611);
  unsigned Errors = 0;
  for (unsigned Round = 0; Round < 4000; ++Round) {
    std::string Text = Base;
    unsigned Edits = 1 + Rng() % 4;
    for (unsigned E = 0; E < Edits && !Text.empty(); ++E) {
      size_t At = Rng() % Text.size();
      switch (Rng() % 5) {
      case 0:
        Text.erase(At, 1 + Rng() % 8);
        break;
      case 1:
        Text.insert(At, 1, Alphabet[Rng() % Alphabet.size()]);
        break;
      case 2:
        Text[At] = Alphabet[Rng() % Alphabet.size()];
        break;
      case 3:
        Text.resize(At);
        break;
      case 4:
        Text.insert(At, Text.substr(Rng() % Text.size(), 1 + Rng() % 40));
        break;
      }
    }
    llvm::Expected<ApiModel> M = parseModelFile(Text, "fuzz.yaml");
    if (!M) {
      ++Errors;
      std::string Msg = llvm::toString(M.takeError());
      ASSERT_EQ(Msg.rfind("fuzz.yaml:", 0), 0u) << Msg << "\n---\n" << Text;
      unsigned Line = 0, Col = 0;
      ASSERT_EQ(sscanf(Msg.c_str(), "fuzz.yaml:%u:%u: ", &Line, &Col), 2)
          << Msg;
      EXPECT_GE(Line, 1u);
      EXPECT_GE(Col, 1u);
    }
  }
  EXPECT_GT(Errors, 0u);
}

TEST(ModelFileTest, NeverCrashesOnOddInputs) {
  std::string Deep(100000, '[');
  std::string DeepBlock;
  for (int I = 0; I < 50000; ++I)
    DeepBlock += "- ";
  std::string DeepMap;
  for (int I = 0; I < 50000; ++I)
    DeepMap += "{a: ";
  const std::string Inputs[] = {
      std::string("channels:\0\n", 11),
      "channels:\n  - type: \xff\xfe\n",
      "\xef\xbb\xbf" "channels: []\n", // UTF-8 byte order mark
      "channels: " + Deep,
      "channels: " + Deep + std::string(100000, ']'),
      "channels:\n" + DeepBlock + "x\n",
      "channels: " + DeepMap,
      "%YAML 1.2\n---\nchannels: []\n",
      "%TAG ! tag:x,2000:\n--- !foo\nchannels: []\n",
      "channels: !!map {}\n",
      "channels: |\n  text\n",
      "channels: >\n  text\n",
      "&a\n",
      "~\n",
      "*\n",
      "*a\n",
      "? a\n",
      ": a\n",
      "'\n",
      "\"\\",
      "---\n---\n---\n",
      "...\n...\n",
      "[",
      "{",
      "}",
      "-",
      "\t",
      "channels:\n- type: x\n  ops: {a: send, a: recv}\n",
      "channels:\n  - type: X\n    ops: { ? [a] : send }\n",
      "channels:\n  - type: X\n    ops: { : send }\n",
      // Found by libFuzzer: a node made during error recovery, and an alias
      // as the root of a second document.
      "functions:\n  -  - hannels:\n  - type: X\n    o ra: X\n    sX\n"
      "    o\n%    family: mylicrkerslsb\n    cape-wakes-senders: Nai",
      " { }*Pp:n ",
      "channels: []\n--- *a\n",
  };
  for (const std::string &Text : Inputs) {
    llvm::Expected<ApiModel> M = parseModelFile(Text, "odd.yaml");
    if (!M) {
      std::string Msg = llvm::toString(M.takeError());
      EXPECT_EQ(Msg.rfind("odd.yaml:", 0), 0u) << Msg;
    }
  }
}

} // namespace
