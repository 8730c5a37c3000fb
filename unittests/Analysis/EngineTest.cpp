//===- EngineTest.cpp - The static engine on small snippets ---------------===//
//
// What the extractor records for each way a handle reaches a thread, what a
// summary holds, and the explorer's verdict and witness, on translation
// units built in memory against a few declarations that mimic the real
// channel headers (the model recognises them by qualified name).
//
//===----------------------------------------------------------------------===//

#include "chanleak/Analysis/Engine.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Tooling/Tooling.h"
#include "gtest/gtest.h"
#include <map>

using namespace clang;

namespace chanleak {
namespace {

const char *Prelude = R"cpp(
namespace std {
  template <class T> T &&move(T &t) { return static_cast<T &&>(t); }
  class thread {
  public:
    template <class F, class... A> explicit thread(F &&f, A &&...a) {}
    void join();
    void detach();
  };
  template <class T> struct shared_ptr {
    T *operator->() const;
    T &operator*() const;
  };
  template <class T, class... A> shared_ptr<T> make_shared(A &&...a);
  class mutex {
  public:
    void lock();
    void unlock();
  };
  template <class M> class lock_guard {
  public:
    explicit lock_guard(M &m);
    ~lock_guard();
  };
  template <class M> class unique_lock {
  public:
    explicit unique_lock(M &m);
    ~unique_lock();
    void unlock();
  };
  class condition_variable {
  public:
    void notify_one();
    void notify_all();
    void wait(unique_lock<mutex> &lk);
    template <class P> void wait(unique_lock<mutex> &lk, P pred) {}
    template <class D, class P> bool wait_for(unique_lock<mutex> &lk, D d, P pred) { return true; }
  };
  class latch {
  public:
    explicit latch(long n);
    void count_down(long n = 1);
    void wait() const;
    void arrive_and_wait(long n = 1);
  };
  template <long Max = 1000> class counting_semaphore {
  public:
    explicit counting_semaphore(long n);
    void release(long n = 1);
    void acquire();
  };
  template <class F = void> class barrier {
  public:
    explicit barrier(long n);
    void arrive_and_wait();
  };
  template <class T> class future {
  public:
    T get();
  };
  template <class T> class promise {
  public:
    future<T> get_future();
    void set_value(T v);
  };
  template <class T> class deque {
  public:
    void push_back(const T &v);
    void pop_front();
    T &front();
    bool empty() const;
  };
  template <class T> class vector {
  public:
    T *begin();
    T *end();
    template <class... A> void emplace_back(A &&...a) {}
    void push_back(const T &v);
  };
  namespace this_thread {
    template <class D> void sleep_for(const D &d);
  }
}
namespace boost { namespace fibers {
  enum class channel_op_status { success, empty, full, closed, timeout };
  template <class T> class unbuffered_channel {
  public:
    channel_op_status push(T v);
    channel_op_status pop(T &v);
    void close();
  };
  template <class T> class buffered_channel {
  public:
    explicit buffered_channel(unsigned n);
    channel_op_status push(T v);
    channel_op_status pop(T &v);
    void close();
  };
}}
using Chan = boost::fibers::unbuffered_channel<int>;
bool bad();
)cpp";

/// Library headers the snippets include, as system headers: the engine
/// treats what a library declares differently from the user's code.
constexpr const char *SystemDir = "/chanleak-test-include";
const tooling::FileContentMappings SystemHeaders = {
    {std::string(SystemDir) + "/asio.hpp", R"cpp(
namespace asio {
class io_context {
public:
  struct executor_type {};
  executor_type get_executor();
  long run();
  void stop();
};
template <class E> class executor_work_guard {
public:
  explicit executor_work_guard(const E &);
  ~executor_work_guard();
  void reset();
};
executor_work_guard<io_context::executor_type> make_work_guard(io_context &io);
}
)cpp"}};

class EngineTest : public ::testing::Test {
protected:
  /// Builds Code and returns the witnesses of its function Name.
  const std::vector<Witness> &witnessesOf(llvm::StringRef Code, llvm::StringRef Name) {
    AST = tooling::buildASTFromCodeWithArgs(
        (llvm::Twine(Prelude) + Code).str(),
        {"-std=c++20", "-fsyntax-only", "-isystem", SystemDir}, "input.cpp", "clang-tool",
        std::make_shared<PCHContainerOperations>(),
        tooling::getClangStripDependencyFileAdjuster(), SystemHeaders);
    EXPECT_TRUE(AST);
    EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred()) << "the snippet does not compile";
    Engine = std::make_unique<LeakEngine>(Index, AST->getASTContext());
    const FunctionDecl *FD = function(Name);
    EXPECT_TRUE(FD) << Name.str();
    static const std::vector<Witness> None;
    return FD ? Engine->witnesses(*FD) : None;
  }

  const FunctionDecl *function(llvm::StringRef Name) {
    for (const Decl *D : AST->getASTContext().getTranslationUnitDecl()->decls())
      if (const auto *FD = dyn_cast<FunctionDecl>(D);
          FD && FD->getName() == Name && FD->doesThisDeclarationHaveABody())
        return FD;
    return nullptr;
  }

  unsigned lineOf(const Stmt *S) {
    return S ? AST->getSourceManager().getPresumedLineNumber(S->getBeginLoc()) : 0;
  }

  /// The line of Code (counted from the snippet's first line) holding Text.
  unsigned lineOfText(llvm::StringRef Code, llvm::StringRef Text) {
    unsigned PreludeLines = llvm::StringRef(Prelude).count('\n');
    llvm::StringRef Before = Code.substr(0, Code.find(Text));
    return PreludeLines + Before.count('\n') + 1;
  }

  ModelIndex Index{ApiModel::builtin()};
  std::unique_ptr<ASTUnit> AST;
  std::unique_ptr<LeakEngine> Engine;
};

// --- objects, not declarations ---------------------------------------------

TEST_F(EngineTest, PointerReassignedBeforeTheSpawnNamesTheLastTarget) {
  // p names b when the thread starts: the parent's receive from b rescues it.
  const char *Code = R"cpp(
void f() {
  Chan a, b;
  Chan *p = &a;
  p = &b;
  std::thread([p] { p->push(1); }).detach();
  int v;
  b.pop(v);
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, PointerReassignedAfterTheSpawnKeepsTheFirstTarget) {
  const char *Code = R"cpp(
void f() {
  Chan a, b;
  Chan *p = &a;
  std::thread([p] { p->push(1); }).detach();
  std::thread([&b] { b.push(2); }).detach();
  p = &b;
  int v;
  p->pop(v);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::EarlyReturn);
  EXPECT_EQ(Engine->objectName(W[0].Object), "'a'");
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "p->push"));
}

