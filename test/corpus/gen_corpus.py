#!/usr/bin/env python3
"""Generate a corpus of small C++20 leak programs from independent choices.

Every program is one scenario: a stranding construct (leaky) or a rescuing
look-alike that must not leak, expressed with one API family, with the channel
reaching the thread one way and the thread started one way. The program's
name encodes its choices:

    <family>.<construct>.<rescue>.<passing>.<callable>.d<depth>.<count>

Programs end with CHANLEAK_SCENARIO_MAIN (patterns/include/scenario.h), so
running one says by its exit status and the chanleak runtime's report whether
a thread was left blocked. The generator's intent (leaky when the rescue is
`none` and the construct is not `none`) is only a label: run_corpus.py takes
the ground truth from running the program. Outcomes do not depend on timing:
a slow sender answers only after its caller has given up (SlowWork waits for
ReleaseBackend(), which Scenario() calls once the function under test has
returned, or for the jthread's stop request), and the two cv constructs whose
bug is an interleaving (lost wakeup, notify_one with two waiters) are
sequenced by test hooks made of atomics.

  gen_corpus.py --out DIR (--all | --sample N --seed S) [--list]
  gen_corpus.py --list --all          # names only

DIR gets one <name>.cpp per program (and <name>.model.yaml for the `model`
family) and manifest.json: for each program its choices, intent, the lines
marked `// CORPUS-BLOCK`, the model file, the libraries it links.
"""
import argparse
import hashlib
import itertools
import json
import os
import random
import sys

FAMILIES = ["promise", "latch", "jthread", "cv_flag", "cv_counter", "cv_queue",
            "fiber_buffered", "fiber_unbuffered", "asio", "msd", "annotated", "model"]
PASSINGS = ["capture_value", "capture_ref", "capture_shared_ptr", "parameter", "member",
            "global", "vector_element", "factory"]
CALLABLES = ["lambda", "free_function", "member_function", "functor"]
DEPTHS = [0, 1, 2, 3]
COUNTS = ["single", "loop_const", "loop_var"]
CONSTRUCTS = ["early_return", "throw", "timeout", "first_wins", "missing_close",
              "missing_stop", "double_send", "skip_by_exception", "skip_by_continue",
              "lost_wakeup", "notify_one_two_waiters", "owner_static", "owner_leaked",
              "none"]
RESCUES = ["none", "buffer", "sibling_close", "raii_close", "sentinel_per_worker",
           "stop_token", "join", "drain", "notify_under_lock", "notify_all",
           "scope_guard_counter", "return_after_send"]
DIMENSIONS = {"family": FAMILIES, "construct": CONSTRUCTS, "rescue": RESCUES,
              "passing": PASSINGS, "callable": CALLABLES, "depth": DEPTHS, "count": COUNTS}

# Which chanleak check a stranding construct belongs to (run_corpus.py's
# per-check recall).
CONSTRUCT_CHECK = {
    "early_return": "chanleak-early-return",
    "throw": "chanleak-early-return",
    "skip_by_exception": "chanleak-early-return",
    "skip_by_continue": "chanleak-early-return",
    "lost_wakeup": "chanleak-early-return",
    "timeout": "chanleak-cancel-timeout",
    "first_wins": "chanleak-take-first",
    "notify_one_two_waiters": "chanleak-take-first",
    "missing_close": "chanleak-range-without-close",
    "missing_stop": "chanleak-orphaned-worker",
    "owner_static": "chanleak-orphaned-worker",
    "owner_leaked": "chanleak-orphaned-worker",
    "double_send": "chanleak-double-send",
}

# Rescues that fit each construct (the family decides the rest).
CONSTRUCT_RESCUES = {
    "none": ["none"],
    "early_return": ["none", "buffer", "drain", "raii_close"],
    "throw": ["none", "buffer", "drain", "raii_close"],
    "timeout": ["none", "buffer", "raii_close", "stop_token"],
    "first_wins": ["none", "buffer", "drain", "raii_close"],
    "missing_close": ["none", "sibling_close", "raii_close", "sentinel_per_worker", "stop_token"],
    "missing_stop": ["none", "stop_token", "join", "raii_close"],
    "double_send": ["none", "buffer", "return_after_send"],
    "skip_by_exception": ["none", "scope_guard_counter"],
    "skip_by_continue": ["none", "scope_guard_counter"],
    "lost_wakeup": ["none", "notify_under_lock"],
    "notify_one_two_waiters": ["none", "notify_all"],
    "owner_static": ["none", "join"],
    "owner_leaked": ["none", "join", "raii_close"],
}

CV_FAMILIES = ("cv_flag", "cv_counter", "cv_queue")
CHAN_FAMILIES = ("fiber_buffered", "fiber_unbuffered", "msd", "annotated", "model") + CV_FAMILIES
SIGNAL_FAMILIES = ("latch", "jthread")
WORKER_CONSTRUCTS = ("missing_stop", "owner_static", "owner_leaked")

# Constructs each family can express.
FAMILY_CONSTRUCTS = {
    "promise": ["none", "double_send", "missing_stop", "owner_static", "owner_leaked"],
    "latch": ["none", "early_return", "throw", "skip_by_exception", "skip_by_continue",
              "missing_stop", "owner_static", "owner_leaked"],
    "jthread": ["none", "early_return", "throw", "missing_stop", "owner_static", "owner_leaked"],
    "asio": ["none", "early_return", "throw", "timeout", "first_wins", "missing_close",
             "double_send"],
}
for _f in ("fiber_buffered", "fiber_unbuffered", "msd", "annotated", "model"):
    FAMILY_CONSTRUCTS[_f] = ["none", "early_return", "throw", "timeout", "first_wins",
                             "missing_close", "double_send", "skip_by_exception",
                             "skip_by_continue", "missing_stop", "owner_static", "owner_leaked"]
for _f in CV_FAMILIES:
    FAMILY_CONSTRUCTS[_f] = ["none", "early_return", "throw", "timeout", "first_wins",
                             "missing_close", "double_send", "skip_by_exception",
                             "skip_by_continue", "lost_wakeup", "notify_one_two_waiters",
                             "missing_stop", "owner_static", "owner_leaked"]
FAMILY_CONSTRUCTS["msd"].remove("timeout")      # msd::channel has no timed read
FAMILY_CONSTRUCTS["cv_flag"].remove("first_wins")  # one slot: no buffer look-alike
FAMILY_CONSTRUCTS["cv_flag"].remove("skip_by_continue")

INF = 1 << 30


# --------------------------------------------------------------------------
# API families: how to declare a channel and spell its operations. P is an
# access prefix ("ch->", "ch.", "g_ch.", "ch_.", "chans[1]->", "self->ch_.").
# --------------------------------------------------------------------------

def obj(P):
    """The channel object an access prefix reaches, as an lvalue expression."""
    if P.endswith("->"):
        return "(*" + P[:-2] + ")"
    return P[:-1]


class Family:
    name = ""
    headers = []
    libs = []
    min_cap = 0
    max_cap = INF
    unbounded = False      # can be declared without a capacity limit
    close_wakes_senders = True
    has_timed = True
    copyable = False       # a handle that can be captured by value
    coro = False

    def prelude(self):
        return ""

    def type(self, cap):
        raise NotImplementedError

    def args(self, cap, cap_expr):
        """Constructor arguments (inside braces) for a capacity; cap is the
        static value (INF: unbounded), cap_expr the C++ expression."""
        raise NotImplementedError

    def after_decl(self, P):
        return []

    def send(self, P, v):
        raise NotImplementedError

    def recv(self, P, var):
        raise NotImplementedError

    def timed_recv(self, P, var, ok):
        raise NotImplementedError

    def close(self, P):
        raise NotImplementedError

    def loop(self, P, var, body, mark):
        raise NotImplementedError

    def stop_loop(self, P, var, body):
        """Receive loop that ends when the thread's stop token is requested."""
        raise NotImplementedError

    # signal families (latch, jthread): one-way go/stop signal
    def wait_signal(self, P, mark):
        raise NotImplementedError

    def give_signal(self, P):
        raise NotImplementedError


class FiberBuffered(Family):
    name = "fiber_buffered"
    headers = ["<boost/fiber/buffered_channel.hpp>", "<bit>"]
    libs = ["boost_fiber", "boost_context"]
    min_cap = 1

    def type(self, cap):
        return "boost::fibers::buffered_channel<int>"

    def args(self, cap, cap_expr):
        if cap_expr is None or cap_expr.isdigit():
            n = 2
            while n - 1 < cap:
                n *= 2
            return str(n)
        return "std::bit_ceil(static_cast<std::size_t>(%s) + 1)" % cap_expr

    def send(self, P, v):
        return ["%spush(%s);" % (P, v)]

    def recv(self, P, var):
        return ["%s = %svalue_pop();" % (var, P)]

    def timed_recv(self, P, var, ok):
        return ["%s = %spop_wait_for(%s, std::chrono::milliseconds(20)) =="
                " boost::fibers::channel_op_status::success;" % (ok, P, var)]

    def close(self, P):
        return ["%sclose();" % P]

    def loop(self, P, var, body, mark):
        return ["for (int %s : %s) {%s" % (var, obj(P), mark)] + indent(body) + ["}"]

    def stop_loop(self, P, var, body):
        return ["while (!st.stop_requested()) {",
                "  int %s = 0;" % var,
                "  if (%spop_wait_for(%s, std::chrono::milliseconds(5)) !="
                " boost::fibers::channel_op_status::success)" % (P, var),
                "    continue;"] + indent(body) + ["}"]


class FiberUnbuffered(FiberBuffered):
    name = "fiber_unbuffered"
    headers = ["<boost/fiber/unbuffered_channel.hpp>"]
    min_cap = 0
    max_cap = 0

    def type(self, cap):
        return "boost::fibers::unbuffered_channel<int>"

    def args(self, cap, cap_expr):
        return ""


