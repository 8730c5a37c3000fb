//===- ProcFs.cpp - What the kernel says about a thread ------------------===//
//
// Small reads of /proc/self/task/<tid>/* with open/read/close: no stdio, no
// locks a leaked thread could hold.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

using namespace chanleak;
using namespace chanleak::rt;

namespace {

/// The contents of Path (at most 511 bytes), or false when it cannot be read.
bool readSmallFile(const char *Path, std::string &Contents) {
  int Fd = open(Path, O_RDONLY | O_CLOEXEC);
  if (Fd < 0)
    return false;
  char Buffer[512];
  ssize_t Size;
  do
    Size = read(Fd, Buffer, sizeof(Buffer) - 1);
  while (Size < 0 && errno == EINTR);
  close(Fd);
  if (Size < 0)
    return false;
  Contents.assign(Buffer, Size);
  while (!Contents.empty() && (Contents.back() == '\n' || Contents.back() == '\0'))
    Contents.pop_back();
  return true;
}

std::string taskPath(long Tid, const char *Entry) {
  return "/proc/self/task/" + std::to_string(Tid) + "/" + Entry;
}

/// Fields of a stat line after "(comm)": Fields[0] is the state (field 3).
std::vector<std::string> statFieldsAfterComm(const std::string &Stat) {
  std::vector<std::string> Fields;
  std::size_t Close = Stat.rfind(')');
  if (Close == std::string::npos)
    return Fields;
  std::size_t Pos = Close + 1;
  while (Pos < Stat.size()) {
    while (Pos < Stat.size() && Stat[Pos] == ' ')
      ++Pos;
    std::size_t End = Stat.find(' ', Pos);
    if (End == std::string::npos)
      End = Stat.size();
    if (End > Pos)
      Fields.push_back(Stat.substr(Pos, End - Pos));
    Pos = End;
  }
  return Fields;
}

// stat field N (1-based) is Fields[N - 3].
constexpr std::size_t StartTimeField = 22 - 3;

} // namespace