TEST_F(EngineTest, SharedPtrCopyCapturedByValueIsTheSameChannel) {
  const char *Code = R"cpp(
void f() {
  auto ch = std::make_shared<Chan>();
  auto copy = ch;
  std::thread([copy] { copy->push(1); }).detach();
  if (bad())
    return;
  int v;
  ch->pop(v);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::EarlyReturn);
  EXPECT_EQ(Engine->objectName(W[0].Object), "'ch'");
  EXPECT_EQ(lineOf(W[0].Exit), lineOfText(Code, "return;"));
}

TEST_F(EngineTest, ParameterOfTheAnalysedFunctionEscapes) {
  // The caller may receive: nothing is reported.
  const char *Code = R"cpp(
void f(Chan &ch) {
  std::thread([&ch] { ch.push(1); }).detach();
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, FunctorTemporaryMembersNameItsArguments) {
  // The aggregate's member is the parent's channel: the early return strands
  // the sender.
  const char *Code = R"cpp(
struct Sender {
  Chan *ch;
  void operator()() const { ch->push(1); }
};
void f() {
  Chan ch;
  std::thread(Sender{&ch}).detach();
  if (bad())
    return;
  int v;
  ch.pop(v);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(Engine->objectName(W[0].Object), "'ch'");
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "ch->push"));
}

TEST_F(EngineTest, FactorySizedByItsParameterTakesEachCallsCapacity) {
  // make(2) holds one value, make(4) three: only the first call's channel
  // strands the third send.
  const char *Code = R"cpp(
using Buffered = boost::fibers::buffered_channel<int>;
std::shared_ptr<Buffered> make(unsigned n) { return std::make_shared<Buffered>(n); }
void tight() {
  auto ch = make(2);
  std::thread([ch] { ch->push(1); ch->push(2); ch->push(3); }).detach();
  int v;
  ch->pop(v);
}
void roomy() {
  auto ch = make(4);
  std::thread([ch] { ch->push(1); ch->push(2); ch->push(3); }).detach();
  int v;
  ch->pop(v);
}
)cpp";
  const auto &W = witnessesOf(Code, "tight");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "ch->push(3)"));
  EXPECT_TRUE(Engine->witnesses(*function("roomy")).empty());
}

// --- summaries ----------------------------------------------------------------

TEST_F(EngineTest, HelperThatMayReturnEarlyIsSummarisedOnce) {
  // The early-return receive moved into a helper still strands the sender.
  const char *Code = R"cpp(
bool maybe_recv(Chan &ch, bool skip) {
  if (skip)
    return false;
  int v;
  ch.pop(v);
  return true;
}
void f(bool skip) {
  Chan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  maybe_recv(ch, skip);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::EarlyReturn);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "ch.push(1)"));
  // One summary of the helper, whoever calls it.
  const FunctionDecl *Helper = function("maybe_recv");
  ASSERT_TRUE(Helper);
  unsigned Index = Engine->summaryIndex(*Helper);
  EXPECT_EQ(Engine->summaryIndex(*Helper), Index);
  EXPECT_TRUE(Engine->summary(*Helper).HasEvents);
}

TEST_F(EngineTest, HelperThatAlwaysReceivesRescues) {
  const char *Code = R"cpp(
void recv(Chan &ch) { int v; ch.pop(v); }
void f() {
  Chan ch;
  std::thread([&ch] { ch.push(1); }).detach();
  recv(ch);
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

// --- loops keep their counts --------------------------------------------------

TEST_F(EngineTest, StepOfTwoSpawnsTwoSenders) {
  // i = 0, 2: two senders, not four. One fits in the buffer (Boost's
  // buffered_channel(2) holds one value), the receive takes the other.
  const char *Code = R"cpp(
void f() {
  boost::fibers::buffered_channel<int> ch(2);
  for (int i = 0; i < 4; i += 2)
    std::thread([&ch] { ch.push(1); }).detach();
  int v;
  ch.pop(v);
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, ThreeSendersOneSlotOneReceiveIsTakeFirst) {
  const char *Code = R"cpp(
void f() {
  boost::fibers::buffered_channel<int> ch(2);
  for (int i = 0; i < 3; ++i)
    std::thread([&ch] { ch.push(1); }).detach();
  int v;
  ch.pop(v);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::TakeFirst);
  ASSERT_TRUE(W[0].SpawnLoopCount);
  EXPECT_EQ(*W[0].SpawnLoopCount, 3u);
  EXPECT_EQ(W[0].Received, 1u);
}

TEST_F(EngineTest, LoopsOverTheSameBoundRunEqually) {
  // n senders and n receives: whatever n is, nothing is left over.
  const char *Code = R"cpp(
void f(int n) {
  Chan ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch] { ch.push(1); }).detach();
  for (int i = 0; i < n; ++i) {
    int v;
    ch.pop(v);
  }
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, LoopBoundsLinearInOneVariableRunInProportion) {
  // n senders of two values each, 2 * n receives; the first answer and
  // n - 1 late ones: nothing is left over.
  const char *Code = R"cpp(
void twice(int n) {
  Chan ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch] { ch.push(1); ch.push(2); }).detach();
  for (int j = 0; j < n * 2; ++j) {
    int v;
    ch.pop(v);
  }
}
void first_then_late(int n) {
  Chan ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch] { ch.push(1); }).detach();
  int v;
  ch.pop(v);
  for (int j = 0; j < n - 1; ++j)
    ch.pop(v);
}
void one_short(int n) {
  Chan ch;
  for (int i = 0; i < n; ++i)
    std::thread([&ch] { ch.push(1); }).detach();
  for (int j = 1; j < n; ++j) {
    int v;
    ch.pop(v);
  }
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "twice").empty());
  EXPECT_TRUE(Engine->witnesses(*function("first_then_late")).empty());
  // j from 1: n - 1 receives for n senders.
  const auto &W = Engine->witnesses(*function("one_short"));
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "[&ch] { ch.push(1); }).detach();\n  for (int j = 1"));
}