class Msd(Family):
    name = "msd"
    headers = ['"msd/channel.hpp"']
    min_cap = 1
    unbounded = True
    close_wakes_senders = False
    has_timed = False

    def type(self, cap):
        return "msd::channel<int>"

    def args(self, cap, cap_expr):
        return "" if cap >= INF else (sz(cap_expr) or str(cap))

    def send(self, P, v):
        return ["%s << %s;" % (obj(P), v)]

    def recv(self, P, var):
        return ["%s >> %s;" % (obj(P), var)]

    def close(self, P):
        return ["%sclose();" % P]

    def loop(self, P, var, body, mark):
        return ["for (int %s : %s) {%s" % (var, obj(P), mark)] + indent(body) + ["}"]


class Annotated(Family):
    name = "annotated"
    headers = ['"annotated/work_queue.h"']

    def type(self, cap):
        return "work::Handoff<int>" if cap == 0 else "work::BoundedQueue<int>"

    def args(self, cap, cap_expr):
        return "" if cap == 0 else (sz(cap_expr) or str(cap))

    def send(self, P, v):
        return ["%sPush(%s);" % (P, v)]

    def recv(self, P, var):
        return ["%sPop(%s);" % (P, var)]

    def timed_recv(self, P, var, ok):
        return ["%s = %sPopFor(%s, std::chrono::milliseconds(20));" % (ok, P, var)]

    def close(self, P):
        return ["%sClose();" % P]

    def loop(self, P, var, body, mark):
        return ["int %s = 0;" % var, "while (%sPop(%s)) {%s" % (P, var, mark)] + indent(body) + ["}"]

    def stop_loop(self, P, var, body):
        return ["while (!st.stop_requested()) {",
                "  int %s = 0;" % var,
                "  if (!%sPopFor(%s, std::chrono::milliseconds(5)))" % (P, var),
                "    continue;"] + indent(body) + ["}"]


MODEL_PRELUDE = r"""
// A vendor queue the built-in model does not know; chanleak learns it from
// the model file next to this program (<name>.model.yaml). Pipe is a handle:
// copies share one queue. Put waits while `capacity` values are queued (for
// capacity 0, until a Take has taken the value); Shut wakes every Put and Take.
namespace vendor {
template <typename T> class Pipe {
public:
  explicit Pipe(std::size_t capacity = 0) : s_(std::make_shared<State>()) { s_->capacity = capacity; }

  bool Put(T value) {
    std::unique_lock<std::mutex> lk(s_->mu);
    const std::size_t room = s_->capacity == 0 ? 1 : s_->capacity;
    s_->cv.wait(lk, [&] { return s_->shut || s_->items.size() < room; });
    if (s_->shut)
      return false;
    s_->items.push_back(std::move(value));
    const unsigned long ticket = ++s_->put;
    s_->cv.notify_all();
    if (s_->capacity == 0)
      s_->cv.wait(lk, [&] { return s_->shut || s_->taken >= ticket; });
    return true;
  }

  bool Take(T &out) {
    std::unique_lock<std::mutex> lk(s_->mu);
    s_->cv.wait(lk, [&] { return s_->shut || !s_->items.empty(); });
    return TakeLocked(out);
  }

  bool TakeFor(T &out, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lk(s_->mu);
    if (!s_->cv.wait_for(lk, timeout, [&] { return s_->shut || !s_->items.empty(); }))
      return false;
    return TakeLocked(out);
  }

  void Shut() {
    std::lock_guard<std::mutex> lk(s_->mu);
    s_->shut = true;
    s_->cv.notify_all();
  }

private:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<T> items;
    std::size_t capacity = 0;
    unsigned long put = 0, taken = 0;
    bool shut = false;
  };

  bool TakeLocked(T &out) {
    if (s_->items.empty())
      return false;
    out = std::move(s_->items.front());
    s_->items.pop_front();
    ++s_->taken;
    s_->cv.notify_all();
    return true;
  }

  std::shared_ptr<State> s_;
};
} // namespace vendor
"""

MODEL_YAML = """# Model for the vendor types of {name}.cpp (generated by gen_corpus.py).
channels:
  - type: vendor::Pipe
    family: vendor
    capacity: rendezvous
    capacity-arg: 0
    zero-capacity: rendezvous
    receive-status: bool
    ops: {{ Put: send, Take: recv, TakeFor: timed_recv, Shut: close }}
{workers}"""


class Model(Family):
    name = "model"
    headers = ["<deque>"]
    copyable = True

    def prelude(self):
        return MODEL_PRELUDE

    def type(self, cap):
        return "vendor::Pipe<int>"

    def args(self, cap, cap_expr):
        return sz(cap_expr) or str(cap)

    def send(self, P, v):
        return ["%sPut(%s);" % (P, v)]

    def recv(self, P, var):
        return ["%sTake(%s);" % (P, var)]

    def timed_recv(self, P, var, ok):
        return ["%s = %sTakeFor(%s, std::chrono::milliseconds(20));" % (ok, P, var)]

    def close(self, P):
        return ["%sShut();" % P]

    def loop(self, P, var, body, mark):
        return ["int %s = 0;" % var, "while (%sTake(%s)) {%s" % (P, var, mark)] + indent(body) + ["}"]

    def stop_loop(self, P, var, body):
        return ["while (!st.stop_requested()) {",
                "  int %s = 0;" % var,
                "  if (!%sTakeFor(%s, std::chrono::milliseconds(5)))" % (P, var),
                "    continue;"] + indent(body) + ["}"]


CV_PRELUDE = {
    "cv_queue": """
// A handoff built from a mutex and a condition variable: senders queue a
// value and wait while more than `cap` values are queued (cap 0: until the
// queue is empty); `closed` releases everyone.
struct Chan {
  explicit Chan(std::size_t capacity) : cap(capacity) {}
  std::mutex mu;
  std::condition_variable cv;
  std::queue<int> items;
  std::size_t cap;
  bool closed = false;
};
""",
    "cv_counter": """
// A handoff built from a mutex, a condition variable and counters: a sender
// counts a value as queued and waits while more than `cap` are queued (cap 0:
// until every queued value is taken); `closed` releases everyone.
struct Chan {
  explicit Chan(std::size_t capacity) : cap(capacity) {}
  std::mutex mu;
  std::condition_variable cv;
  long queued = 0;
  long last = 0;
  std::size_t cap;
  bool closed = false;
};
""",
    "cv_flag": """
// A one-slot handoff built from a mutex, a condition variable and flags: a
// sender fills the slot when it is empty and, when cap is 0, waits until the
// slot has been emptied again; `closed` releases everyone.
struct Chan {
  explicit Chan(std::size_t capacity) : cap(capacity) {}
  std::mutex mu;
  std::condition_variable cv;
  bool full = false;
  int value = 0;
  std::size_t cap;
  bool closed = false;
};
""",
}


class Cv(Family):
    headers = ["<condition_variable>", "<mutex>", "<queue>"]

    def __init__(self, name):
        self.name = name
        self.max_cap = 1 if name == "cv_flag" else INF

    def prelude(self):
        return CV_PRELUDE[self.name]

    def type(self, cap):
        return "Chan"

    def args(self, cap, cap_expr):
        return sz(cap_expr) or str(cap)

    def has(self, P):
        return {"cv_queue": "!%sitems.empty()", "cv_counter": "%squeued > 0",
                "cv_flag": "%sfull"}[self.name] % P

    def take(self, P, var):
        return {"cv_queue": ["%s = %sitems.front();" % (var, P), "%sitems.pop();" % P],
                "cv_counter": ["%s = static_cast<int>(%slast);" % (var, P), "--%squeued;" % P],
                "cv_flag": ["%s = %svalue;" % (var, P), "%sfull = false;" % P]}[self.name]

    def put(self, P, v):
        return {"cv_queue": ["%sitems.push(%s);" % (P, v)],
                "cv_counter": ["%slast = %s;" % (P, v), "++%squeued;" % P],
                "cv_flag": ["%svalue = %s;" % (P, v), "%sfull = true;" % P]}[self.name]

    def room(self, P):
        """Predicate: the sender may leave (its value fits)."""
        return {"cv_queue": "%sitems.size() <= %scap" % (P, P),
                "cv_counter": "%squeued <= static_cast<long>(%scap)" % (P, P),
                "cv_flag": "!%sfull || %scap > 0" % (P, P)}[self.name]

    def send(self, P, v, mark=""):
        lines = ["{", "  std::unique_lock<std::mutex> lk(%smu);" % P]
        if self.name == "cv_flag":
            lines.append("  %scv.wait(lk, [&] { return %sclosed || !%sfull; });" % (P, P, P))
        lines += indent(self.put(P, v))
        lines.append("  %scv.notify_all();" % P)
        lines.append("  %scv.wait(lk, [&] { return %sclosed || %s; });%s" % (P, P, self.room(P), mark))
        lines.append("}")
        return lines

    def recv(self, P, var):
        return ["{", "  std::unique_lock<std::mutex> lk(%smu);" % P,
                "  %scv.wait(lk, [&] { return %sclosed || %s; });" % (P, P, self.has(P)),
                "  if (%s) {" % self.has(P)] + indent(self.take(P, var), 2) + [
                "    %scv.notify_all();" % P, "  }", "}"]

    def timed_recv(self, P, var, ok):
        return ["{", "  std::unique_lock<std::mutex> lk(%smu);" % P,
                "  %s = %scv.wait_for(lk, std::chrono::milliseconds(20), [&] { return %s; });"
                % (ok, P, self.has(P)),
                "  if (%s) {" % ok] + indent(self.take(P, var), 2) + [
                "    %scv.notify_all();" % P, "  }", "}"]

    def close(self, P):
        return ["{", "  std::lock_guard<std::mutex> lk(%smu);" % P, "  %sclosed = true;" % P, "}",
                "%scv.notify_all();" % P]

    def loop(self, P, var, body, mark):
        return ["for (;;) {", "  int %s = 0;" % var, "  {",
                "    std::unique_lock<std::mutex> lk(%smu);" % P,
                "    %scv.wait(lk, [&] { return %sclosed || %s; });%s" % (P, P, self.has(P), mark),
                "    if (!(%s))" % self.has(P), "      break; // closed and drained"] + \
            indent(self.take(P, var), 2) + ["    %scv.notify_all();" % P, "  }"] + \
            indent(body) + ["}"]

    def stop_loop(self, P, var, body):
        return ["while (!st.stop_requested()) {", "  int %s = 0;" % var, "  {",
                "    std::unique_lock<std::mutex> lk(%smu);" % P,
                "    if (!%scv.wait_for(lk, std::chrono::milliseconds(5), [&] { return %s; }))"
                % (P, self.has(P)),
                "      continue;"] + indent(self.take(P, var), 2) + [
                "    %scv.notify_all();" % P, "  }"] + indent(body) + ["}"]