namespace chanleak {
namespace rt {

std::optional<std::vector<long>> listTasks() {
  DIR *Dir = opendir("/proc/self/task");
  if (!Dir)
    return std::nullopt;
  std::vector<long> Tids;
  while (dirent *Entry = readdir(Dir)) {
    char *End;
    long Tid = std::strtol(Entry->d_name, &End, 10);
    if (*End == '\0' && Tid > 0)
      Tids.push_back(Tid);
  }
  closedir(Dir);
  return Tids;
}

bool readTaskState(long Tid, TaskState &State) {
  std::string Stat;
  if (!readSmallFile(taskPath(Tid, "stat").c_str(), Stat))
    return false;
  std::vector<std::string> Fields = statFieldsAfterComm(Stat);
  if (Fields.size() > StartTimeField) {
    State.State = Fields[0][0];
    State.StartTicks = std::strtoull(Fields[StartTimeField].c_str(), nullptr, 10);
  }
  readSmallFile(taskPath(Tid, "comm").c_str(), State.Name);
  std::string WaitChannel;
  if (readSmallFile(taskPath(Tid, "wchan").c_str(), WaitChannel) && WaitChannel != "0")
    State.WaitChannel = WaitChannel;
  // "202 0x7f.. 0x80 ..." (number, six arguments, sp, pc), "-1 sp pc" outside
  // a system call, or "running".
  std::string Syscall;
  if (readSmallFile(taskPath(Tid, "syscall").c_str(), Syscall) && !Syscall.empty() &&
      (Syscall[0] == '-' || (Syscall[0] >= '0' && Syscall[0] <= '9'))) {
    char *Pos;
    State.Syscall = std::strtol(Syscall.c_str(), &Pos, 10);
    std::vector<std::uintptr_t> Values;
    for (char *Next;; Pos = Next) {
      std::uintptr_t Value = std::strtoull(Pos, &Next, 16);
      if (Next == Pos)
        break;
      Values.push_back(Value);
    }
    // The last value is the user-space pc (after the arguments and sp).
    if (!Values.empty())
      State.Pc = Values.back();
    for (std::size_t I = 0; I < 6 && I + 2 < Values.size(); ++I)
      State.SyscallArgs[I] = Values[I];
  }
  return true;
}

unsigned long long readStartTicks(long Tid) {
  std::string Stat;
  if (!readSmallFile(taskPath(Tid, "stat").c_str(), Stat))
    return 0;
  std::vector<std::string> Fields = statFieldsAfterComm(Stat);
  return Fields.size() > StartTimeField
             ? std::strtoull(Fields[StartTimeField].c_str(), nullptr, 10)
             : 0;
}

unsigned long long ticksSinceBoot() {
  std::string Uptime;
  long TicksPerSecond = sysconf(_SC_CLK_TCK);
  if (TicksPerSecond <= 0 || !readSmallFile("/proc/uptime", Uptime))
    return 0;
  return static_cast<unsigned long long>(std::strtod(Uptime.c_str(), nullptr) *
                                         static_cast<double>(TicksPerSecond));
}

double ageFromStartTicks(unsigned long long StartTicks) {
  std::string Uptime;
  long TicksPerSecond = sysconf(_SC_CLK_TCK);
  if (StartTicks == 0 || TicksPerSecond <= 0 || !readSmallFile("/proc/uptime", Uptime))
    return 0;
  double Age = std::strtod(Uptime.c_str(), nullptr) -
               static_cast<double>(StartTicks) / static_cast<double>(TicksPerSecond);
  return Age > 0 ? Age : 0;
}

const char *stateText(char State) {
  switch (State) {
  case 'R': return "running";
  case 'S': return "sleeping";
  case 'D': return "disk sleep";
  case 'T': return "stopped";
  case 't': return "tracing stop";
  case 'Z': return "zombie";
  case 'X': return "dead";
  case 'I': return "idle";
  case 'P': return "parked";
  default: return "unknown";
  }
}

const char *syscallName(long Number) {
  struct Entry {
    long Number;
    const char *Name;
  };
  // Only those a blocked thread sits in; numbers differ between
  // architectures and some calls exist only on some of them.
  static const Entry Names[] = {
#define CHANLEAK_SYSCALL(Name) {SYS_##Name, #Name},
      CHANLEAK_SYSCALL(futex)
      CHANLEAK_SYSCALL(ppoll)
      CHANLEAK_SYSCALL(pselect6)
      CHANLEAK_SYSCALL(epoll_pwait)
      CHANLEAK_SYSCALL(nanosleep)
      CHANLEAK_SYSCALL(clock_nanosleep)
      CHANLEAK_SYSCALL(read)
      CHANLEAK_SYSCALL(readv)
      CHANLEAK_SYSCALL(write)
      CHANLEAK_SYSCALL(writev)
      CHANLEAK_SYSCALL(accept)
      CHANLEAK_SYSCALL(accept4)
      CHANLEAK_SYSCALL(connect)
      CHANLEAK_SYSCALL(recvfrom)
      CHANLEAK_SYSCALL(recvmsg)
      CHANLEAK_SYSCALL(sendto)
      CHANLEAK_SYSCALL(sendmsg)
      CHANLEAK_SYSCALL(wait4)
      CHANLEAK_SYSCALL(waitid)
      CHANLEAK_SYSCALL(rt_sigtimedwait)
      CHANLEAK_SYSCALL(rt_sigsuspend)
      CHANLEAK_SYSCALL(io_getevents)
      CHANLEAK_SYSCALL(msgrcv)
      CHANLEAK_SYSCALL(semtimedop)
      CHANLEAK_SYSCALL(flock)
      CHANLEAK_SYSCALL(sched_yield)
#ifdef SYS_poll
      CHANLEAK_SYSCALL(poll)
#endif
#ifdef SYS_select
      CHANLEAK_SYSCALL(select)
#endif
#ifdef SYS_epoll_wait
      CHANLEAK_SYSCALL(epoll_wait)
#endif
#ifdef SYS_epoll_pwait2
      CHANLEAK_SYSCALL(epoll_pwait2)
#endif
#ifdef SYS_pause
      CHANLEAK_SYSCALL(pause)
#endif
#ifdef SYS_io_uring_enter
      CHANLEAK_SYSCALL(io_uring_enter)
#endif
#ifdef SYS_futex_waitv
      CHANLEAK_SYSCALL(futex_waitv)
#endif
#undef CHANLEAK_SYSCALL
  };
  for (const Entry &E : Names)
    if (E.Number == Number)
      return E.Name;
  return nullptr;
}

bool failsWithEintr(long Syscall) {
  // signal(7): never restarted after a handler, whatever SA_RESTART says.
  static const long Calls[] = {
      SYS_ppoll, SYS_pselect6, SYS_epoll_pwait, SYS_rt_sigtimedwait, SYS_rt_sigsuspend,
      SYS_io_getevents, SYS_semtimedop, SYS_msgrcv, SYS_msgsnd,
#ifdef SYS_poll
      SYS_poll,
#endif
#ifdef SYS_select
      SYS_select,
#endif
#ifdef SYS_epoll_wait
      SYS_epoll_wait,
#endif
#ifdef SYS_epoll_pwait2
      SYS_epoll_pwait2,
#endif
#ifdef SYS_pause
      SYS_pause,
#endif
  };
  return std::find(std::begin(Calls), std::end(Calls), Syscall) != std::end(Calls);
}

bool isFutexWait(const TaskState &State) {
  if (State.Syscall != SYS_futex)
    return false;
  int Op = static_cast<int>(State.SyscallArgs[1]) & FUTEX_CMD_MASK;
  return Op == FUTEX_WAIT || Op == FUTEX_WAIT_BITSET;
}

} // namespace rt
} // namespace chanleak