TEST_F(EngineTest, LoopBoundByAParameterRunsAsOftenAsEveryCallSays) {
  // start(ch, n) spawns n senders; every call passes 2 (directly, or through
  // a parameter of its own caller), so two receives take every value.
  auto Program = [](const char *Receives) {
    return std::string(R"cpp(
void start(Chan &ch, int n) {
  for (int i = 0; i < n; ++i)
    std::thread([&ch] { ch.push(1); }).detach();
}
void start_via(Chan &ch, int m) { start(ch, m); }
void f() {
  Chan ch;
  start_via(ch, 2);
  int v;
)cpp") + Receives + "}\n";
  };
  EXPECT_TRUE(witnessesOf(Program("  ch.pop(v);\n  ch.pop(v);\n"), "f").empty());
  const auto &W = witnessesOf(Program("  ch.pop(v);\n"), "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Instances, 2u);
}

// --- the explorer's choices ---------------------------------------------------

TEST_F(EngineTest, ReceiveLoopWithNoCloseIsRangeWithoutClose) {
  const char *Code = R"cpp(
void f() {
  Chan jobs;
  std::thread([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  }).detach();
  jobs.push(1);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::RangeWithoutClose);
  EXPECT_EQ(W[0].Strand, StrandKind::NeverClosed);
}

TEST_F(EngineTest, CloseBySiblingThreadRescuesTheReceiveLoop) {
  const char *Code = R"cpp(
void f() {
  Chan jobs;
  std::thread([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  }).detach();
  std::thread([&jobs] { jobs.push(1); jobs.close(); }).detach();
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, SentinelValueGetsTheBenefitOfTheDoubt) {
  // The worker ends on a value it receives; the engine cannot see which.
  const char *Code = R"cpp(
void f() {
  Chan jobs;
  std::thread([&jobs] {
    for (;;) {
      int v;
      jobs.pop(v);
      if (v < 0)
        break;
    }
  }).detach();
  jobs.push(1);
  jobs.push(-1);
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, SecondSendAfterForgottenReturnIsDoubleSend) {
  const char *Code = R"cpp(
void f() {
  Chan ch;
  std::thread([&ch] {
    if (bad()) {
      ch.push(-1);
    }
    ch.push(1);
  }).detach();
  int v;
  ch.pop(v);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::DoubleSend);
  EXPECT_EQ(lineOf(W[0].FirstSend), lineOfText(Code, "ch.push(-1)"));
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "ch.push(1)"));
}

TEST_F(EngineTest, GuardDestructorClosesOnEveryExit) {
  const char *Code = R"cpp(
struct CloseOnExit {
  Chan &ch;
  ~CloseOnExit() { ch.close(); }
};
void f() {
  Chan jobs;
  std::thread([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  }).detach();
  CloseOnExit guard{jobs};
  if (bad())
    return;
  jobs.push(1);
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, RecursiveHelperIsCutNotFollowed) {
  const char *Code = R"cpp(
void spin(Chan &ch, int n) { if (n > 0) spin(ch, n - 1); else ch.close(); }
void f() {
  Chan jobs;
  std::thread([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  }).detach();
  spin(jobs, 3);
}
)cpp";
  // The recursive call is not summarised: jobs escapes into it, and what
  // the engine cannot see may close it.
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

/// Two threads run handle() at once, and both may reject: each call's
/// channel is its own, with room for its one value. Were they one, the two
/// values could not both fit.
std::string overlappingCalls(llvm::StringRef Channel) {
  return (R"cpp(
void handle() {
  auto ch = std::make_shared<)cpp" +
          Channel + R"cpp(;
  std::thread([ch] { ch->push(1); }).detach();
  if (bad())
    return;
  int v;
  ch->pop(v);
}
void f() {
  std::thread a(handle);
  std::thread b(handle);
  a.join();
  b.join();
}
)cpp")
      .str();
}

TEST_F(EngineTest, OverlappingCallsWithBufferedChannelsStaySilent) {
  EXPECT_TRUE(witnessesOf(overlappingCalls("boost::fibers::buffered_channel<int>>(2)"), "f").empty());
}

TEST_F(EngineTest, OverlappingCallsWithUnbufferedChannelsStrandTheRejectedSender) {
  std::string Code = overlappingCalls("Chan>()");
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::EarlyReturn);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "ch->push(1)"));
}

TEST_F(EngineTest, WaitInsideAQueueMethodIsReportedAtTheCall) {
  const char *Code = R"cpp(
struct Slot {
  std::mutex mu;
  std::condition_variable room;
  bool full = false;
  void push() {
    std::unique_lock<std::mutex> lk(mu);
    room.wait(lk, [&] { return !full; });
    full = true;
  }
};
void f() {
  auto s = std::make_shared<Slot>();
  std::thread([s] {
    s->push();
    s->push();
  }).detach();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  // The second push: the first finds room.
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "s->push();") + 1);
  EXPECT_EQ(lineOf(W[0].InnerWait), lineOfText(Code, "room.wait"));
  ASSERT_TRUE(W[0].InnerWaitIn);
  EXPECT_EQ(W[0].InnerWaitIn->getName(), "push");
}

TEST_F(EngineTest, ReturnsTellACallerThatTestsTheResultWhatItGot) {
  const char *Code = R"cpp(
int *made();
bool take(Chan &ch, int &v, bool skip) {
  if (skip)
    return false;
  ch.pop(v);
  return true;
}
int *take_ptr(Chan &ch, bool skip, bool reuse) {
  int v;
  ch.pop(v);
  if (skip)
    return nullptr;
  if (reuse)
    return made();
  return new int(v);
}
void f(Chan &ch) {
  int v;
  while (take(ch, v, false)) {}
  take(ch, v, true);
  if (int *p = take_ptr(ch, false, false)) {}
}
)cpp";
  witnessesOf(Code, "f");
  auto Returns = [&](llvm::StringRef Name) {
    std::vector<Outcome> Out;
    for (const Event &Ev : Engine->summary(*function(Name)).Events)
      if (Ev.Kind == EventKind::Return && !Ev.Throws)
        Out.push_back(Ev.Out);
    llvm::sort(Out);
    return Out;
  };
  EXPECT_EQ(Returns("take"), (std::vector<Outcome>{Outcome::Success, Outcome::Fail}));
  // A pointer of unknown origin could be null.
  EXPECT_EQ(Returns("take_ptr"),
            (std::vector<Outcome>{Outcome::Any, Outcome::Success, Outcome::Fail}));
  // Only the calls whose result a branch tests carry it back.
  std::map<unsigned, int> SlotByLine;
  for (const Event &Ev : Engine->summary(*function("f")).Events)
    if (Ev.Kind == EventKind::Call)
      SlotByLine[lineOf(Ev.Site)] = Ev.ResultSlot;
  ASSERT_EQ(SlotByLine.size(), 3u);
  EXPECT_GE(SlotByLine[lineOfText(Code, "while (take(")], 0);
  EXPECT_EQ(SlotByLine[lineOfText(Code, "  take(ch, v, true)")], -1);
  EXPECT_GE(SlotByLine[lineOfText(Code, "if (int *p")], 0);
}

