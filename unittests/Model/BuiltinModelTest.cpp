//===- BuiltinModelTest.cpp - Pin the API traps of docs/model.md ----------===//
//
// Each test pins one fact of /work/shared/reference/apis.md (checked against
// the real headers) on ApiModel::builtin(). A model that gets one of these
// wrong produces false alarms or misses.
//
//===----------------------------------------------------------------------===//

#include "chanleak/Model/ApiModel.h"
#include "gtest/gtest.h"

using namespace chanleak;

namespace {

class BuiltinModelTest : public ::testing::Test {
protected:
  ApiModel Model = ApiModel::builtin();

  const ChannelModel &channel(llvm::StringRef Name) {
    const ChannelModel *C = Model.findChannel(Name);
    if (!C) {
      ADD_FAILURE() << "no built-in channel " << Name.str();
      static ChannelModel Empty;
      return Empty;
    }
    return *C;
  }
  const SpawnerModel &spawner(llvm::StringRef Name) {
    const SpawnerModel *S = Model.findSpawner(Name);
    if (!S) {
      ADD_FAILURE() << "no built-in spawner " << Name.str();
      static SpawnerModel Empty;
      return Empty;
    }
    return *S;
  }
};

using Cap = std::optional<unsigned long long>;
constexpr std::nullopt_t NoArg = std::nullopt;
constexpr std::nullopt_t Unbounded = std::nullopt;

// --- Boost.Fiber ----------------------------------------------------------

TEST_F(BuiltinModelTest, BoostBufferedChannelHoldsCapacityMinusOne) {
  const ChannelModel &C = channel("boost::fibers::buffered_channel");
  EXPECT_EQ(C.Family, "boost.fiber");
  ASSERT_TRUE(C.Capacity.Arg.has_value());
  EXPECT_EQ(*C.Capacity.Arg, 0u);
  // buffered_channel<int> ch{2} blocks on the 2nd outstanding push.
  EXPECT_EQ(C.Capacity.effectiveCapacity(2), Cap(1));
  EXPECT_EQ(C.Capacity.effectiveCapacity(4), Cap(3));
  EXPECT_EQ(C.Capacity.effectiveCapacity(1024), Cap(1023));
  EXPECT_NE(C.Capacity.effectiveCapacity(2), Cap(2));
}

TEST_F(BuiltinModelTest, BoostUnbufferedChannelIsRendezvous) {
  const ChannelModel &C = channel("boost::fibers::unbuffered_channel");
  EXPECT_EQ(C.Capacity.DefaultKind, CapacityKind::Rendezvous);
  EXPECT_FALSE(C.Capacity.Arg.has_value());
  EXPECT_EQ(C.Capacity.effectiveCapacity(NoArg), Cap(0));
}

TEST_F(BuiltinModelTest, BoostOpsMapToTheRightKinds) {
  const ChannelModel &B = channel("boost::fibers::buffered_channel");
  EXPECT_EQ(B.opFor("push"), OpKind::Send);
  EXPECT_EQ(B.opFor("push_wait_for"), OpKind::TimedSend);
  EXPECT_EQ(B.opFor("push_wait_until"), OpKind::TimedSend);
  EXPECT_EQ(B.opFor("try_push"), OpKind::TrySend);
  EXPECT_EQ(B.opFor("pop"), OpKind::Recv);
  EXPECT_EQ(B.opFor("value_pop"), OpKind::Recv);
  EXPECT_EQ(B.opFor("pop_wait_for"), OpKind::TimedRecv);
  EXPECT_EQ(B.opFor("pop_wait_until"), OpKind::TimedRecv);
  EXPECT_EQ(B.opFor("try_pop"), OpKind::TryRecv);
  EXPECT_EQ(B.opFor("close"), OpKind::Close);
  EXPECT_FALSE(B.opFor("is_closed").has_value());

  const ChannelModel &U = channel("boost::fibers::unbuffered_channel");
  EXPECT_EQ(U.opFor("push"), OpKind::Send);
  EXPECT_EQ(U.opFor("pop"), OpKind::Recv);
  EXPECT_EQ(U.opFor("value_pop"), OpKind::Recv);
  EXPECT_EQ(U.opFor("pop_wait_for"), OpKind::TimedRecv);
  EXPECT_EQ(U.opFor("push_wait_until"), OpKind::TimedSend);
  EXPECT_EQ(U.opFor("close"), OpKind::Close);
  // try_push/try_pop exist on buffered_channel only.
  EXPECT_FALSE(U.opFor("try_push").has_value());
  EXPECT_FALSE(U.opFor("try_pop").has_value());
}

TEST_F(BuiltinModelTest, BoostCloseWakesBothSidesAndEndsLoops) {
  for (llvm::StringRef Name : {"boost::fibers::buffered_channel",
                               "boost::fibers::unbuffered_channel"}) {
    const ChannelModel &C = channel(Name);
    EXPECT_TRUE(C.CloseWakesSenders) << Name.str();
    EXPECT_TRUE(C.CloseWakesReceivers) << Name.str();
    // pop() returns channel_op_status::closed; range-for ends on close.
    EXPECT_EQ(C.ReceiveStatus, RecvStatus::Status) << Name.str();
    EXPECT_TRUE(C.RangeIterable) << Name.str();
    EXPECT_FALSE(C.OneShot) << Name.str();
  }
}

// --- msd::channel ---------------------------------------------------------

TEST_F(BuiltinModelTest, MsdDefaultChannelIsUnboundedNotRendezvous) {
  const ChannelModel &C = channel("msd::channel");
  // channel<T>() is called "unbuffered" but writes never block.
  EXPECT_EQ(C.Capacity.DefaultKind, CapacityKind::Unbounded);
  EXPECT_EQ(C.Capacity.effectiveCapacity(NoArg), Unbounded);
  EXPECT_EQ(C.Capacity.effectiveCapacity(0), Unbounded);
}

TEST_F(BuiltinModelTest, MsdChannelNIsBoundedN) {
  const ChannelModel &C = channel("msd::channel");
  ASSERT_TRUE(C.Capacity.Arg.has_value());
  EXPECT_EQ(*C.Capacity.Arg, 0u);
  EXPECT_EQ(C.Capacity.effectiveCapacity(1), Cap(1));
  EXPECT_EQ(C.Capacity.effectiveCapacity(5), Cap(5));
}

TEST_F(BuiltinModelTest, MsdCloseDoesNotWakeSenders) {
  const ChannelModel &C = channel("msd::channel");
  EXPECT_FALSE(C.CloseWakesSenders);
  EXPECT_TRUE(C.CloseWakesReceivers);
  EXPECT_EQ(C.ReceiveStatus, RecvStatus::Bool); // read() false once drained
  EXPECT_TRUE(C.RangeIterable);
}

TEST_F(BuiltinModelTest, MsdOps) {
  const ChannelModel &C = channel("msd::channel");
  EXPECT_EQ(C.opFor("operator<<"), OpKind::Send);
  EXPECT_EQ(C.opFor("write"), OpKind::Send);
  EXPECT_EQ(C.opFor("operator>>"), OpKind::Recv);
  EXPECT_EQ(C.opFor("read"), OpKind::Recv);
  EXPECT_EQ(C.opFor("close"), OpKind::Close);
  // No try or timed ops in msd::channel.
  for (const auto &Entry : C.Methods) {
    OpKind K = Entry.second;
    EXPECT_NE(K, OpKind::TrySend) << Entry.first().str();
    EXPECT_NE(K, OpKind::TryRecv) << Entry.first().str();
    EXPECT_NE(K, OpKind::TimedSend) << Entry.first().str();
    EXPECT_NE(K, OpKind::TimedRecv) << Entry.first().str();
  }
}

// --- Asio experimental channels -------------------------------------------

constexpr llvm::StringLiteral AsioChannels[] = {
    "asio::experimental::basic_channel",
    "asio::experimental::basic_concurrent_channel",
    "boost::asio::experimental::basic_channel",
    "boost::asio::experimental::basic_concurrent_channel",
};

TEST_F(BuiltinModelTest, AsioDefaultCapacityZeroIsRendezvous) {
  for (llvm::StringRef Name : AsioChannels) {
    const ChannelModel &C = channel(Name);
    EXPECT_EQ(C.Family, "asio") << Name.str();
    // channel(executor, max_buffer_size = 0)
    ASSERT_TRUE(C.Capacity.Arg.has_value()) << Name.str();
    EXPECT_EQ(*C.Capacity.Arg, 1u) << Name.str();
    EXPECT_EQ(C.Capacity.DefaultKind, CapacityKind::Rendezvous) << Name.str();
    EXPECT_EQ(C.Capacity.effectiveCapacity(NoArg), Cap(0)) << Name.str();
    EXPECT_EQ(C.Capacity.effectiveCapacity(0), Cap(0)) << Name.str();
    EXPECT_EQ(C.Capacity.effectiveCapacity(8), Cap(8)) << Name.str();
  }
}

TEST_F(BuiltinModelTest, AsioCloseStrandsSendersCancelIsAnOp) {
  for (llvm::StringRef Name : AsioChannels) {
    const ChannelModel &C = channel(Name);
    // close() completes only waiting receivers (asio issue 1318).
    EXPECT_FALSE(C.CloseWakesSenders) << Name.str();
    EXPECT_TRUE(C.CloseWakesReceivers) << Name.str();
    EXPECT_EQ(C.opFor("close"), OpKind::Close) << Name.str();
    EXPECT_EQ(C.opFor("cancel"), OpKind::Cancel) << Name.str();
    EXPECT_EQ(C.opFor("async_send"), OpKind::Send) << Name.str();
    EXPECT_EQ(C.opFor("async_receive"), OpKind::Recv) << Name.str();
    EXPECT_EQ(C.opFor("try_send"), OpKind::TrySend) << Name.str();
    EXPECT_EQ(C.opFor("try_receive"), OpKind::TryRecv) << Name.str();
  }
}

TEST_F(BuiltinModelTest, AsioBefore128CancelledReceiveDisablesTheBuffer) {
  for (llvm::StringRef Name : AsioChannels) {
    const ChannelModel &C = channel(Name);
    // asio issue 1241, fixed in Asio 1.28 (Boost 1.82).
    ASSERT_TRUE(C.CancelledReceiveDisablesBuffer.has_value()) << Name.str();
    EXPECT_EQ(C.CancelledReceiveDisablesBuffer->FixedIn, 102800u) << Name.str();
    bool Boost = Name.starts_with("boost::");
    EXPECT_EQ(C.CancelledReceiveDisablesBuffer->Macro,
              Boost ? "BOOST_ASIO_VERSION" : "ASIO_VERSION") << Name.str();
    EXPECT_EQ(C.CancelledReceiveDisablesBuffer->Header,
              Boost ? "boost/asio/version.hpp" : "asio/version.hpp") << Name.str();
  }
  EXPECT_FALSE(channel("boost::fibers::buffered_channel").CancelledReceiveDisablesBuffer);
}

// --- Standard library -----------------------------------------------------

TEST_F(BuiltinModelTest, PromiseIsOneShotAndSetValueNeverBlocks) {
  for (llvm::StringRef Name : {"std::promise", "std::packaged_task"}) {
    const ChannelModel &C = channel(Name);
    EXPECT_TRUE(C.OneShot) << Name.str();
    // One value fits without a receiver: the send side never waits.
    EXPECT_EQ(C.Capacity.effectiveCapacity(NoArg), Cap(1)) << Name.str();
  }
  const ChannelModel &P = channel("std::promise");
  ASSERT_EQ(P.opFor("set_value"), OpKind::SetValue);
  EXPECT_FALSE(opBlocks(OpKind::SetValue));
  EXPECT_TRUE(opIsSend(OpKind::SetValue));
  EXPECT_EQ(P.opFor("set_exception"), OpKind::SetValue);
  EXPECT_EQ(channel("std::packaged_task").opFor("operator()"),
            OpKind::SetValue);
}

TEST_F(BuiltinModelTest, FutureIsTheOneShotReceiveSide) {
  for (llvm::StringRef Name : {"std::future", "std::shared_future"}) {
    const ChannelModel &C = channel(Name);
    EXPECT_TRUE(C.OneShot) << Name.str();
    EXPECT_EQ(C.opFor("get"), OpKind::Recv) << Name.str();
    EXPECT_EQ(C.opFor("wait"), OpKind::Recv) << Name.str();
    EXPECT_EQ(C.opFor("wait_for"), OpKind::TimedRecv) << Name.str();
    EXPECT_EQ(C.opFor("wait_until"), OpKind::TimedRecv) << Name.str();
    EXPECT_FALSE(C.opFor("set_value").has_value()) << Name.str();
  }
}

TEST_F(BuiltinModelTest, AsyncFutureJoinsOnDestroy) {
  const SpawnerModel &S = spawner("std::async");
  EXPECT_FALSE(S.IsConstructor);
  EXPECT_TRUE(S.JoinsOnDestroy);
  EXPECT_EQ(S.RequiredPolicy, "async"); // deferred tasks start no thread
  EXPECT_EQ(S.CallableArg, 1u);
  EXPECT_EQ(S.FirstForwardedArg, std::optional<unsigned>(2));
}

TEST_F(BuiltinModelTest, JThreadJoinsOnDestroyAndPassesStopToken) {
  const SpawnerModel &S = spawner("std::jthread");
  EXPECT_TRUE(S.IsConstructor);
  EXPECT_TRUE(S.JoinsOnDestroy);
  EXPECT_TRUE(S.PassesStopToken);
  EXPECT_EQ(S.CallableArg, 0u);
  EXPECT_EQ(S.FirstForwardedArg, std::optional<unsigned>(1));
  EXPECT_EQ(Model.findFunctionRole("std::jthread::request_stop"),
            OpKind::RequestStop);
}

TEST_F(BuiltinModelTest, StdThreadNeitherJoinsNorPassesStopToken) {
  const SpawnerModel &S = spawner("std::thread");
  EXPECT_TRUE(S.IsConstructor);
  // Destroyed while joinable, std::thread terminates instead of joining.
  EXPECT_FALSE(S.JoinsOnDestroy);
  EXPECT_FALSE(S.PassesStopToken);
  EXPECT_TRUE(S.RequiredPolicy.empty());
  EXPECT_EQ(Model.findFunctionRole("std::thread::join"), OpKind::Join);
  EXPECT_EQ(Model.findFunctionRole("std::thread::detach"), OpKind::Detach);
}

TEST_F(BuiltinModelTest, OtherSpawners) {
  EXPECT_EQ(spawner("pthread_create").CallableArg, 2u);
  EXPECT_EQ(spawner("pthread_create").FirstForwardedArg,
            std::optional<unsigned>(3));
  EXPECT_TRUE(spawner("boost::fibers::fiber").IsConstructor);
  for (llvm::StringRef Name :
       {"asio::co_spawn", "boost::asio::co_spawn", "asio::post",
        "boost::asio::dispatch", "asio::defer"})
    EXPECT_EQ(spawner(Name).CallableArg, 1u) << Name.str();
}

// A condition variable is a signal channel: notify never blocks, wait blocks
// until notified, and nothing closes it, so a wait loop is not a receive loop.
TEST_F(BuiltinModelTest, ConditionVariableIsASignalChannel) {
  for (llvm::StringRef Name :
       {"std::condition_variable", "std::condition_variable_any"}) {
    const ChannelModel *CV = Model.findChannel(Name);
    ASSERT_NE(CV, nullptr) << Name.str();
    EXPECT_TRUE(CV->isSignal());
    EXPECT_FALSE(CV->endsReceiveLoops());
    EXPECT_EQ(CV->opFor("notify_one"), OpKind::Send);
    EXPECT_EQ(CV->opFor("notify_all"), OpKind::Send);
    EXPECT_EQ(CV->opFor("wait"), OpKind::Recv);
    EXPECT_EQ(CV->opFor("wait_for"), OpKind::TimedRecv);
    EXPECT_EQ(CV->Capacity.effectiveCapacity(std::nullopt), std::nullopt)
        << "notify must never block";
    EXPECT_FALSE(Model.findFunctionRole(Name.str() + "::wait").has_value());
  }
  EXPECT_FALSE(Model.findChannel("boost::fibers::unbuffered_channel")->isSignal());
  EXPECT_TRUE(Model.findChannel("boost::fibers::unbuffered_channel")->endsReceiveLoops());
}

TEST_F(BuiltinModelTest, FunctionRoles) {
  EXPECT_EQ(Model.findFunctionRole("std::this_thread::sleep_for"),
            OpKind::Sleep);
  EXPECT_EQ(Model.findFunctionRole("boost::this_fiber::sleep_until"),
            OpKind::Sleep);
  EXPECT_EQ(Model.findFunctionRole("std::stop_token::stop_requested"),
            OpKind::StopCheck);
  EXPECT_EQ(Model.findFunctionRole("std::stop_source::request_stop"),
            OpKind::RequestStop);
  EXPECT_FALSE(Model.findFunctionRole("std::this_thread::yield").has_value());
  // Latches, barriers and semaphores are counters, not roles.
  EXPECT_FALSE(Model.findFunctionRole("std::latch::wait").has_value());
  // A timer's async_wait runs its first argument when the wait ends, unless
  // it is a completion token; cancel() makes that wait fail.
  for (llvm::StringRef NS : {"asio::", "boost::asio::"}) {
    std::string Timer = NS.str() + "basic_waitable_timer::";
    const FunctionRole *Wait = Model.functionRole(Timer + "async_wait");
    ASSERT_NE(Wait, nullptr);
    EXPECT_EQ(Wait->Kind, OpKind::Sleep);
    EXPECT_EQ(Wait->HandlerArg, 0u);
    EXPECT_EQ(Model.functionRole(Timer + "wait")->HandlerArg, std::nullopt);
    EXPECT_EQ(Model.findFunctionRole(Timer + "cancel"), OpKind::Cancel);
  }
}

// The trap: a semaphore's release is a send that never blocks, a latch's
// wait returns once the count reached zero and stays open, a barrier's
// count starts again each phase; each starts from its constructor argument.
TEST_F(BuiltinModelTest, CountersCountFromTheirArgument) {
  const ChannelModel *Sem = Model.findChannel("std::counting_semaphore");
  ASSERT_NE(Sem, nullptr);
  EXPECT_EQ(Sem->Counts, CountKind::Permits);
  EXPECT_EQ(Sem->opFor("release"), OpKind::Send);
  EXPECT_EQ(Sem->opFor("acquire"), OpKind::Recv);
  EXPECT_EQ(Sem->opFor("try_acquire_for"), OpKind::TimedRecv);
  EXPECT_EQ(Sem->Capacity.effectiveCapacity(2), 2u);

  const ChannelModel *Latch = Model.findChannel("std::latch");
  ASSERT_NE(Latch, nullptr);
  EXPECT_EQ(Latch->Counts, CountKind::Arrivals);
  EXPECT_EQ(Latch->opFor("count_down"), OpKind::Arrive);
  EXPECT_EQ(Latch->opFor("wait"), OpKind::Recv);
  EXPECT_EQ(Latch->opFor("try_wait"), OpKind::TryRecv);
  EXPECT_EQ(Latch->opFor("arrive_and_wait"), OpKind::ArriveAndWait);
  EXPECT_FALSE(Latch->isSignal());

  const ChannelModel *Barrier = Model.findChannel("std::barrier");
  ASSERT_NE(Barrier, nullptr);
  EXPECT_EQ(Barrier->Counts, CountKind::Phases);
  EXPECT_EQ(Barrier->opFor("arrive_and_wait"), OpKind::ArriveAndWait);
  EXPECT_EQ(Barrier->opFor("arrive_and_drop"), OpKind::Arrive);
  EXPECT_TRUE(opBlocks(OpKind::ArriveAndWait));
  EXPECT_FALSE(opBlocks(OpKind::Arrive));
}

// The trap: an io_context's run() returns as soon as it is out of work,
// unless a work guard holds it; stop() ends run() whatever is held.
TEST_F(BuiltinModelTest, IoContextCountsTheWorkItsGuardsHold) {
  for (llvm::StringRef NS : {"asio::", "boost::asio::"}) {
    const ChannelModel &Loop = channel(NS.str() + "io_context");
    EXPECT_TRUE(Loop.EventLoop);
    EXPECT_EQ(Loop.Counts, CountKind::Arrivals);
    EXPECT_FALSE(Loop.Capacity.Arg.has_value()); // the concurrency hint is no count
    EXPECT_EQ(Loop.Capacity.effectiveCapacity(NoArg), 0u);
    EXPECT_EQ(Loop.opFor("run"), OpKind::Recv);
    EXPECT_EQ(Loop.opFor("run_for"), OpKind::TimedRecv);
    EXPECT_EQ(Loop.opFor("poll"), OpKind::TryRecv);
    EXPECT_EQ(Loop.opFor("stop"), OpKind::Stop);
    EXPECT_FALSE(Loop.endsReceiveLoops());

    const WorkGuardModel *Guard = Model.findWorkGuard(NS.str() + "executor_work_guard");
    ASSERT_NE(Guard, nullptr);
    EXPECT_EQ(Guard->ReleaseMethods, std::vector<std::string>{"reset"});
    // The deprecated io_context::work lets go only when destroyed.
    const WorkGuardModel *Work = Model.findWorkGuard(NS.str() + "io_context::work");
    ASSERT_NE(Work, nullptr);
    EXPECT_TRUE(Work->ReleaseMethods.empty());
  }
  // Stopping is the loop's method, not a free role.
  EXPECT_FALSE(Model.findFunctionRole("asio::io_context::stop").has_value());
}

TEST_F(BuiltinModelTest, LookupsMissForUnknownNames) {
  EXPECT_EQ(Model.findChannel("mylib::Queue"), nullptr);
  EXPECT_EQ(Model.findSpawner("mylib::RunAsync"), nullptr);
  EXPECT_EQ(Model.findLifecycle("mylib::Poller"), nullptr);
  // Lookups are by exact qualified name.
  EXPECT_EQ(Model.findChannel("buffered_channel"), nullptr);
}

TEST(CapacityRuleTest, ZeroMeansAndAdjust) {
  CapacityRule R;
  R.DefaultKind = CapacityKind::Rendezvous;
  R.Arg = 0;
  R.ZeroMeans = CapacityKind::Unbounded;
  EXPECT_EQ(R.effectiveCapacity(NoArg), Cap(0));
  EXPECT_EQ(R.effectiveCapacity(0), Unbounded);
  EXPECT_EQ(R.effectiveCapacity(3), Cap(3));
  R.Adjust = -5;
  EXPECT_EQ(R.effectiveCapacity(3), Cap(0)); // never negative
}

TEST(StandardClassesTest, OptionalsAndTheirEmptyTags) {
  EXPECT_TRUE(isOptional("std::optional"));
  EXPECT_TRUE(isOptional("boost::optional"));
  EXPECT_FALSE(isOptional("std::nullopt_t"));
  EXPECT_TRUE(isEmptyOptionalTag("std::nullopt_t"));
  EXPECT_TRUE(isEmptyOptionalTag("boost::none_t"));
  EXPECT_FALSE(isEmptyOptionalTag("std::optional"));
}

TEST(StandardClassesTest, ElementAccessorsNameTheElements) {
  for (const char *Method : {"front", "back", "at", "begin", "cbegin", "rbegin"})
    EXPECT_TRUE(namesElements(Method)) << Method;
  for (const char *Method : {"size", "empty", "push_back", "end"})
    EXPECT_FALSE(namesElements(Method)) << Method;
}

} // namespace