class Promise(Family):
    name = "promise"
    headers = ["<future>"]
    copyable = True       # movable into the thread
    min_cap = 1
    max_cap = 1
    has_timed = False

    def type(self, cap):
        return "std::promise<int>"

    def args(self, cap, cap_expr):
        return ""

    def after_decl(self, P):
        return ["auto fut = %sget_future();" % P]

    def send(self, P, v):
        return ["%sset_value(%s);" % (P, v)]

    def recv(self, P, var):
        return ["%s = fut.get();" % var]


class Latch(Family):
    name = "latch"
    headers = ["<latch>"]

    def type(self, cap):
        return "std::latch"

    def args(self, cap, cap_expr):
        return cap_expr or str(cap)

    def wait_signal(self, P, mark):
        return ["%swait();%s" % (P, mark)]

    def give_signal(self, P):
        return ["%scount_down();" % P]


class JthreadFamily(Family):
    name = "jthread"
    headers = ["<condition_variable>", "<mutex>", "<stop_token>"]
    copyable = True

    def type(self, cap):
        return "std::stop_source"

    def args(self, cap, cap_expr):
        return ""

    def wait_signal(self, P, mark):
        return ["std::mutex mu;", "std::condition_variable_any cv;",
                "std::unique_lock<std::mutex> lk(mu);",
                "cv.wait(lk, %sget_token(), [] { return false; }); // until stop is requested%s"
                % (P, mark)]

    def give_signal(self, P):
        return ["%srequest_stop();" % P]


class Asio(Family):
    name = "asio"
    headers = ["<asio/co_spawn.hpp>", "<asio/detached.hpp>", "<asio/experimental/as_tuple.hpp>",
               "<asio/experimental/awaitable_operators.hpp>",
               "<asio/experimental/concurrent_channel.hpp>", "<asio/steady_timer.hpp>",
               "<asio/thread_pool.hpp>", "<asio/use_awaitable.hpp>", "<variant>"]
    coro = True
    close_wakes_senders = False

    def prelude(self):
        return ("\nusing namespace asio::experimental::awaitable_operators;\n"
                "using Chan = asio::experimental::concurrent_channel<void(asio::error_code, int)>;\n")

    def type(self, cap):
        return "Chan"

    def args(self, cap, cap_expr):
        return "ex, " + (sz(cap_expr) or str(cap))

    def send(self, P, v):
        return ["co_await %sasync_send(asio::error_code{}, %s, asio::use_awaitable);" % (P, v)]

    def recv(self, P, var):
        return ["%s = co_await %sasync_receive(asio::use_awaitable);" % (var, P)]

    def timed_recv(self, P, var, ok):
        return ["{", "  asio::steady_timer deadline(co_await asio::this_coro::executor,"
                " std::chrono::milliseconds(20));",
                "  auto winner = co_await (%sasync_receive(asio::use_awaitable) ||" % P,
                "                          deadline.async_wait(asio::use_awaitable));",
                "  %s = winner.index() == 0;" % ok,
                "  if (%s)" % ok, "    %s = std::get<0>(winner);" % var, "}"]

    def close(self, P):
        return ["%sclose();" % P]

    def loop(self, P, var, body, mark):
        return ["for (;;) {",
                "  auto [ec, %s] = co_await %sasync_receive(asio::experimental::as_tuple("
                "asio::use_awaitable));%s" % (var, P, mark),
                "  if (ec)", "    break;"] + indent(body) + ["}"]


FAMILY_IMPL = {f.name: f for f in [FiberBuffered(), FiberUnbuffered(), Msd(), Annotated(),
                                   Model(), Cv("cv_flag"), Cv("cv_counter"), Cv("cv_queue"),
                                   Promise(), Latch(), JthreadFamily(), Asio()]}


def sz(expr):
    """A capacity expression as std::size_t (no narrowing in braces)."""
    return expr if expr is None or expr.isdigit() else "static_cast<std::size_t>(%s)" % expr


def indent(lines, n=1):
    pad = "  " * n
    return [pad + l if l else l for l in lines]


MARK = " // CORPUS-BLOCK"


# --------------------------------------------------------------------------
# Choices and validity
# --------------------------------------------------------------------------

class Choice:
    def __init__(self, family, construct, rescue, passing, callable_, depth, count):
        self.family, self.construct, self.rescue = family, construct, rescue
        self.passing, self.callable, self.depth, self.count = passing, callable_, depth, count

    def as_dict(self):
        return {"family": self.family, "construct": self.construct, "rescue": self.rescue,
                "passing": self.passing, "callable": self.callable, "depth": self.depth,
                "count": self.count}

    @property
    def name(self):
        return "%s.%s.%s.%s.%s.d%d.%s" % (self.family, self.construct, self.rescue, self.passing,
                                          self.callable, self.depth, self.count)

    @property
    def leaky(self):
        return self.construct != "none" and self.rescue == "none"


def n_threads(c):
    return {"single": 1, "loop_const": 3, "loop_var": 3}[c.count]


def sends_per_thread(c, fam):
    """Values each sender sends in early_return/throw: enough to overflow the
    smallest capacity of the family."""
    return fam.min_cap + 1


def leak_capacity(c, fam):
    """(capacity, C++ expression or None) of the channel for construct c."""
    k = c.construct
    N = n_threads(c)
    Nexpr = "n" if c.count == "loop_var" else str(N)
    total_expr = lambda mult: (Nexpr if mult == 1 else "%s * %d" % (Nexpr, mult))
    if fam.name == "latch" and k in ("early_return", "throw", "none"):
        return 1, None
    if k in ("early_return", "throw"):
        s = sends_per_thread(c, fam)
        if c.rescue == "buffer":
            return N * s, (total_expr(s) if c.count == "loop_var" else None)
        return fam.min_cap, None
    if k == "timeout":
        return (sends_per_thread(c, fam) if c.rescue == "buffer" else fam.min_cap), None
    if k == "first_wins":
        if c.rescue == "buffer":
            return N, (Nexpr if c.count == "loop_var" else None)
        return fam.min_cap, None
    if k == "double_send":
        return (1 if c.rescue == "buffer" else 0), None
    if k in ("skip_by_exception", "skip_by_continue"):
        if fam.name == "latch":
            return N * 3, (total_expr(3) if c.count == "loop_var" else None)
        return (INF if fam.unbounded else max(fam.min_cap, min(fam.max_cap, 16))), None
    if k in ("missing_close",) + WORKER_CONSTRUCTS:
        return (INF if fam.unbounded else max(fam.min_cap, min(fam.max_cap, 8))), None
    if k in ("lost_wakeup", "notify_one_two_waiters"):
        return 0, None
    # none
    if fam.name == "latch":
        return 1, None
    return (INF if fam.unbounded else max(fam.min_cap, min(fam.max_cap, 4))), None


def valid(c):
    fam = FAMILY_IMPL[c.family]
    k, r = c.construct, c.rescue
    if k not in FAMILY_CONSTRUCTS[c.family] or r not in CONSTRUCT_RESCUES[k]:
        return False
    # --- rescue vs family
    if r == "buffer":
        if k == "double_send" and (fam.max_cap < 1 or fam.name == "promise"):
            return False
        if k == "double_send" and fam.name == "msd":
            return False
        cap, _ = leak_capacity(c, fam)
        if cap > fam.max_cap or fam.name in SIGNAL_FAMILIES:
            return False
        if fam.name == "asio" and k == "timeout":
            return False  # asio < 1.28: a cancelled receive disables the buffer (issue 1241)
    if r == "raii_close" and k not in WORKER_CONSTRUCTS:
        if not fam.close_wakes_senders and k in ("early_return", "throw", "first_wins"):
            return False
        if fam.name == "msd" and k == "timeout":
            return False
    if r == "drain" and fam.name in SIGNAL_FAMILIES:
        return False
    if r == "stop_token":
        if fam.coro:
            return False
        if k == "missing_close" and not fam.has_timed:
            return False
        if k == "missing_stop" and fam.name in ("promise", "latch"):
            return False
        if k == "missing_stop" and fam.name in CHAN_FAMILIES and not fam.has_timed:
            return False
    # --- leaky version must be able to leak with this family
    if k == "double_send" and r == "none" and fam.min_cap > 0 and fam.name != "promise":
        return False
    if k == "double_send" and r == "return_after_send" and fam.min_cap > 0 and fam.name != "promise":
        return False
    if k == "double_send" and fam.name == "promise" and r == "buffer":
        return False
    # --- count
    loops = c.count != "single"
    if k in ("first_wins", "notify_one_two_waiters") and not loops:
        return False
    if k in ("timeout", "double_send", "lost_wakeup") and loops:
        return False
    if fam.name == "promise" and loops:
        return False
    if fam.name == "cv_flag" and k == "skip_by_exception" and loops:
        return False
    if k in ("early_return", "throw") and loops and c.rescue == "buffer" and fam.max_cap < INF:
        return False
    # --- passing x callable
    p, cl = c.passing, c.callable
    if k in WORKER_CONSTRUCTS:
        if p != "member":
            return False
    else:
        if p == "capture_value" and not fam.copyable:
            return False
        if p in ("capture_value", "capture_ref", "capture_shared_ptr") and cl in (
                "free_function", "member_function"):
            return False
        if cl == "member_function" and p == "capture_value":
            return False
        if fam.coro and p in ("capture_ref", "global", "capture_value"):
            return False
        if fam.name == "model" and p == "capture_value" and cl not in ("lambda", "functor"):
            return False
    return True