// --- timer handlers ---------------------------------------------------------

const char *TimerPrelude = R"cpp(
namespace std {
  class error_code {
  public:
    explicit operator bool() const;
  };
}
namespace asio {
  template <class Clock> class basic_waitable_timer {
  public:
    template <class H> void async_wait(H &&handler);
    void cancel();
  };
  using steady_timer = basic_waitable_timer<int>;
}
struct Ticker {
  asio::steady_timer t;
  bool stopping = false;
  void arm() {
    t.async_wait([this](const std::error_code &ec) {
      if (ec)
        return;
      arm();
    });
  }
  void arm_stoppable() {
    t.async_wait([this](const std::error_code &ec) {
      if (ec || stopping)
        return;
      arm_stoppable();
    });
  }
};
void f(Ticker &k) {
  k.arm();
  k.arm_stoppable();
}
)cpp";

TEST_F(EngineTest, HandlerThatArmsItsTimerOnEverySuccessfulWaitRepeatsForever) {
  std::string Code = TimerPrelude;
  const std::vector<Witness> &W = witnessesOf(Code, "f");
  // Only a failed wait ends arm()'s chain, and nothing cancels the timer;
  // arm_stoppable()'s handler may also leave on a flag.
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::LoopingTimer);
  EXPECT_EQ(W[0].Strand, StrandKind::Rearms);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "t.async_wait([this](const std::error_code &ec) {"));
}

TEST_F(EngineTest, CancellingATimerEndsHandlerChains) {
  std::string Code = std::string(TimerPrelude) + "void stop(Ticker &k) { k.t.cancel(); }\n";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

// --- condition-variable protocols ------------------------------------------

TEST_F(EngineTest, PredicateWaitStrandedWhenTheFlagWriteIsSkipped) {
  const char *Code = R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return ready; });
  });
  t.detach();
  if (bad())
    return;
  {
    std::lock_guard<std::mutex> g(m);
    ready = true;
  }
  cv.notify_all();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::EarlyReturn);
  EXPECT_EQ(W[0].Strand, StrandKind::ParentLeaves);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "cv.wait"));
}

TEST_F(EngineTest, PredicateWaitRescuedByAWriteOnEveryPath) {
  const char *Code = R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return ready; });
  });
  t.detach();
  {
    std::lock_guard<std::mutex> g(m);
    ready = true;
  }
  cv.notify_all();
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

// A timed wait's status kept in a variable: every branch on it takes the
// way the wait went, so the waiter that gave up skips the taking branch.
const char *StatusCode = R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool full = false, taken = false, closed = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> lk(m);
    full = true;
    cv.notify_all();
    cv.wait(lk, [&] { return taken || closed; });
  });
  t.detach();
  bool got = false;
  {
    std::unique_lock<std::mutex> lk(m);
    got = cv.wait_for(lk, 20, [&] { return full; });
    if (got) {
      taken = true;
      cv.notify_all();
    }
  }
  if (!got) {
    CLOSE
  }
}
)cpp";

TEST_F(EngineTest, StatusVariableGaveUpSkipsEveryTakingBranch) {
  std::string Code = StatusCode;
  Code.replace(Code.find("CLOSE"), 5, "return;");
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::CancelTimeout);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "cv.wait(lk"));
  EXPECT_EQ(lineOf(W[0].GaveUp), lineOfText(Code, "got = cv.wait_for"));
}

TEST_F(EngineTest, StatusVariableGaveUpBranchThatClosesRescues) {
  std::string Code = StatusCode;
  Code.replace(Code.find("CLOSE"), 5,
               "std::lock_guard<std::mutex> g(m); closed = true; cv.notify_all();");
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

// Three senders share one slot under a mutex: a sender that found it empty
// fills it before another can look, so a parent that takes three values
// strands nobody, and one that leaves after one value strands the others.
const char *SlotCode = R"cpp(
struct Slot {
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
};
void f() {
  Slot s;
  for (int id = 0; id < 3; ++id)
    std::thread([&s] {
      std::unique_lock<std::mutex> lk(s.mu);
      s.cv.wait(lk, [&] { return !s.full; });
      s.full = true;
      s.cv.notify_all();
    }).detach();
  for (int j = 0; j < TAKEN; ++j) {
    std::unique_lock<std::mutex> lk(s.mu);
    s.cv.wait(lk, [&] { return s.full; });
    s.full = false;
    s.cv.notify_all();
  }
}
)cpp";

TEST_F(EngineTest, MutexKeepsACheckAndItsWriteTogether) {
  std::string Code = SlotCode;
  Code.replace(Code.find("TAKEN"), 5, "3");
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, MutexedSlotStrandsTheSendersNobodyTakesFrom) {
  std::string Code = SlotCode;
  Code.replace(Code.find("TAKEN"), 5, "1");
  const auto &W = witnessesOf(Code, "f");
  ASSERT_FALSE(W.empty());
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "s.cv.wait(lk, [&] { return !s.full; })"));
}

TEST_F(EngineTest, WriteWithoutTheMutexLosesTheWakeup) {
  const char *Code = R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread t([&] {
    done = true;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [&] { return done; });
  lk.unlock();
  t.join();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Strand, StrandKind::LostWakeup);
  EXPECT_EQ(lineOf(W[0].FirstSend), lineOfText(Code, "cv.notify_all"));
}

TEST_F(EngineTest, WriteUnderTheMutexWakesTheWaiter) {
  const char *Code = R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread t([&] {
    {
      std::lock_guard<std::mutex> g(m);
      done = true;
    }
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lk(m);
  cv.wait(lk, [&] { return done; });
  lk.unlock();
  t.join();
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, NotifyOneWakesOneOfTwoWaiters) {
  // Two threads wait for the same flag; the parent sets it and notifies.
  auto TwoWaiters = [](llvm::StringRef Notify) {
    return (llvm::Twine(R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  auto wait_open = [&] {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return open; });
  };
  std::thread a(wait_open), b(wait_open);
  a.detach();
  b.detach();
  {
    std::lock_guard<std::mutex> g(m);
    open = true;
  }
  cv.)cpp") + Notify + "();\n}\n").str();
  };
  const auto &W = witnessesOf(TwoWaiters("notify_one"), "f");
  ASSERT_FALSE(W.empty());
  EXPECT_EQ(W[0].Strand, StrandKind::WokeAnother);
  EXPECT_TRUE(witnessesOf(TwoWaiters("notify_all"), "f").empty());
}

