//===- BuiltinModel.cpp - Built-in models of std, Boost, Asio, msd --------===//
//
// Each entry encodes the semantics checked against the real Debian 12 headers
// (GCC 12 libstdc++, Boost 1.81, Asio 1.22.1); the traps that cause false
// alarms are pinned by unittests/ModelTest.cpp.
//
//===----------------------------------------------------------------------===//

#include "chanleak/Model/ApiModel.h"
#include "llvm/ADT/Twine.h"

namespace chanleak {
namespace {

ChannelModel boostFiberChannel(llvm::StringRef Name, bool Buffered) {
  ChannelModel M;
  M.TypeName = Name.str();
  M.Family = "boost.fiber";
  if (Buffered) {
    // buffered_channel(N) needs N a power of two and holds only N - 1 values.
    M.Capacity.DefaultKind = CapacityKind::Bounded;
    M.Capacity.Arg = 0;
    M.Capacity.Adjust = -1;
    M.Methods["try_push"] = OpKind::TrySend;
    M.Methods["try_pop"] = OpKind::TryRecv;
  }
  M.Methods["push"] = OpKind::Send;
  M.Methods["push_wait_for"] = OpKind::TimedSend;
  M.Methods["push_wait_until"] = OpKind::TimedSend;
  M.Methods["pop"] = OpKind::Recv;
  M.Methods["value_pop"] = OpKind::Recv;
  M.Methods["pop_wait_for"] = OpKind::TimedRecv;
  M.Methods["pop_wait_until"] = OpKind::TimedRecv;
  M.Methods["close"] = OpKind::Close;
  M.ReceiveStatus = RecvStatus::Status;
  M.RangeIterable = true;
  M.CloseWakesSenders = true; // close() wakes blocked pushers with `closed`
  return M;
}

ChannelModel asioChannel(llvm::StringRef Name, llvm::StringRef VersionMacro,
                         llvm::StringRef VersionHeader) {
  ChannelModel M;
  M.TypeName = Name.str();
  M.Family = "asio";
  // basic_channel(executor, max_buffer_size = 0): zero is a rendezvous.
  M.Capacity.DefaultKind = CapacityKind::Rendezvous;
  M.Capacity.Arg = 1;
  M.Capacity.ZeroMeans = CapacityKind::Rendezvous;
  M.Methods["async_send"] = OpKind::Send;
  M.Methods["async_receive"] = OpKind::Recv;
  M.Methods["try_send"] = OpKind::TrySend;
  M.Methods["try_send_n"] = OpKind::TrySend;
  M.Methods["try_receive"] = OpKind::TryRecv;
  M.Methods["close"] = OpKind::Close;
  M.Methods["cancel"] = OpKind::Cancel;
  // close() completes only waiting receivers; pending senders stay queued
  // forever (asio issue 1318). cancel() frees them.
  M.CloseWakesSenders = false;
  // Before 1.28 a cancelled receive left an empty buffered channel in the
  // rendezvous state, so a late send waits even with room (asio issue 1241).
  M.CancelledReceiveDisablesBuffer =
      VersionBound{VersionMacro.str(), VersionHeader.str(), 102800};
  return M;
}

ChannelModel msdChannel() {
  ChannelModel M;
  M.TypeName = "msd::channel";
  M.Family = "msd";
  // channel<T>() is an unbounded queue; channel<T>(n) blocks while n queued.
  M.Capacity.DefaultKind = CapacityKind::Unbounded;
  M.Capacity.Arg = 0;
  M.Capacity.ZeroMeans = CapacityKind::Unbounded;
  M.Methods["operator<<"] = OpKind::Send;
  M.Methods["write"] = OpKind::Send;
  M.Methods["operator>>"] = OpKind::Recv;
  M.Methods["read"] = OpKind::Recv;
  M.Methods["close"] = OpKind::Close;
  M.ReceiveStatus = RecvStatus::Bool;
  M.RangeIterable = true;
  M.CloseWakesSenders = false; // close() does not wake a writer on a full queue
  return M;
}

ChannelModel oneShot(llvm::StringRef Name, bool SendSide) {
  ChannelModel M;
  M.TypeName = Name.str();
  M.Family = "std";
  M.OneShot = true;
  // A promise is a one-value buffer: set_value never blocks.
  M.Capacity.DefaultKind = CapacityKind::Bounded;
  M.Capacity.Adjust = 1;
  if (SendSide) {
    M.Methods["set_value"] = OpKind::SetValue;
    M.Methods["set_exception"] = OpKind::SetValue;
    M.Methods["set_value_at_thread_exit"] = OpKind::SetValue;
    M.Methods["set_exception_at_thread_exit"] = OpKind::SetValue;
    M.Methods["operator()"] = OpKind::SetValue; // packaged_task
  } else {
    M.Methods["get"] = OpKind::Recv;
    M.Methods["wait"] = OpKind::Recv;
    M.Methods["wait_for"] = OpKind::TimedRecv;
    M.Methods["wait_until"] = OpKind::TimedRecv;
  }
  return M;
}

/// A condition variable is a signal channel: notify never blocks, a wait
/// blocks until notified and its predicate holds. A wait without a
/// predicate the engine can read is taken to wait for what the notifier
/// makes true.
ChannelModel conditionVariable(llvm::StringRef Name) {
  ChannelModel M;
  M.TypeName = Name.str();
  M.Family = "std";
  M.Capacity.DefaultKind = CapacityKind::Unbounded;
  M.Methods["notify_one"] = OpKind::Send;
  M.Methods["notify_all"] = OpKind::Send;
  M.WakesOneWaiter.push_back("notify_one");
  M.Methods["wait"] = OpKind::Recv;
  M.Methods["wait_for"] = OpKind::TimedRecv;
  M.Methods["wait_until"] = OpKind::TimedRecv;
  return M;
}

/// Semaphores, latches and barriers count: the constructor's first argument
/// is the initial count, release and count_down take an optional amount.
ChannelModel counter(llvm::StringRef Name, CountKind Counts) {
  ChannelModel M;
  M.TypeName = Name.str();
  M.Family = "std";
  M.Counts = Counts;
  M.Capacity.DefaultKind = CapacityKind::Bounded;
  M.Capacity.Arg = 0;
  if (Counts == CountKind::Permits) {
    M.Methods["release"] = OpKind::Send;
    M.Methods["acquire"] = OpKind::Recv;
    M.Methods["try_acquire"] = OpKind::TryRecv;
    M.Methods["try_acquire_for"] = OpKind::TimedRecv;
    M.Methods["try_acquire_until"] = OpKind::TimedRecv;
    return M;
  }
  M.Methods["arrive_and_wait"] = OpKind::ArriveAndWait;
  if (Counts == CountKind::Arrivals) {
    M.Methods["count_down"] = OpKind::Arrive;
    M.Methods["wait"] = OpKind::Recv;
    M.Methods["try_wait"] = OpKind::TryRecv;
  } else {
    M.Methods["arrive"] = OpKind::Arrive;
    // Leaves the current phase as an arrival; later phases expect one less,
    // which no analysis here follows beyond the phase it is in.
    M.Methods["arrive_and_drop"] = OpKind::Arrive;
  }
  return M;
}

/// An io_context counts the work its guards hold: run() returns once none is
/// held (the handlers it ran are threads of their own to the engine), or
/// once stop() has run, which also abandons the tasks spawned on it.
ChannelModel eventLoop(llvm::StringRef Name) {
  ChannelModel M;
  M.TypeName = Name.str();
  M.Family = "asio";
  M.Counts = CountKind::Arrivals;
  M.EventLoop = true;
  M.Methods["run"] = OpKind::Recv;
  M.Methods["run_one"] = OpKind::Recv;
  for (llvm::StringRef Timed : {"run_for", "run_until", "run_one_for", "run_one_until"})
    M.Methods[Timed] = OpKind::TimedRecv;
  M.Methods["poll"] = OpKind::TryRecv;
  M.Methods["poll_one"] = OpKind::TryRecv;
  M.Methods["stop"] = OpKind::Stop;
  return M;
}

SpawnerModel spawner(llvm::StringRef Name, llvm::StringRef Family,
                     bool IsConstructor, unsigned CallableArg,
                     std::optional<unsigned> FirstForwarded) {
  SpawnerModel S;
  S.Name = Name.str();
  S.Family = Family.str();
  S.IsConstructor = IsConstructor;
  S.CallableArg = CallableArg;
  S.FirstForwardedArg = FirstForwarded;
  return S;
}

} // namespace

ApiModel ApiModel::builtin() {
  ApiModel Model;

  Model.addChannel(boostFiberChannel("boost::fibers::buffered_channel", true));
  Model.addChannel(boostFiberChannel("boost::fibers::unbuffered_channel", false));
  // Boost.Asio numbers its versions like standalone Asio.
  struct AsioFlavour {
    llvm::StringRef Namespace, VersionMacro, VersionHeader;
  };
  for (const AsioFlavour &Asio :
       {AsioFlavour{"asio::experimental::", "ASIO_VERSION", "asio/version.hpp"},
        AsioFlavour{"boost::asio::experimental::", "BOOST_ASIO_VERSION",
                    "boost/asio/version.hpp"}})
    for (llvm::StringRef Cls : {"basic_channel", "basic_concurrent_channel"})
      Model.addChannel(asioChannel((llvm::Twine(Asio.Namespace) + Cls).str(),
                                   Asio.VersionMacro, Asio.VersionHeader));
  Model.addChannel(msdChannel());
  Model.addChannel(oneShot("std::promise", true));
  Model.addChannel(oneShot("std::packaged_task", true));
  Model.addChannel(oneShot("std::future", false));
  Model.addChannel(oneShot("std::shared_future", false));
  Model.addChannel(conditionVariable("std::condition_variable"));
  Model.addChannel(conditionVariable("std::condition_variable_any"));
  Model.addChannel(counter("std::counting_semaphore", CountKind::Permits));
  Model.addChannel(counter("std::latch", CountKind::Arrivals));
  Model.addChannel(counter("std::barrier", CountKind::Phases));

  SpawnerModel Thread = spawner("std::thread", "std", true, 0, 1);
  Thread.TerminatesOnThrow = true;
  Model.addSpawner(Thread);
  SpawnerModel JThread = spawner("std::jthread", "std", true, 0, 1);
  JThread.TerminatesOnThrow = true;
  JThread.PassesStopToken = true;
  JThread.JoinsOnDestroy = true; // requests stop, then joins
  Model.addSpawner(JThread);
  // std::async(policy, f, args...); the adapter shifts by one when the
  // policy is omitted. Only launch::async is sure to start a thread.
  SpawnerModel Async = spawner("std::async", "std", false, 1, 2);
  Async.JoinsOnDestroy = true; // the returned future's destructor waits
  Async.RequiredPolicy = "async";
  Model.addSpawner(Async);
  Model.addSpawner(spawner("pthread_create", "posix", false, 2, 3));
  for (auto [Name, Family] : {std::pair<llvm::StringRef, llvm::StringRef>{"boost::fibers::fiber",
                                                                          "boost.fiber"},
                              {"boost::thread", "boost"}}) {
    SpawnerModel S = spawner(Name, Family, true, 0, 1);
    S.TerminatesOnThrow = true;
    Model.addSpawner(S);
  }
  for (llvm::StringRef NS : {"asio::", "boost::asio::"}) {
    // co_spawn(executor, awaitable-or-function, token)
    for (llvm::StringRef Fn : {"co_spawn", "post", "dispatch", "defer"}) {
      SpawnerModel S = spawner((llvm::Twine(NS) + Fn).str(), "asio", false, 1, {});
      S.ExecutorArg = 0;
      Model.addSpawner(S);
    }
    Model.addChannel(eventLoop((llvm::Twine(NS) + "io_context").str()));
    Model.addWorkGuard({(llvm::Twine(NS) + "executor_work_guard").str(), {"reset"}});
    // The deprecated guard, still in Boost 1.81 and Asio 1.28.
    Model.addWorkGuard({(llvm::Twine(NS) + "io_context::work").str(), {}});
  }

  const std::pair<llvm::StringLiteral, OpKind> Roles[] = {
      {"std::thread::join", OpKind::Join},
      {"std::thread::detach", OpKind::Detach},
      {"std::jthread::join", OpKind::Join},
      {"std::jthread::detach", OpKind::Detach},
      {"std::jthread::request_stop", OpKind::RequestStop},
      {"std::stop_source::request_stop", OpKind::RequestStop},
      {"std::stop_token::stop_requested", OpKind::StopCheck},
      {"std::stop_source::stop_requested", OpKind::StopCheck},
      {"boost::fibers::fiber::join", OpKind::Join},
      {"boost::fibers::fiber::detach", OpKind::Detach},
      {"std::this_thread::sleep_for", OpKind::Sleep},
      {"std::this_thread::sleep_until", OpKind::Sleep},
      {"boost::this_fiber::sleep_for", OpKind::Sleep},
      {"boost::this_fiber::sleep_until", OpKind::Sleep},
      {"sleep", OpKind::Sleep},
      {"usleep", OpKind::Sleep},
      {"nanosleep", OpKind::Sleep},
      {"asio::basic_waitable_timer::wait", OpKind::Sleep},
      {"boost::asio::basic_waitable_timer::wait", OpKind::Sleep},
  };
  for (const auto &[Name, Kind] : Roles)
    Model.addFunctionRole({Name.str(), Kind});
  for (llvm::StringRef NS : {"asio::", "boost::asio::"}) {
    std::string Timer = (llvm::Twine(NS) + "basic_waitable_timer::").str();
    // async_wait(token) suspends a coroutine; async_wait(handler) returns at
    // once and runs the handler, with operation_aborted when cancelled.
    Model.addFunctionRole({Timer + "async_wait", OpKind::Sleep, 0});
    Model.addFunctionRole({Timer + "cancel", OpKind::Cancel});
    Model.addFunctionRole({Timer + "cancel_one", OpKind::Cancel});
  }
  return Model;
}

} // namespace chanleak