def all_choices():
    out = []
    for combo in itertools.product(FAMILIES, CONSTRUCTS, RESCUES, PASSINGS, CALLABLES, DEPTHS,
                                   COUNTS):
        c = Choice(*combo)
        if valid(c):
            out.append(c)
    return out


# --------------------------------------------------------------------------
# Program text
# --------------------------------------------------------------------------

COMMON_SUPPORT = r"""
// Request validation: an empty column list is the error path.
struct Request {
  std::string table;
  std::vector<std::string> columns;
};
"""

SLOW_SUPPORT = r"""
// The backend answers only after the caller has given up: SlowWork returns
// once Scenario() has called ReleaseBackend() (after the function under test
// returned) or, on a std::jthread, once its stop has been requested.
std::atomic<bool> g_backend_released{false};
void ReleaseBackend() { g_backend_released.store(true); }
void SlowWork() {
  while (!g_backend_released.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
void SlowWork(std::stop_token st) {
  while (!g_backend_released.load() && !st.stop_requested())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
"""

SLOW_SUPPORT_CORO = r"""
// The backend answers only after the caller has given up: SlowWork returns
// once the function under test has finished (its completion handler calls
// ReleaseBackend()).
std::atomic<bool> g_backend_released{false};
void ReleaseBackend() { g_backend_released.store(true); }
asio::awaitable<void> SlowWork() {
  asio::steady_timer poll(co_await asio::this_coro::executor);
  while (!g_backend_released.load()) {
    poll.expires_after(std::chrono::milliseconds(1));
    co_await poll.async_wait(asio::use_awaitable);
  }
}
"""

LOST_WAKEUP_HOOKS = r"""
// Test hooks that fix the interleaving: the waiter checks the predicate, then
// the writer runs, then the waiter waits. They only sequence; they never make
// the predicate true or notify.
std::atomic<bool> g_checked{false}, g_written{false}, g_entering{false};
void HookChecked() { // waiter, holding the mutex, after a false check
  g_checked.store(true);
  while (!g_written.load() && !g_entering.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
void HookAwaitChecked() {
  while (!g_checked.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
void HookWritten() { g_written.store(true); }
void HookEntering() { g_entering.store(true); } // writer is about to take the mutex
"""

ARRIVAL_HOOKS = r"""
// Test hooks: a waiter counts itself while holding the mutex, right before
// it waits, so once the notifier holds the mutex after every arrival, every
// waiter is waiting.
std::atomic<int> g_arrived{0};
void HookArrived() { g_arrived.fetch_add(1); }
void HookAwaitArrivals(int n) {
  while (g_arrived.load() < n)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}
"""

WORK_SUPPORT = r"""
int Compute(int id) { return id == 0 ? -1 : id * 7; } // id 0 fails validation
void Consume(int v) { g_consumed.fetch_add(v); }
"""

ITEMS_SUPPORT = r"""
// Work items; a negative item is bad: Process throws for it.
const std::vector<int> kItems = {4, -1, 7};
void Process(int item) {
  if (item < 0)
    throw std::invalid_argument("bad item " + std::to_string(item));
  g_consumed.fetch_add(item);
}
"""