TEST_F(EngineTest, NotifyOneToTheOnlyWaiterIsALostWakeup) {
  const char *Code = R"cpp(
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool full = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> lk(m);
    while (!full)
      cv.wait(lk);
  });
  full = true;
  cv.notify_one();
  t.join();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Strand, StrandKind::LostWakeup);
}

// The parent polls until the waiter has checked, then publishes: its poll
// waits for the waiter's write and cannot hold the waiter back by going
// round, so the notify lands between the waiter's check and its sleep.
TEST_F(EngineTest, PollWaitsForTheWriteItPolls) {
  auto Handshake = [](llvm::StringRef Publish) {
    return (llvm::Twine(R"cpp(
bool checked = false;
void f() {
  std::mutex m;
  std::condition_variable cv;
  bool full = false;
  std::thread t([&] {
    std::unique_lock<std::mutex> lk(m);
    while (!full) {
      checked = true;
      cv.wait(lk);
    }
  });
  while (!checked)
    std::this_thread::sleep_for(1);
)cpp") + Publish + R"cpp(
  cv.notify_one();
  checked = false; // ready for the next round
  t.join();
}
)cpp").str();
  };
  const auto &W = witnessesOf(Handshake("full = true;"), "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Strand, StrandKind::LostWakeup);
  EXPECT_TRUE(
      witnessesOf(Handshake("{ std::lock_guard<std::mutex> g(m); full = true; }"), "f").empty());
}

// The parent waits for a count that a worker stranded by a lost wakeup never
// brings down: one finding, the worker's; the parent's wait follows from it.
TEST_F(EngineTest, WaitOnAStuckThreadIsNotASecondFinding) {
  const char *Code = R"cpp(
void f() {
  std::mutex m, done_m;
  std::condition_variable cv, done_cv;
  bool ready = false;
  int pending = 1;
  std::thread t([&] {
    {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return ready; });
    }
    {
      std::lock_guard<std::mutex> g(done_m);
      --pending;
    }
    done_cv.notify_one();
  });
  ready = true;
  cv.notify_all();
  std::unique_lock<std::mutex> lk(done_m);
  done_cv.wait(lk, [&] { return pending == 0; });
  t.join();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Strand, StrandKind::LostWakeup);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "cv.wait(lk"));
}

TEST_F(EngineTest, RangeForJoinWaitsForTheThreadsOfTheContainer) {
  const char *Code = R"cpp(
void f() {
  Chan jobs;
  std::vector<std::thread> workers;
  workers.emplace_back([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  });
  for (auto &w : workers)
    w.join();
  jobs.close();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::RangeWithoutClose);
  EXPECT_EQ(lineOf(W[0].JoinedAt), lineOfText(Code, "w.join()"));
}

TEST_F(EngineTest, CloseBeforeTheRangeForJoinRescues) {
  const char *Code = R"cpp(
void f() {
  Chan jobs;
  std::vector<std::thread> workers;
  workers.emplace_back([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  });
  jobs.close();
  for (auto &w : workers)
    w.join();
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, ThreadReleasedOnlyAfterAHangingJoinIsNotASecondFinding) {
  const char *Code = R"cpp(
void f() {
  Chan jobs, stop;
  std::thread waiter([&stop] { int v; stop.pop(v); });
  std::thread consumer([&jobs] {
    int v;
    while (jobs.pop(v) == boost::fibers::channel_op_status::success) {}
  });
  consumer.join();
  jobs.close();
  stop.push(1);
  waiter.join();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::RangeWithoutClose);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "jobs.pop(v)"));
}

TEST_F(EngineTest, StaticLocalIsConstructedOnce) {
  auto Program = [](const char *Tail) {
    return std::string(R"cpp(
class Pool {
public:
  static Pool &Instance() {
    static Pool pool;
    return pool;
  }
  void Shutdown() {
    {
      std::lock_guard<std::mutex> g(mu_);
      stop_ = true;
    }
    cv_.notify_all();
  }
private:
  Pool() { std::thread([this] { Run(); }).detach(); }
  void Run() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [this] { return stop_; });
  }
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
};
void f() {
  Pool::Instance();
  Pool::Instance();
)cpp") + Tail + "}\n";
  };
  // One pool, one worker, whatever the number of calls.
  const auto &W = witnessesOf(Program(""), "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::OrphanedWorker);
  EXPECT_EQ(W[0].Instances, 1u);
  EXPECT_TRUE(witnessesOf(Program("  Pool::Instance().Shutdown();\n"), "f").empty());
}

// --- counters: latches, semaphores, barriers ---------------------------------

TEST_F(EngineTest, LatchWaitStrandedWhenTheCountDownIsSkipped) {
  const char *Code = R"cpp(
void f() {
  std::latch go(1);
  std::thread([&go] { go.wait(); }).detach();
  if (bad())
    return;
  go.count_down();
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::EarlyReturn);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "go.wait()"));
  EXPECT_EQ(lineOf(W[0].Exit), lineOfText(Code, "return;"));
}

TEST_F(EngineTest, LatchCountedDownByItsArgument) {
  // Three arrivals expected: two threads bring one each, or one brings two.
  auto Team = [](llvm::StringRef Second) {
    return (llvm::Twine(R"cpp(
void f() {
  std::latch done(3);
  std::thread a([&] { done.count_down(); });
  std::thread b([&] { done.)cpp") + Second + R"cpp(; });
  done.wait();
  a.join();
  b.join();
}
)cpp").str();
  };
  const auto &Short = witnessesOf(Team("count_down()"), "f");
  ASSERT_EQ(Short.size(), 1u);
  EXPECT_EQ(Short[0].Spawn, nullptr); // the analysed function itself waits
  EXPECT_TRUE(witnessesOf(Team("count_down(2)"), "f").empty());
}

TEST_F(EngineTest, SemaphorePermitsFromTheConstructor) {
  auto Acquirers = [](llvm::StringRef Permits) {
    return (llvm::Twine(R"cpp(
void f() {
  std::counting_semaphore<> slots()cpp") + Permits + R"cpp();
  std::thread a([&] { slots.acquire(); });
  std::thread b([&] { slots.acquire(); });
  a.join();
  b.join();
}
)cpp").str();
  };
  EXPECT_FALSE(witnessesOf(Acquirers("1"), "f").empty());
  EXPECT_TRUE(witnessesOf(Acquirers("2"), "f").empty());
}

TEST_F(EngineTest, BarrierCountStartsAgainEachPhase) {
  auto Phases = [](unsigned Rounds) {
    std::string Body;
    for (unsigned I = 0; I < Rounds; ++I)
      Body += "  sync.arrive_and_wait();\n";
    return R"cpp(
void f() {
  std::barrier<> sync(2);
  std::thread a([&] {
    sync.arrive_and_wait();
    sync.arrive_and_wait();
  });
)cpp" + Body + "  a.join();\n}\n";
  };
  EXPECT_TRUE(witnessesOf(Phases(2), "f").empty());
  EXPECT_FALSE(witnessesOf(Phases(1), "f").empty());
}

// --- calls that run again while an earlier call's threads still run ---------

// A worker the thread holds through `this`: the second call's worker is a new
// object, and the first keeps the members its own stop() set.
const char *RestartedWorker = R"cpp(
struct Worker {
  void start() {
    std::thread t([this] { loop(); });
    t.detach();
  }
  void stop() {
    {
      std::lock_guard<std::mutex> g(m);
      running = false;
    }
    cv.notify_all();
  }
  void loop() {
    std::unique_lock<std::mutex> lk(m);
    cv.wait(lk, [&] { return !running; });
  }
  std::mutex m;
  std::condition_variable cv;
  bool running = true;
};
)cpp";

TEST_F(EngineTest, EarlierCallsWorkerKeepsTheMembersItsStopSet) {
  std::string Code = std::string(RestartedWorker) + R"cpp(
void once() {
  auto w = std::make_shared<Worker>();
  w->start();
  w->stop();
}
void f() {
  once();
  once();
}
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

TEST_F(EngineTest, EarlierCallsWorkerLeftRunningIsStillStranded) {
  std::string Code = std::string(RestartedWorker) + R"cpp(
void once(bool stop) {
  auto w = std::make_shared<Worker>();
  w->start();
  if (stop)
    w->stop();
}
void f() {
  once(false);
  once(true);
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_FALSE(W.empty());
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "cv.wait"));
}

// A factory's promise is one name for every call's promise: each call's
// thread sets its own once; a thread that sets it twice still throws.
std::string promiseFactory(const char *Body) {
  return std::string(R"cpp(
std::future<int> submit(int x) {
  auto done = std::make_shared<std::promise<int>>();
  auto fut = done->get_future();
  std::thread t([done, x] {
)cpp") + Body + R"cpp(
  });
  t.detach();
  return fut;
}
int f() {
  auto a = submit(1);
  auto b = submit(2);
  return a.get() + b.get();
}
)cpp";
}

TEST_F(EngineTest, PromisesOfTwoCallsOfAFactoryAreSetOnceEach) {
  EXPECT_TRUE(witnessesOf(promiseFactory("done->set_value(x);"), "f").empty());
}

TEST_F(EngineTest, FactoryThreadSettingItsPromiseTwiceThrows) {
  std::string Code = promiseFactory("if (bad()) done->set_value(-1);\n done->set_value(x);");
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::DoubleSend);
  EXPECT_FALSE(W[0].FirstSetByAnother);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "done->set_value(x)"));
}

// The adversary's quickest stuck state skips every spawn and strands nobody;
// the explanation comes from another state it can force.
TEST_F(EngineTest, SpawningLoopThatMaySkipItsSpawnStillStrandsAnExtraSender) {
  const char *Code = R"cpp(
int f(int n) {
  Chan ch;
  for (int i = 0; i < n; ++i) {
    if (bad())
      continue;
    std::thread t([&ch, i] { ch.push(i); });
    t.detach();
  }
  int first;
  ch.pop(first);
  return first;
}
)cpp";
  const auto &W = witnessesOf(Code, "f");
  ASSERT_EQ(W.size(), 1u);
  EXPECT_EQ(W[0].Label, LeakLabel::TakeFirst);
  EXPECT_EQ(lineOf(W[0].Blocked), lineOfText(Code, "ch.push"));
}

// Two loops of a callee over one count run as many times as each other.
TEST_F(EngineTest, CalleesLoopsOverOneCountRunInStep) {
  const char *Code = R"cpp(
int count();
void relay(int n) {
  Chan jobs, results;
  std::thread t([&] {
    int j;
    while (jobs.pop(j) == boost::fibers::channel_op_status::success)
      results.push(j);
  });
  for (int i = 0; i < n; ++i)
    jobs.push(i);
  jobs.close();
  for (int i = 0; i < n; ++i) {
    int r;
    results.pop(r);
  }
  t.join();
}
void f() { relay(count()); }
)cpp";
  EXPECT_TRUE(witnessesOf(Code, "f").empty());
}

// --- values a call gives ------------------------------------------------------

/// A batcher whose worker waits for a stop or a full batch, the batch size
/// set from its constructor's parameter; Leave is what f does on an error.
std::string batcher(llvm::StringRef Leave) {
  return (llvm::Twine(R"cpp(
struct Batcher {
  std::mutex m;
  std::condition_variable cv;
  int pending = 0;
  int batch = 0;
  bool stopping = false;
  explicit Batcher(int n) { batch = n; }
};
void stop(Batcher &b) {
  {
    std::lock_guard<std::mutex> g(b.m);
    b.stopping = true;
  }
  b.cv.notify_one();
}
void f() {
  auto b = std::make_shared<Batcher>(4);
  std::thread([b] {
    std::unique_lock<std::mutex> lk(b->m);
    b->cv.wait(lk, [&] { return b->stopping || b->pending >= b->batch; });
  }).detach();
  if (bad()) {
    )cpp") + Leave + R"cpp(
  }
  stop(*b);
}
)cpp").str();
}

TEST_F(EngineTest, MemberSetFromAParameterTakesTheCallsArgument) {
  // The batch of 4 is not full when f returns early: the worker waits on.
  std::string Code = batcher("return;");
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "b->cv.wait"));
  EXPECT_TRUE(witnessesOf(batcher("stop(*b);\n    return;"), "f").empty());
}