class Gen:
    """Builds one program."""

    def __init__(self, c):
        self.c = c
        self.fam = FAMILY_IMPL[c.family]
        self.decls = []      # text blocks after the prelude, in order
        self.needs = set()   # support blocks
        self.block_marked = False

    # ---------------- spawn machinery ----------------
    def in_class(self):
        return self.c.passing == "member" or self.c.callable == "member_function"

    def handle(self):
        c = self.c
        if self.fam.coro:
            return "coro"
        if c.construct in WORKER_CONSTRUCTS:
            return "member"
        if self.in_class():
            return "member"
        if c.passing == "capture_ref" or c.rescue == "stop_token":
            return "local"
        return "detach"

    def chan_param(self):
        """(helper/free-function parameter declaration, argument expression, access prefix
        inside a callee that got the parameter) for the passing, or None."""
        p, T = self.c.passing, self.chan_t
        if p == "capture_value":
            return ("%s ch" % T, "std::move(ch)" if self.fam.name == "promise" else "ch", "ch.")
        if p == "capture_ref":
            return ("%s &ch" % T, "ch", "ch.")
        if p in ("capture_shared_ptr", "parameter", "factory"):
            return ("std::shared_ptr<%s> ch" % T, "ch", "ch->")
        if p == "vector_element":
            return ("std::vector<std::shared_ptr<%s>> chans" % T, "chans", "chans[1]->")
        return None

    def body_prefix(self):
        p = self.c.passing
        if p == "member":
            return "ch_."
        if p == "global":
            return "g_ch."
        return self.chan_param()[2]

    def spawn(self, role, body_fn, needs_st, id_expr, ctx_prefix=None):
        """Returns the statements (in the function under test, or in a method)
        that start one thread with id id_expr. body_fn(P) gives the body."""
        c, fam = self.c, self.fam
        h = self.handle()
        if h in ("local", "member"):
            needs_st = needs_st or c.rescue == "stop_token"
        st = needs_st and h in ("local", "member")
        P_self = self.body_prefix()
        cp = self.chan_param()
        cl = c.callable
        coro = fam.coro
        ret = "asio::awaitable<void>" if coro else "void"
        body_name = "Run" + role
        params = []          # callee parameter declarations
        fwd = []             # forwarded spawn arguments
        stp = ["std::stop_token st"] if st else []

        def body_lines(P):
            return body_fn(P)

        # the callable expression and any definitions it needs
        if cl == "lambda":
            caps = []
            lam_params = list(stp)
            if c.passing == "capture_value":
                caps.append("ch = std::move(ch)" if fam.name == "promise" else "ch")
            elif c.passing == "capture_ref":
                caps.append("&ch")
            elif c.passing in ("capture_shared_ptr", "factory"):
                caps.append("ch")
            elif c.passing == "vector_element":
                caps.append("chans")
            elif c.passing == "member":
                caps.append("this")
            elif c.passing == "parameter":
                lam_params.append(cp[0])
                fwd.append(cp[1])
            if c.passing != "parameter":
                caps.append("id = %s" % id_expr if id_expr != "id" else "id")
                P = P_self
            else:
                lam_params.append("int id")
                fwd.append(id_expr)
                P = cp[2]
            if self.in_class() and "this" not in caps:
                caps.insert(0, "this")
            mut = " mutable" if c.passing == "capture_value" else ""
            rett = " -> asio::awaitable<void>" if coro else ""
            lam_head = "[%s](%s)%s%s {" % (", ".join(caps), ", ".join(lam_params), mut, rett)
            callable_lines = [lam_head] + indent(body_lines(P)) + ["}"]
        elif cl == "free_function":
            if c.passing == "member":
                params = ["%s *self" % self.class_name, "int id"]
                fwd = ["this", id_expr]
                P = "self->ch_."
            elif c.passing == "global":
                params = ["int id"]
                fwd = [id_expr]
                P = "g_ch."
            else:
                params = [cp[0], "int id"]
                fwd = [cp[1], id_expr]
                P = cp[2]
            self.free_defs.append((ret, body_name, stp + params, body_lines(P),
                                   c.passing == "member"))
            callable_lines = [body_name]
        elif cl == "functor":
            members = []
            init = []
            if c.passing == "member":
                members = ["%s *self;" % self.class_name]
                init = ["this"]
                P = "self->ch_."
            elif c.passing == "global":
                P = "g_ch."
            elif c.passing == "parameter":
                P = cp[2]
            else:
                mdecl = cp[0]
                members = [mdecl + ";"]
                init = [cp[1]]
                P = cp[2]
            if c.passing == "parameter":
                op_params = stp + [cp[0], "int id"]
                fwd = [cp[1], id_expr]
            else:
                members.append("int id;")
                init.append(id_expr)
                op_params = stp
            mutable = c.passing == "capture_value"
            self.functor_defs.append((role, members, op_params, body_lines(P), ret,
                                      c.passing == "member", mutable))
            callable_lines = ["%sTask{%s}" % (role, ", ".join(init))]
        else:  # member_function
            if c.passing == "member":
                params = ["int id"]
                fwd = [id_expr]
                P = "ch_."
            elif c.passing == "global":
                params = ["int id"]
                fwd = [id_expr]
                P = "g_ch."
            else:
                params = [cp[0], "int id"]
                fwd = [cp[1], id_expr]
                P = cp[2]
            self.method_defs.append((ret, body_name, stp + params, body_lines(P)))
            if coro:
                callable_lines = None
                self._coro_member_call = "%s(%s)" % (body_name, ", ".join(fwd))
            elif st:
                pnames = [a.split()[-1].lstrip("&*") for a in params]
                callable_lines = ["[this, %s](std::stop_token st) { %s(st, %s); }" % (
                    ", ".join("%s = %s" % (n, f) if n != f else n for n, f in zip(pnames, fwd)),
                    body_name, ", ".join(pnames))]
                fwd = []
            else:
                callable_lines = ["&%s::%s" % (self.class_name, body_name), "this"]

        return self.wrap_spawn(h, role, callable_lines, fwd, id_expr)

    def spawn_expr(self, h, callable_lines, fwd):
        """Lines of the spawn expression (without trailing ;)."""
        c, fam = self.c, self.fam
        if h == "coro":
            if callable_lines is None:
                first = [self._coro_member_call]
            elif c.callable == "free_function":
                first = ["%s(%s)" % (callable_lines[0], ", ".join(fwd))]
                fwd = []
            elif c.callable == "lambda" and fwd:
                # a coroutine lambda with parameters: call it with them
                first = ["[](auto fn, auto... args) { return fn(args...); }("] + callable_lines
                first[-1] += ", " + ", ".join(fwd) + ")"
                fwd = []
            elif c.callable == "functor" and fwd:
                first = ["%s(%s)" % (callable_lines[0], ", ".join(fwd))]
                fwd = []
            else:
                first = callable_lines
            lines = list(first)
            lines[0] = "asio::co_spawn(ex, " + lines[0]
            lines[-1] += ", asio::detached)"
            return lines
        kind = "std::thread" if h == "detach" else "std::jthread"
        lines = list(callable_lines)
        if c.callable == "member_function" and len(lines) == 2 and lines[1] == "this":
            lines = [lines[0] + ", this"]
        lines[0] = kind + "(" + lines[0]
        lines[-1] += "".join(", " + a for a in fwd) + ")"
        return lines

    def wrap_spawn(self, h, role, callable_lines, fwd, id_expr):
        """Spawn statement(s) for the function under test, through `depth` helpers."""
        c = self.c
        d = c.depth
        expr = self.spawn_expr(h, callable_lines, fwd)
        if h == "detach":
            stmt = expr[:-1] + [expr[-1] + ".detach();"]
        elif h == "local":
            stmt = None  # expression form
        elif h == "member":
            expr = list(expr)
            expr[0] = expr[0].replace("std::jthread(", "", 1)
            expr[-1] = expr[-1][:-1]
            stmt = ["threads_.emplace_back(" + expr[0]] + expr[1:-1] + \
                ([expr[-1] + ");"] if len(expr) > 1 else [])
            if len(expr) == 1:
                stmt = ["threads_.emplace_back(%s);" % expr[0]]
        else:  # coro
            stmt = expr[:-1] + [expr[-1] + ";"]
        if d == 0:
            return ("stmt", stmt) if h != "local" else ("expr", expr)
        # helpers: parameters that the spawn statement uses
        cp = self.chan_param()
        hparams = []
        hargs = []
        if h == "coro":
            hparams.append("asio::any_io_executor ex")
            hargs.append("ex")
        if c.passing not in ("member", "global"):
            hparams.append(cp[0])
            hargs.append(cp[1])
        hparams.append("int id")
        hargs.append(self.outer_id)
        inner_args = [a.split()[-1].lstrip("&*") for a in hparams]
        inner_call_args = []
        for a in inner_args:
            if a == "ch" and self.fam.name == "promise" and c.passing == "capture_value":
                inner_call_args.append("std::move(ch)")
            else:
                inner_call_args.append(a)
        rt = "std::jthread" if h == "local" else "void"
        name = "Launch" + role
        for lvl in range(1, d + 1):
            if lvl == 1:
                body = (["return " + expr[0]] + expr[1:-1] + [expr[-1] + ";"]) if h == "local" \
                    else stmt
                if h == "local" and len(expr) == 1:
                    body = ["return %s;" % expr[0]]
            else:
                call = "%s%d(%s);" % (name, lvl - 1, ", ".join(inner_call_args))
                body = ["return " + call] if h == "local" else [call]
            self.helper_defs.append((rt, "%s%d" % (name, lvl), hparams, body,
                                     h in ("member",) or (h == "coro" and self.in_class())))
        call = "%s%d(%s)" % (name, d, ", ".join(hargs))
        if h == "local":
            return ("expr", [call])
        return ("stmt", [call + ";"])

    def spawn_threads(self, role, body_fn, needs_st=False, count=None, handle_name="workers"):
        """Statements starting count (single/loop) threads; local jthreads are
        kept in `handle_name` (declared here)."""
        c = self.c
        count = count or c.count
        h = self.handle()
        loop = count != "single"
        id_expr = "id" if loop else "0"
        self.outer_id = id_expr
        kind, lines = self.spawn(role, body_fn, needs_st, "id" if c.depth else id_expr)
        out = []
        if h == "local":
            if loop:
                out.append("std::vector<std::jthread> %s;" % handle_name)
                stmt = ["%s.push_back(%s" % (handle_name, lines[0])] + lines[1:]
                stmt[-1] += ");"
                lines = stmt
            else:
                stmt = ["std::jthread %s = %s" % (handle_name.rstrip("s"), lines[0])] + lines[1:]
                stmt[-1] += ";"
                out += stmt
                return out
        if loop:
            bound = "n" if count == "loop_var" else "3"
            out.append("for (int id = 0; id < %s; ++id) {" % bound)
            out += indent(lines)
            out.append("}")
        else:
            out += lines
        return out

    # ---------------- channel declarations ----------------
    def declare_channel(self, cap, cap_expr):
        """Lines in the function under test declaring the channel, plus the
        parent's access prefix. Member/global channels go to self.member_chan
        / self.global_chan."""
        c, fam = self.c, self.fam
        T = fam.type(cap)
        self.chan_t = T
        a = fam.args(cap, cap_expr)
        p = c.passing
        lines = []
        if p in ("capture_value", "capture_ref"):
            lines.append("%s ch%s;" % (T, "{%s}" % a if a else ""))
            P = "ch."
        elif p in ("capture_shared_ptr", "parameter"):
            lines.append("auto ch = std::make_shared<%s>(%s);" % (T, a))
            P = "ch->"
        elif p == "factory":
            self.factory = (T, a)
            lines.append("auto ch = Make%s(%s);" % (self.factory_name(), self.factory_arg(cap, cap_expr)))
            P = "ch->"
        elif p == "vector_element":
            lines += ["std::vector<std::shared_ptr<%s>> chans;" % T,
                      "for (int c = 0; c < 2; ++c)",
                      "  chans.push_back(std::make_shared<%s>(%s));" % (T, a)]
            P = "chans[1]->"
        elif p == "member":
            self.member_chan = (T, a)
            P = "ch_."
        else:  # global
            ga = fam.args(cap, None if cap_expr is None else None)
            self.global_chan = (T, ga)
            P = "g_ch."
        lines += fam.after_decl(P)
        return lines, P

    def factory_name(self):
        return "Channel"

    def factory_arg(self, cap, cap_expr):
        a = self.fam.args(cap, cap_expr)
        return a.replace("ex, ", "ex, ") if a else ""

    # ---------------- assembling ----------------
    def reset(self):
        self.free_defs, self.functor_defs, self.method_defs, self.helper_defs = [], [], [], []
        self.member_chan = self.global_chan = self.factory = None
        self.class_name = "Job"
        self.chan_t = None
        self.extra_members = []
        self.class_public = []
        self.global_counters = False

    def build(self):
        self.reset()
        c = self.c
        if c.construct in WORKER_CONSTRUCTS:
            return self.build_worker()
        return self.build_generic()

    # The generic scenario: a function under test (a free function, or
    # Job::Run when the channel is a member or the thread runs a method).
    def build_generic(self):
        c, fam = self.c, self.fam
        k, r = c.construct, c.rescue
        cap, cap_expr = leak_capacity(c, fam)
        decl, P = self.declare_channel(cap, cap_expr)
        body = []   # lines of the function under test
        ret_t = "int"
        params = []
        call_args = []
        uses_req = k in ("early_return", "throw")
        if uses_req:
            params.append("const Request &req")
            call_args.append('Request{"orders", {}}')
        if c.count == "loop_var":
            params.append("int n")
            call_args.append("3")
        N = n_threads(c)
        Nexpr = "n" if c.count == "loop_var" else "3"
        body += decl
        co = fam.coro
        ret0 = "co_return" if co else "return"
        sig = fam.name in SIGNAL_FAMILIES

        def guard_line():
            self.needs.add("guard")
            return "CloseGuard guard{%s};" % obj(P)

        if k == "none" and sig:
            body += self.spawn_threads("Waiter", lambda Q: fam.wait_signal(Q, "") + [
                "g_consumed.fetch_add(1);"])
            body += fam.give_signal(P)
            body.append("%s 0;" % ret0)
        elif k == "none":
            body += self.spawn_threads("Sender", lambda Q: fam.send(Q, "id + 1"))
            body.append("int sum = 0;")
            body += self.recv_n(P, "1" if c.count == "single" else Nexpr, "sum")
            body.append("%s sum;" % ret0)
        elif k in ("early_return", "throw") and sig:
            body += self.spawn_threads("Waiter", lambda Q: fam.wait_signal(Q, MARK) + [
                "g_consumed.fetch_add(1); // the go signal came: do the work"])
            if r == "raii_close":
                self.needs.add("guard")
                body.append("GoGuard guard{%s}; // gives the go signal on every exit" % obj(P))
            body.append("if (req.columns.empty())")
            body.append("  " + ("throw std::invalid_argument(\"no columns\");" if k == "throw"
                                else "%s -1; // nothing to show" % ret0))
            if r != "raii_close":
                body += fam.give_signal(P)
            body.append("%s 0;" % ret0)
        elif k in ("early_return", "throw"):
            s = sends_per_thread(c, fam)

            def sender(Q):
                out = []
                for j in range(s):
                    v = "id * 10 + %d" % j
                    m = MARK if (j == s - 1 and r == "none") else ""
                    out += self.mark_send(Q, v, m)
                return out
            body += self.spawn_threads("Sender", sender)
            if r == "raii_close":
                body.append(guard_line() + " // closes on every exit")
            total = str(s) if c.count == "single" else ("%s * %d" % (Nexpr, s) if s > 1 else Nexpr)
            body.append("int sum = 0;")
            body.append("if (req.columns.empty()) {")
            if r == "drain":
                body += indent(["// take what the senders send before leaving"] +
                               self.recv_n(P, total, "sum"))
            body.append("  " + ("throw std::invalid_argument(\"no columns\");" if k == "throw"
                                else "%s -1; // nothing to show" % ret0))
            body.append("}")
            body += self.recv_n(P, total, "sum")
            body.append("%s sum;" % ret0)
        elif k == "timeout":
            self.needs.add("slow")
            h = self.handle()

            def sender(Q):
                out = []
                if co:
                    out.append("co_await SlowWork();")
                elif h in ("local", "member"):
                    out.append("SlowWork(st);")
                else:
                    out.append("SlowWork();")
                if r == "stop_token":
                    out += ["if (st.stop_requested())", "  return; // the caller gave up"]
                n_send = sends_per_thread(c, fam)
                for j in range(n_send):
                    out += self.mark_send(Q, "id + %d" % (42 + j),
                                          MARK if (r == "none" and j == n_send - 1) else "")
                return out
            body += self.spawn_threads("Sender", sender, needs_st=(self.handle() in ("local", "member")))
            if r == "raii_close":
                body.append(guard_line() + " // closes on every exit")
            body += ["int v = 0;", "bool got = false;"]
            body += fam.timed_recv(P, "v", "got")
            body += ["if (!got)", "  %s -1; // too slow: answer without it" % ret0,
                     "%s v;" % ret0]
        elif k == "first_wins":
            body += self.spawn_threads("Sender", lambda Q: self.mark_send(
                Q, "id + 1", MARK if r == "none" else ""))
            if r == "raii_close":
                body.append(guard_line() + " // closes on every exit")
            body += ["int first = 0;"] + fam.recv(P, "first")
            if r == "drain":
                body += ["// take the late answers too", "int late = 0;"]
                body += self.recv_n(P, "%s - 1" % Nexpr, "late")
            body.append("%s first;" % ret0)
        elif k == "missing_close":
            st_loop = r == "stop_token"

            def worker(Q):
                inner = ["Consume(v);"]
                if r == "sentinel_per_worker":
                    inner = ["if (v < 0)", "  break; // this worker's sentinel"] + inner
                if st_loop:
                    return fam.stop_loop(Q, "v", inner)
                return fam.loop(Q, "v", inner, MARK if r == "none" else "")
            body += self.spawn_threads("Worker", worker, needs_st=st_loop)
            nworkers = "1" if c.count == "single" else Nexpr
            items = ["for (int item : {1, 2, 3}) {"] + indent(fam.send(P, "item")) + ["}"]
            if r == "sentinel_per_worker":
                items += ["for (int w = 0; w < %s; ++w) {" % nworkers] + indent(
                    fam.send(P, "-1")) + ["}"]
            if r == "raii_close":
                body.append(guard_line() + " // closes on every exit")
                body += items
            elif r == "sibling_close":
                # a producer thread, sibling of the workers, sends and closes
                body += self.sibling_producer(P)
            else:
                body += items
            body.append("%s 0;" % ret0)
        elif k == "double_send":
            def sender(Q):
                out = ["int v = Compute(id);", "if (v < 0) {"]
                out += indent(fam.send(Q, "-1"))
                if r == "return_after_send":
                    out.append("  %s;" % ret0)
                out.append("}")
                out += self.mark_send(Q, "v", MARK if r == "none" else "")
                return out
            body += self.spawn_threads("Sender", sender)
            body += ["int v = 0;"] + fam.recv(P, "v")
            body.append("%s v;" % ret0)
        elif k in ("skip_by_exception", "skip_by_continue"):
            self.needs.add("items")
            guard = r == "scope_guard_counter"
            if guard:
                self.needs.add("done_guard")

            def worker(Q):
                sig_lines = self.done_signal(Q)
                if fam.name == "cv_flag":  # one worker: the flag is set after all items
                    out = ["try {"]
                    if guard:
                        out.append("  DoneGuard done{%s}; // sets the flag on every exit" % obj(Q))
                    out += ["  for (int item : kItems)", "    Process(item);"]
                    if not guard:
                        out += indent(sig_lines)
                    out += ["} catch (const std::exception &) {",
                            "  // logged; the worker goes on", "}"]
                    return out
                out = ["for (int item : kItems) {"]
                if guard:
                    out.append("  DoneGuard done{%s}; // counts the item on every exit" % obj(Q))
                if k == "skip_by_exception":
                    out += ["  try {", "    Process(item);"]
                    if not guard:
                        out += indent(sig_lines, 2)
                    out += ["  } catch (const std::exception &) {",
                            "    // logged; the worker goes on with the next item", "  }"]
                else:
                    out += ["  if (item < 0)", "    continue; // skip bad items",
                            "  Process(item);"]
                    if not guard:
                        out += indent(sig_lines)
                out.append("}")
                return out
            body += self.spawn_threads("Worker", worker)
            total = "3" if c.count == "single" else "%s * 3" % Nexpr
            if fam.name == "cv_flag":
                total = "1"
            body += self.wait_done(P, total, MARK if r == "none" else "")
            body.append("return 0;")
        elif k == "lost_wakeup":
            self.needs.add("lost_hooks")

            def waiter(Q):
                return ["std::unique_lock<std::mutex> lk(%smu);" % Q,
                        "while (!(%s)) {" % fam.has(Q),
                        "  HookChecked();",
                        "  %scv.wait(lk);%s" % (Q, MARK if r == "none" else ""),
                        "}", "g_consumed.fetch_add(1);"]
            body += self.spawn_threads("Waiter", waiter)
            body.append("HookAwaitChecked();")
            if r == "none":
                body.append("// publish without the mutex")
                body += fam.put(P, "1")
                body += ["%scv.notify_one();" % P, "HookWritten();"]
            else:
                body += ["HookEntering();", "{",
                         "  std::lock_guard<std::mutex> lk(%smu);" % P]
                body += indent(fam.put(P, "1"))
                body += ["  %scv.notify_one();" % P, "}"]
            body.append("return 0;")
        elif k == "notify_one_two_waiters":
            self.needs.add("arrivals")
            n_wait = "n" if c.count == "loop_var" else "3"

            def waiter(Q):
                return ["std::unique_lock<std::mutex> lk(%smu);" % Q,
                        "HookArrived();",
                        "%scv.wait(lk, [&] { return %s; });%s" % (Q, fam.has(Q),
                                                                 MARK if r == "none" else ""),
                        "int v = 0;"] + ([
                            "v = %svalue; // every waiter reads the flag" % Q] if fam.name == "cv_flag"
                        else fam.take(Q, "v")) + ["g_consumed.fetch_add(v);"]
            body += self.spawn_threads("Waiter", waiter)
            body.append("HookAwaitArrivals(%s);" % n_wait)
            body += ["{", "  std::lock_guard<std::mutex> lk(%smu);" % P]
            if fam.name == "cv_flag":
                body += ["  %svalue = 1;" % P, "  %sfull = true; // one flag for every waiter" % P]
            else:
                body += ["  for (int w = 0; w < %s; ++w) {" % n_wait] + indent(fam.put(P, "w + 1"), 2) + ["  }"]
            body.append("}")
            body.append("%scv.%s();" % (P, "notify_one" if r == "none" else "notify_all"))
            body.append("return 0;")
        else:
            raise AssertionError(c.name)
        return self.assemble(body, ret_t, params, call_args, P)

    def mark_send(self, Q, v, m):
        fam = self.fam
        if isinstance(fam, Cv):
            return fam.send(Q, v, m)
        lines = fam.send(Q, v)
        lines[-1] += m
        return lines

    def recv_n(self, P, n, acc):
        fam = self.fam
        lines = ["for (int j = 0; j < %s; ++j) {" % n, "  int v = 0;"] + indent(fam.recv(P, "v")) + [
            "  %s += v;" % acc, "}"]
        if n == "1":
            lines = ["{", "  int v = 0;"] + indent(fam.recv(P, "v")) + ["  %s += v;" % acc, "}"]
        return lines

    def sibling_producer(self, P):
        """A producer thread that sends the items and closes: for simplicity a
        lambda with the same passing."""
        fam = self.fam
        c = self.c
        body_P = {"capture_value": "ch.", "capture_ref": "ch.", "capture_shared_ptr": "ch->",
                  "parameter": "ch->", "factory": "ch->", "vector_element": "chans[1]->",
                  "member": "ch_.", "global": "g_ch."}[c.passing]
        inner = ["for (int item : {1, 2, 3}) {"] + indent(fam.send(body_P, "item")) + ["}"] + \
            fam.close(body_P)
        cap = {"capture_value": "ch", "capture_ref": "&ch", "capture_shared_ptr": "ch",
               "parameter": "ch", "factory": "ch", "vector_element": "chans",
               "member": "this", "global": ""}[c.passing]
        if self.fam.coro:
            return ["asio::co_spawn(ex, [%s]() -> asio::awaitable<void> {" % cap] + indent(inner) + \
                ["}, asio::detached);"]
        h = self.handle()
        if h == "detach":
            return ["std::thread([%s] {" % cap] + indent(inner) + ["}).detach();"]
        if h == "member":
            return ["threads_.emplace_back([%s] {" % cap] + indent(inner) + ["});"]
        return ["std::jthread producer([%s] {" % cap] + indent(inner) + ["});"]

    def done_signal(self, Q):
        fam = self.fam
        if fam.name == "latch":
            return ["%scount_down();" % Q]
        if fam.name == "cv_flag":
            return ["{", "  std::lock_guard<std::mutex> lk(%smu);" % Q, "  %sfull = true;" % Q, "}",
                    "%scv.notify_all();" % Q]
        if isinstance(fam, Cv):
            return ["{", "  std::lock_guard<std::mutex> lk(%smu);" % Q] + indent(
                fam.put(Q, "item")) + ["}", "%scv.notify_all();" % Q]
        return fam.send(Q, "item")

    def wait_done(self, P, total, mark):
        fam = self.fam
        if fam.name == "latch":
            return ["%swait();%s" % (P, mark)]
        if isinstance(fam, Cv):
            pred = {"cv_queue": "static_cast<int>(%sitems.size()) >= %s" % (P, total),
                    "cv_counter": "%squeued >= %s" % (P, total),
                    "cv_flag": "%sfull" % P}[fam.name]
            return ["{", "  std::unique_lock<std::mutex> lk(%smu);" % P,
                    "  %scv.wait(lk, [&] { return %s; });%s" % (P, pred, mark), "}"]
        lines = ["for (int j = 0; j < %s; ++j) {" % total, "  int v = 0;"] + indent(fam.recv(P, "v"))
        lines[-1] += mark
        return lines + ["}"]

    # ---------------- worker objects ----------------
    def build_worker(self):
        c, fam = self.c, self.fam
        k, r = c.construct, c.rescue
        cap, cap_expr = leak_capacity(c, fam)
        T = fam.type(cap)
        self.chan_t = T
        self.class_name = "Indexer" if k == "missing_stop" else "Service"
        cls = self.class_name
        st_rescue = r == "stop_token"
        sigfam = fam.name in ("promise", "latch", "jthread")
        members = []
        if fam.name == "promise":
            members = ["std::promise<void> stop_;",
                       "std::shared_future<void> stopped_ = stop_.get_future().share();"]
            wait = lambda Q: ["%sstopped_.wait();%s" % (Q[:-4], MARK if r == "none" else ""),
                              "g_consumed.fetch_add(1);"]
            stop_sig = ["if (!stop_sent_) {", "  stop_sent_ = true;", "  stop_.set_value();", "}"]
            members.append("bool stop_sent_ = false;")
        elif fam.name == "latch":
            members = ["std::latch stop_{1};", "bool stop_sent_ = false;"]
            wait = lambda Q: ["%sstop_.wait();%s" % (Q[:-4], MARK if r == "none" else ""),
                              "g_consumed.fetch_add(1);"]
            stop_sig = ["if (!stop_sent_) {", "  stop_sent_ = true;", "  stop_.count_down();", "}"]
        elif fam.name == "jthread":
            members = ["std::mutex mu_;", "std::condition_variable_any cv_;", "bool stopping_ = false;"]

            def wait(Q):
                S = Q[:-4]
                if st_rescue:
                    w = "%scv_.wait(lk, st, [&] { return %sstopping_; });" % (S, S)
                else:
                    w = "%scv_.wait(lk, [&] { return %sstopping_; });%s" % (S, S,
                                                                          MARK if r == "none" else "")
                return ["std::unique_lock<std::mutex> lk(%smu_);" % S, w, "g_consumed.fetch_add(1);"]
            stop_sig = ["{", "  std::lock_guard<std::mutex> lk(mu_);", "  stopping_ = true;", "}",
                        "cv_.notify_all();"]
        else:
            a = fam.args(cap, cap_expr)
            members = ["%s ch_%s;" % (T, "{%s}" % a if a else "")]

            def wait(Q):
                if st_rescue:
                    return fam.stop_loop(Q, "v", ["Consume(v);"])
                return fam.loop(Q, "v", ["Consume(v);"], MARK if r == "none" else "")
            stop_sig = fam.close("ch_.")
        self.extra_members = members
        # spawn: inside Start()/the constructor, with member jthreads
        role = "Loop"
        spawn = self.spawn_threads(role, wait, needs_st=st_rescue)
        start_params = "int n" if c.count == "loop_var" else ""
        pub = []
        annotated = fam.name == "annotated"
        ann = lambda m: (m + " ") if annotated else ""
        if k == "missing_stop":
            pub.append("%svoid Start(%s) {" % (ann("CHANLEAK_START"), start_params))
            pub += indent(spawn) + ["}"]
            pub.append("%svoid Stop() {" % ann("CHANLEAK_STOP"))
        else:
            pub.append("explicit %s(%s) {" % (cls, start_params) if start_params else "%s() {" % cls)
            pub += indent(spawn) + ["}"]
            pub.append("~%s() { Shutdown(); }" % cls)
            pub.append("void Shutdown() {")
        pub += indent(stop_sig)
        pub += ["  for (auto &t : threads_)", "    if (t.joinable())", "      t.join();", "}"]
        if not sigfam:
            pub.append("void Submit(int v) {")
            pub += indent(fam.send("ch_.", "v"))
            pub.append("}")
        self.class_public = pub
        # function under test
        body = []
        params, call_args = [], []
        arg_n = "n" if c.count == "loop_var" else ""
        if c.count == "loop_var":
            params.append("int n")
            call_args.append("3")
        submit = ["%sSubmit(1);"] if not sigfam else []
        if k == "missing_stop":
            params.insert(0, "const Request &req")
            call_args.insert(0, 'Request{"orders", {}}')
            body.append("%s idx;" % cls)
            body.append("idx.Start(%s);" % arg_n)
            if r == "raii_close":
                self.needs.add("stop_guard")
                body.append("StopGuard guard{idx}; // stops it on every exit")
            body += ["if (req.columns.empty())"]
            if r == "join":
                body += ["{", "  idx.Stop();", "  return -1;", "}"]
            else:
                body += ["  return -1; // nothing to index"]
            body += [s % "idx." for s in submit]
            if r != "raii_close":
                body.append("idx.Stop();")
            body.append("return 0;")
        elif k == "owner_static":
            self.owner_static = True
            body.append("%s &svc = Instance(%s);" % (cls, arg_n))
            body += [s % "svc." for s in submit]
            if r == "join":
                body.append("svc.Shutdown();")
            body.append("return 0;")
        else:  # owner_leaked
            if r == "raii_close":
                body.append("auto svc = std::make_unique<%s>(%s); // destroyed on return" % (cls, arg_n))
            else:
                body.append("auto *svc = new %s(%s); // never deleted" % (cls, arg_n))
            body += [s % "svc->" for s in submit]
            if r == "join":
                body.append("svc->Shutdown();")
            body.append("return 0;")
        return self.assemble(body, "int", params, call_args, None, worker=True)

    # ---------------- text ----------------
    def assemble(self, body, ret_t, params, call_args, P, worker=False):
        c, fam = self.c, self.fam
        co = fam.coro
        hdr = ["<atomic>", "<chrono>", "<cstddef>", "<memory>", "<stdexcept>", "<string>",
               "<thread>", "<vector>", "<stop_token>", "<mutex>", "<condition_variable>"]
        fam_h = list(fam.headers)
        if fam.name == "promise":
            fam_h.append("<future>")
        if fam.name == "latch":
            fam_h.append("<latch>")
        out = []
        out.append("// Generated by test/corpus/gen_corpus.py: %s" % c.name)
        out.append("// family=%s construct=%s rescue=%s passing=%s callable=%s depth=%d count=%s"
                   % (c.family, c.construct, c.rescue, c.passing, c.callable, c.depth, c.count))
        out.append("// intent: %s (the runtime's verdict is the ground truth)" %
                   ("leaky" if c.leaky else "no leak"))
        sys_h = sorted(set(h for h in fam_h + hdr if h.startswith("<")))
        loc_h = [h for h in fam_h if h.startswith('"')]
        if fam.name == "annotated" or (worker and fam.name == "annotated"):
            loc_h = sorted(set(loc_h + ['"annotated/work_queue.h"', '"chanleak/annotations.h"']))
        out += ["#include %s" % h for h in sys_h if not h.startswith("<asio")]
        out += ["#include %s" % h for h in sys_h if h.startswith("<asio")]
        out.append("")
        out += ["#include %s" % h for h in loc_h]
        out.append('#include "scenario.h"')
        out.append(fam.prelude())
        out.append("std::atomic<int> g_consumed{0};")
        out.append(COMMON_SUPPORT)
        out.append(WORK_SUPPORT)
        if "items" in self.needs:
            out.append(ITEMS_SUPPORT)
        if "slow" in self.needs:
            out.append(SLOW_SUPPORT_CORO if co else SLOW_SUPPORT)
        if "lost_hooks" in self.needs:
            out.append(LOST_WAKEUP_HOOKS)
        if "arrivals" in self.needs:
            out.append(ARRIVAL_HOOKS)
        T = self.chan_t
        if "guard" in self.needs:
            if fam.name in SIGNAL_FAMILIES:
                out += ["// Gives the go signal when it goes out of scope.",
                        "struct GoGuard {", "  %s &ch;" % T, "  ~GoGuard() {"] + indent(
                    fam.give_signal("ch."), 2) + ["  }", "};", ""]
            else:
                out += ["// Closes the channel when it goes out of scope.",
                        "struct CloseGuard {", "  %s &ch;" % T, "  ~CloseGuard() {"] + indent(
                    fam.close("ch."), 2) + ["  }", "};", ""]
        if "done_guard" in self.needs:
            out += ["// Signals one finished item when it goes out of scope, however the",
                    "// item ended.", "struct DoneGuard {", "  %s &ch;" % T, "  int item = 1;",
                    "  ~DoneGuard() {"] + indent(self.done_signal("ch."), 2) + ["  }", "};", ""]
        if self.global_chan:
            gt, ga = self.global_chan
            out.append("%s g_ch%s; // the channel, a global" % (gt, "{%s}" % ga if ga else ""))
            out.append("")
        if self.factory:
            ft, fa = self.factory
            if fam.coro:
                out += ["std::shared_ptr<%s> MakeChannel(asio::any_io_executor ex, std::size_t capacity) {" % ft,
                        "  return std::make_shared<%s>(ex, capacity);" % ft, "}", ""]
            elif fa:
                out += ["std::shared_ptr<%s> MakeChannel(std::size_t capacity) {" % ft,
                        "  return std::make_shared<%s>(capacity);" % ft, "}", ""]
            else:
                out += ["std::shared_ptr<%s> MakeChannel() { return std::make_shared<%s>(); }" % (ft, ft), ""]
        in_class = worker or self.in_class()
        cls = self.class_name
        if in_class:
            out.append("class %s;" % cls)
        # free functions and functors (declared before the class, defined after
        # it when they use it)
        late = []
        for (ret, name, params_, lines, uses_cls) in self.free_defs:
            text = ["%s %s(%s) {" % (ret, name, ", ".join(params_))] + indent(lines) + ["}", ""]
            if uses_cls:
                out.append("%s %s(%s);" % (ret, name, ", ".join(params_)))
                late += text
            else:
                out += text
        for (role, members, op_params, lines, ret, uses_cls, mutable) in self.functor_defs:
            q = "" if mutable else " const"
            head = ["struct %sTask {" % role] + indent(members)
            if uses_cls:
                out += head + ["  %s operator()(%s)%s;" % (ret, ", ".join(op_params), q), "};", ""]
                late += ["%s %sTask::operator()(%s)%s {" % (ret, role, ", ".join(op_params), q)] + \
                    indent(lines) + ["}", ""]
            else:
                out += head + ["  %s operator()(%s)%s {" % (ret, ", ".join(op_params), q)] + \
                    indent(lines, 2) + ["  }", "};", ""]
        helpers_free = [h for h in self.helper_defs if not h[4]]
        helpers_meth = [h for h in self.helper_defs if h[4]]
        for (rt, name, hp, hb, _) in helpers_free:
            out += ["%s %s(%s) {" % (rt, name, ", ".join(hp))] + indent(hb) + ["}", ""]
        fn_params = ", ".join(params)
        fut_ret = "asio::awaitable<void>" if co else ret_t
        fut_body = body
        if co:
            fut_body = ["auto ex = co_await asio::this_coro::executor;"] + \
                [l.replace("co_return -1;", "co_return;").replace("co_return sum;", "co_return;")
                 .replace("co_return first;", "co_return;").replace("co_return v;", "co_return;")
                 .replace("co_return 0;", "co_return;") for l in body]
            fut_body = [l for l in fut_body]
        if in_class:
            cls_lines = ["class %s%s {" % ("CHANLEAK_MUST_STOP " if worker and fam.name == "annotated"
                                           and c.construct == "missing_stop" else "", cls),
                         "public:"]
            if worker:
                cls_lines += indent(self.class_public)
            else:
                if self.member_chan and c.count == "loop_var" and "n" in (self.member_chan[1] or ""):
                    cls_lines.append("  explicit %s(int n) : ch_{%s} {}" % (cls, self.member_chan[1]))
                elif co and self.member_chan:
                    cls_lines.append("  explicit %s(asio::any_io_executor ex) : ch_{%s} {}" % (
                        cls, self.member_chan[1]))
                cls_lines.append("  %s Run(%s) {" % (fut_ret, fn_params))
                cls_lines += indent(fut_body, 2) + ["  }"]
            cls_lines.append("")
            for (ret, name, mp, lines) in self.method_defs:
                cls_lines += ["  %s %s(%s) {" % (ret, name, ", ".join(mp))] + indent(lines, 2) + ["  }"]
            for (rt, name, hp, hb, _) in helpers_meth:
                cls_lines += ["  %s %s(%s) {" % (rt, name, ", ".join(hp))] + indent(hb, 2) + ["  }"]
            if self.member_chan:
                mt, ma = self.member_chan
                if (c.count == "loop_var" and "n" in (ma or "")) or co:
                    cls_lines.append("  %s ch_;" % mt)
                else:
                    cls_lines.append("  %s ch_%s;" % (mt, "{%s}" % ma if ma else ""))
            cls_lines += indent(self.extra_members)
            if not co:
                cls_lines.append("  std::vector<std::jthread> threads_; // joined on destruction")
            cls_lines.append("};")
            out += cls_lines + [""]
            out += late
            if worker:
                if getattr(self, "owner_static", False):
                    arg = "int n" if c.count == "loop_var" else ""
                    out += ["%s &Instance(%s) {" % (cls, arg),
                            "  static %s instance%s; // a function-local static: never destroyed here"
                            % (cls, "{n}" if arg else ""),
                            "  return instance;", "}", ""]
                if "stop_guard" in self.needs:
                    out += ["// Stops the worker when it goes out of scope.",
                            "struct StopGuard {", "  %s &w;" % cls, "  ~StopGuard() { w.Stop(); }",
                            "};", ""]
                out += ["%s Handle(%s) {" % (ret_t, fn_params)]
                out += indent(body) + ["}", ""]
        else:
            out += late
            out += ["%s Handle(%s) {" % (fut_ret, fn_params)] + indent(fut_body) + ["}", ""]
        # the scenario
        out.append("void Scenario() {")
        sc = []
        args = ", ".join(call_args)
        if co:
            if in_class:
                ctor = "(pool.get_executor())" if self.member_chan else ""
                sc += ["asio::thread_pool pool(2);", "%s job%s;" % (cls, ctor),
                       "asio::co_spawn(pool, job.Run(%s), [](std::exception_ptr) { ReleaseBackend(); });" % args,
                       "pool.join();"]
            else:
                sc += ["asio::thread_pool pool(2);",
                       "asio::co_spawn(pool, Handle(%s), [](std::exception_ptr) { ReleaseBackend(); });" % args,
                       "pool.join();"]
            self.needs.add("slow")
            if "slow" in self.needs and SLOW_SUPPORT_CORO not in out:
                # ReleaseBackend must exist
                idx = out.index(WORK_SUPPORT)
                out.insert(idx + 1, SLOW_SUPPORT_CORO)
        else:
            if in_class and not worker:
                ctor = "{n}" if (self.member_chan and c.count == "loop_var" and "n" in (self.member_chan[1] or "")) else ""
                call = "RunJob(%s)" % args
                # a free function owns the job so that its threads are joined on return
                jp = ", ".join(params)
                out.insert(len(out) - 1, "%s RunJob(%s) {" % (ret_t, jp))
                out.insert(len(out) - 1, "  %s job%s;" % (cls, ctor))
                out.insert(len(out) - 1, "  return job.Run(%s);" % ", ".join(
                    p.split()[-1].lstrip("&") for p in params))
                out.insert(len(out) - 1, "}")
                out.insert(len(out) - 1, "")
            else:
                call = "Handle(%s)" % args
            if c.construct == "throw":
                sc += ["try {", "  %s;" % call, "} catch (const std::exception &) {",
                       "  // the request failed", "}"]
            else:
                sc.append("(void)%s;" % call)
            if "slow" in self.needs:
                sc.append("ReleaseBackend();")
        out += indent(sc)
        out.append("}")
        out.append("")
        out.append("CHANLEAK_SCENARIO_MAIN(Scenario)")
        text = "\n".join(out) + "\n"
        return text