/// A mailbox of as many slots as its constructor's defaulted parameter says,
/// that three threads post to and f receives from once.
std::string mailbox(llvm::StringRef Made) {
  return (llvm::Twine(R"cpp(
struct Mailbox {
  std::mutex m;
  std::condition_variable room, mail;
  int pending = 0;
  const int slots;
  explicit Mailbox(int n = 1) : slots(n) {}
  void post() {
    std::unique_lock<std::mutex> lk(m);
    room.wait(lk, [&] { return pending < slots; });
    ++pending;
    mail.notify_one();
  }
  void receive() {
    std::unique_lock<std::mutex> lk(m);
    mail.wait(lk, [&] { return pending > 0; });
    --pending;
    room.notify_one();
  }
};
void f() {
  auto box = )cpp") + Made + R"cpp(;
  for (int i = 0; i < 3; ++i)
    std::thread([box] { box->post(); }).detach();
  box->receive();
}
)cpp").str();
}

TEST_F(EngineTest, ParameterLeftToItsDefaultTakesTheDefault) {
  // One slot by default: the third post waits forever.
  std::string Code = mailbox("std::make_shared<Mailbox>()");
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "box->post()"));
  EXPECT_TRUE(witnessesOf(mailbox("std::make_shared<Mailbox>(2)"), "f").empty());
}

/// Three probes, each of which may skip its send, into a buffer that holds
/// all three; f takes Receives values.
std::string probes(unsigned Receives) {
  return R"cpp(
void f() {
  boost::fibers::buffered_channel<int> results(4);
  for (int i = 0; i < 3; ++i)
    std::thread([&results] {
      if (bad())
        return;
      results.push(1);
    }).detach();
  for (int i = 0; i < )cpp" +
         std::to_string(Receives) + R"cpp(; ++i) {
    int r;
    results.pop(r);
  }
}
)cpp";
}

TEST_F(EngineTest, FirstOfSeveralSendersIsNotStrandedByEveryOneSkipping) {
  // Waiting for the first probe: all three failing is the data's doing.
  EXPECT_TRUE(witnessesOf(probes(1), "f").empty());
  // Waiting for all three: one that skips strands the last receive.
  std::string Code = probes(3);
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "results.pop(r)"));
}

/// The same probes, waited for by a spawned thread (a task that picks the
/// first answer) rather than by the analysed function.
std::string spawnedPicker(unsigned Receives) {
  return R"cpp(
void f() {
  auto results = std::make_shared<boost::fibers::buffered_channel<int>>(4);
  std::thread([results] {
    for (int i = 0; i < 3; ++i)
      std::thread([results] {
        if (bad())
          return;
        results->push(1);
      }).detach();
    for (int i = 0; i < )cpp" +
         std::to_string(Receives) + R"cpp(; ++i) {
      int r;
      results->pop(r);
    }
  }).detach();
}
)cpp";
}

TEST_F(EngineTest, SpawnedPickerOfTheFirstSenderIsNotStrandedByEveryOneSkipping) {
  EXPECT_TRUE(witnessesOf(spawnedPicker(1), "f").empty());
  std::string Code = spawnedPicker(3);
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_FALSE(Ws.empty());
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "results->pop(r)"));
}

/// A rendezvous written by hand: a send draws a ticket from a counter and
/// waits until that many values were received.
std::string ticketed(llvm::StringRef AfterFirstSend) {
  return (llvm::Twine(R"cpp(
struct Rendezvous {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<int> q;
  unsigned long sent = 0, received = 0;
  void send(int v) {
    std::unique_lock<std::mutex> lk(mu);
    q.push_back(v);
    const unsigned long ticket = ++sent;
    cv.notify_all();
    cv.wait(lk, [&] { return received >= ticket; });
  }
  int recv() {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return !q.empty(); });
    int v = q.front();
    q.pop_front();
    ++received;
    cv.notify_all();
    return v;
  }
};
int f() {
  auto out = std::make_shared<Rendezvous>();
  std::thread([out] {
    if (bad()) {
      out->send(-1);
      )cpp") + AfterFirstSend + R"cpp(
    }
    out->send(0);
  }).detach();
  return out->recv();
}
)cpp").str();
}

TEST_F(EngineTest, TicketDrawnFromACounterReadsAsTheCounter) {
  std::string Code = ticketed("");
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "out->send(0)"));
  EXPECT_TRUE(witnessesOf(ticketed("return;"), "f").empty());
}

// --- per-round objects in containers -----------------------------------------

/// A fan-out keeping one call per thread in a local container and taking
/// one reply from each; Reply declares the call's channel, Answer is what
/// each thread does with it.
std::string fanOut(llvm::StringRef Reply, llvm::StringRef Answer) {
  return (llvm::Twine(R"cpp(
struct Call {
  )cpp") + Reply + R"cpp(
};
void f(int n) {
  std::vector<std::shared_ptr<Call>> calls;
  for (int i = 0; i < n; ++i) {
    auto call = std::make_shared<Call>();
    calls.push_back(call);
    std::thread([call] { )cpp" + Answer + R"cpp( }).detach();
  }
  for (auto &call : calls) {
    int v;
    call->reply.pop(v);
  }
}
)cpp").str();
}

TEST_F(EngineTest, RangeOverContainerTakesFromEveryCallPutThere) {
  // Each call's reply is taken: the range's elements are the calls put
  // there, and it runs once per round of the loop that filled it.
  EXPECT_TRUE(witnessesOf(fanOut("Chan reply;", "call->reply.push(1);"), "f").empty());
  std::string Twice = fanOut("Chan reply;", "call->reply.push(1); call->reply.push(2);");
  const std::vector<Witness> &Ws = witnessesOf(Twice, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Twice, "call->reply.push(2)"));
}

TEST_F(EngineTest, RoundsThatOwnTheirObjectsAreNotMerged) {
  // A slot per call holds the second answer; one slot for every round
  // would not.
  EXPECT_TRUE(witnessesOf(fanOut("boost::fibers::buffered_channel<int> reply{2};",
                                 "call->reply.push(1); call->reply.push(2);"),
                          "f")
                  .empty());
}

/// A hand-written channel whose send returns once at most Capacity sent
/// values wait to be received; two senders, one receive.
std::string boundedBySum(llvm::StringRef Capacity) {
  return (llvm::Twine(R"cpp(
struct BoundedChan {
  explicit BoundedChan(unsigned long capacity) : capacity(capacity) {}
  std::mutex mu;
  std::condition_variable cv;
  std::deque<int> items;
  unsigned long sent = 0, received = 0;
  const unsigned long capacity;
  void send(int v) {
    std::unique_lock<std::mutex> lk(mu);
    items.push_back(v);
    const unsigned long seq = ++sent;
    cv.notify_all();
    cv.wait(lk, [&] { return seq <= received + capacity; });
  }
  int recv() {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return !items.empty(); });
    int v = items.front();
    items.pop_front();
    ++received;
    cv.notify_all();
    return v;
  }
};
int f() {
  auto ch = std::make_shared<BoundedChan>()cpp") + Capacity + R"cpp();
  std::thread([ch] { ch->send(1); }).detach();
  std::thread([ch] { ch->send(2); }).detach();
  return ch->recv();
}
)cpp").str();
}