def model_yaml(c):
    workers = ""
    if c.family == "model" and c.construct == "missing_stop":
        workers = ("workers:\n  - type: Indexer\n    start: [Start]\n    stop: [Stop]\n"
                   "    destructor-stops: false\n")
    return MODEL_YAML.format(name=c.name, workers=workers)


def program(c):
    text = Gen(c).build()
    blocks = [i for i, l in enumerate(text.splitlines(), 1) if "CORPUS-BLOCK" in l]
    fam = FAMILY_IMPL[c.family]
    d = {"name": c.name, "choices": c.as_dict(), "intent": "leaky" if c.leaky else "clean",
         "check": CONSTRUCT_CHECK.get(c.construct) if c.leaky else None,
         "block_lines": blocks, "libs": list(fam.libs),
         "model": (c.name + ".model.yaml") if c.family == "model" else None}
    return d, text, (model_yaml(c) if c.family == "model" else None)


# --------------------------------------------------------------------------
# The full set and the sample
# --------------------------------------------------------------------------

SECONDARY = ["passing", "callable", "depth", "count"]


def full_set(leaky_per_triple=3, lookalike_per_triple=1):
    """Every valid (family, construct, rescue), each with a few choices
    of the other dimensions, picked greedily (in a fixed order) to cover as
    many (family, dimension, value), (construct, dimension, value) and
    (rescue, dimension, value) combinations as possible."""
    by_triple = {}
    for c in all_choices():
        by_triple.setdefault((c.family, c.construct, c.rescue), []).append(c)
    covered = set()

    def keys(c):
        out = set()
        for d in SECONDARY:
            v = getattr(c, d)
            out |= {("f", c.family, d, v), ("k", c.construct, d, v), ("r", c.rescue, d, v),
                    ("fk", c.family, c.construct, d, v)}
        return out
    chosen = []
    for triple in sorted(by_triple, key=lambda t: (FAMILIES.index(t[0]), CONSTRUCTS.index(t[1]),
                                                    RESCUES.index(t[2]))):
        cands = sorted(by_triple[triple], key=lambda c: hashlib.sha1(c.name.encode()).hexdigest())
        per_triple = leaky_per_triple if triple[1] != "none" and triple[2] == "none" \
            else lookalike_per_triple
        for _ in range(min(per_triple, len(cands))):
            best = max((c for c in cands if c not in chosen),
                       key=lambda c: len(keys(c) - covered))
            chosen.append(best)
            covered |= keys(best)
    return chosen