TEST_F(EngineTest, WaitOnASumOfSharedValuesCounts) {
  // `seq <= received + capacity`: with no room the slower sender waits for
  // a receive that never comes; with room for one it does not.
  std::string Code = boundedBySum("0");
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_FALSE(Ws.empty());
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "ch->send(1)"));
  EXPECT_TRUE(witnessesOf(boundedBySum("1"), "f").empty());
}

/// A lookup answered from a cache when it can, else by a thread whose
/// answer is waited for with a timeout; OnTimeout is what the caller does
/// when it gives up.
std::string cachedLookup(llvm::StringRef OnTimeout) {
  return (llvm::Twine(R"cpp(
struct Box {
  std::mutex mu;
  std::condition_variable offered, picked;
  int state = 0;
  void send() {
    std::unique_lock<std::mutex> lk(mu);
    if (state == 3)
      return;
    state = 1;
    offered.notify_one();
    picked.wait(lk, [&] { return state != 1; });
  }
  bool recv_for() {
    std::unique_lock<std::mutex> lk(mu);
    if (!offered.wait_for(lk, 5, [&] { return state == 1; }))
      return false;
    state = 2;
    picked.notify_one();
    return true;
  }
  void close() {
    std::unique_lock<std::mutex> lk(mu);
    state = 3;
    picked.notify_all();
  }
};
bool cached;
bool resolve() {
  if (cached)
    return true;
  auto box = std::make_shared<Box>();
  std::thread([box] { box->send(); }).detach();
  if (!box->recv_for()) {
    )cpp") + OnTimeout + R"cpp(
    return false;
  }
  return true;
}
)cpp").str();
}

TEST_F(EngineTest, BranchOnSharedStateBeforeAnyThreadIsTheAdversarys) {
  // The cache may miss: nothing but the callers has written it yet.
  std::string Code = cachedLookup("");
  const std::vector<Witness> &Ws = witnessesOf(Code, "resolve");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "box->send()"));
  EXPECT_TRUE(witnessesOf(cachedLookup("box->close();"), "resolve").empty());
}

// --- explorations that explode ----------------------------------------------

/// Three producers appending forty items each to a queue a consumer drains
/// until it is closed; Close is what the owner does when they are done.
std::string manyRounds(llvm::StringRef Close) {
  return (llvm::Twine(R"cpp(
struct Queue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<int> items;
  bool closed = false;
  void push(int v) {
    std::unique_lock<std::mutex> lk(mu);
    items.push_back(v);
    cv.notify_one();
  }
  bool pop(int &v) {
    std::unique_lock<std::mutex> lk(mu);
    cv.wait(lk, [&] { return closed || !items.empty(); });
    if (items.empty())
      return false;
    v = items.front();
    items.pop_front();
    return true;
  }
  void close() {
    std::unique_lock<std::mutex> lk(mu);
    closed = true;
    cv.notify_all();
  }
};
void f() {
  auto q = std::make_shared<Queue>();
  std::thread([q] { int v; while (q->pop(v)) {} }).detach();
  std::vector<std::thread> producers;
  for (int p = 0; p < 3; ++p)
    producers.emplace_back([q] { for (int r = 0; r < 40; ++r) q->push(r); });
  for (auto &t : producers)
    t.join();
  )cpp") + Close + R"cpp(
}
)cpp").str();
}

TEST_F(EngineTest, ExplodingExplorationRetriesWithLongLoopsOpen) {
  // Counted exactly, the producers' interleavings exceed the budget; with
  // their loops open the consumer nobody closes for is still stranded.
  std::string Code = manyRounds("");
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "while (q->pop(v))"));
  EXPECT_TRUE(witnessesOf(manyRounds("q->close();"), "f").empty());
}

// --- event loops and their work guards --------------------------------------

/// A loop whose worker runs it, with a guard made in the constructor, and
/// Stop as what the owner does when done.
std::string guardedLoop(llvm::StringRef Stop) {
  return (llvm::Twine(R"cpp(
#include <asio.hpp>
class Service {
public:
  Service() : guard_(asio::make_work_guard(io_)) {}
  void start() { std::thread([this] { io_.run(); }).detach(); }
  void shutdown() { )cpp") + Stop + R"cpp( }
private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
};
void f() {
  Service *s = new Service;
  s->start();
  s->shutdown();
}
)cpp").str();
}

TEST_F(EngineTest, GuardNobodyResetsStrandsTheLoopsThread) {
  std::string Code = guardedLoop("");
  const std::vector<Witness> &Ws = witnessesOf(Code, "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(Ws[0].Label, LeakLabel::OrphanedWorker);
  EXPECT_EQ(Ws[0].Strand, StrandKind::HeldByGuard);
  EXPECT_EQ(lineOf(Ws[0].Blocked), lineOfText(Code, "io_.run()"));
  EXPECT_EQ(lineOf(Ws[0].GuardMadeAt), lineOfText(Code, "make_work_guard(io_)"));
}

TEST_F(EngineTest, ResettingTheGuardOrStoppingTheLoopEndsRun) {
  EXPECT_TRUE(witnessesOf(guardedLoop("guard_.reset();"), "f").empty());
  EXPECT_TRUE(witnessesOf(guardedLoop("io_.stop();"), "f").empty());
}

TEST_F(EngineTest, GuardLocalToTheFunctionLetsGoWhenItReturns) {
  auto Code = [](llvm::StringRef Guard) {
    return (llvm::Twine(R"cpp(
#include <asio.hpp>
static asio::io_context loop;
void f() {
  )cpp") + Guard + R"cpp( guard = asio::make_work_guard(loop);
  std::thread([] { loop.run(); }).detach();
}
)cpp").str();
  };
  EXPECT_TRUE(witnessesOf(Code("auto"), "f").empty());
  // A guard that outlives the function holds the loop for good.
  const std::vector<Witness> &Ws = witnessesOf(Code("static auto"), "f");
  ASSERT_EQ(Ws.size(), 1u);
  EXPECT_EQ(Ws[0].Strand, StrandKind::HeldByGuard);
}

} // namespace
} // namespace chanleak