def sample(n, seed):
    full = full_set()
    rng = random.Random(seed)
    order = list(full)
    rng.shuffle(order)
    picked = []
    # cover every value of every dimension first
    for dim, values in DIMENSIONS.items():
        for v in values:
            if any(getattr(p, dim) == v for p in picked):
                continue
            for c in order:
                if getattr(c, dim) == v and c not in picked:
                    picked.append(c)
                    break
    # both intents for every construct
    for k in CONSTRUCTS:
        for leaky in (True, False):
            if any(p.construct == k and p.leaky == leaky for p in picked):
                continue
            for c in order:
                if c.construct == k and c.leaky == leaky and c not in picked:
                    picked.append(c)
                    break
    for c in order:
        if len(picked) >= n:
            break
        if c not in picked:
            picked.append(c)
    return sorted(picked, key=lambda c: c.name)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--all", action="store_true", help="the full set")
    g.add_argument("--sample", type=int, metavar="N", help="a fixed-seed sample of N programs")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="directory to write the programs and manifest.json to")
    ap.add_argument("--list", action="store_true", help="print the names only")
    ap.add_argument("--filter", default="", help="only programs whose name contains this")
    args = ap.parse_args()
    choices = full_set() if args.all else sample(args.sample, args.seed)
    choices = [c for c in choices if args.filter in c.name]
    if args.list or not args.out:
        for c in choices:
            print(c.name)
        if not args.out:
            return
    os.makedirs(args.out, exist_ok=True)
    manifest = []
    for c in choices:
        meta, text, yaml = program(c)
        with open(os.path.join(args.out, c.name + ".cpp"), "w", encoding="utf-8") as f:
            f.write(text)
        if yaml:
            with open(os.path.join(args.out, c.name + ".model.yaml"), "w", encoding="utf-8") as f:
                f.write(yaml)
        meta["source"] = c.name + ".cpp"
        manifest.append(meta)
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": "gen_corpus.py", "programs": manifest}, f, indent=1)
    print("gen_corpus: %d programs in %s" % (len(manifest), args.out), file=sys.stderr)


if __name__ == "__main__":
    main()
