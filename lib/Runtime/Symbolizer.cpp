//===- Symbolizer.cpp - llvm-symbolizer as a subprocess ------------------===//
//
// As the sanitizers do: one llvm-symbolizer process, started on first use
// with posix_spawn, fed "CODE module offset" lines, answering with
// function / file:line:column pairs (one per inlined frame) and a blank
// line. It talks over a socket pair so that a dead symbolizer gives EPIPE
// (MSG_NOSIGNAL), not a SIGPIPE that would kill the program.
//
//===----------------------------------------------------------------------===//
#include "RuntimeInternal.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace chanleak;
using namespace chanleak::rt;

namespace {

/// An answer that takes longer than this (a huge binary's debug info being
/// loaded) means the symbolizer is stuck: it is killed and not used again.
constexpr int AnswerTimeoutMs = 20000;

bool isExecutable(const std::string &Path) {
  struct stat Info;
  return stat(Path.c_str(), &Info) == 0 && S_ISREG(Info.st_mode) &&
         access(Path.c_str(), X_OK) == 0;
}

/// CHANLEAK_SYMBOLIZER_PATH ("" or "none" turns symbolization off), else
/// llvm-symbolizer in PATH, else the newest versioned one Debian installs.
std::string findSymbolizer() {
  if (const char *Env = std::getenv("CHANLEAK_SYMBOLIZER_PATH")) {
    std::string Path = Env;
    return Path == "none" ? std::string() : Path;
  }
  if (const char *PathEnv = std::getenv("PATH")) {
    std::string Dirs = PathEnv;
    std::size_t Begin = 0;
    while (Begin <= Dirs.size()) {
      std::size_t End = Dirs.find(':', Begin);
      if (End == std::string::npos)
        End = Dirs.size();
      std::string Candidate = Dirs.substr(Begin, End - Begin) + "/llvm-symbolizer";
      if (End > Begin && isExecutable(Candidate))
        return Candidate;
      Begin = End + 1;
    }
  }
  for (int Version = 40; Version >= 7; --Version) {
    std::string N = std::to_string(Version);
    for (std::string Candidate : {"/usr/bin/llvm-symbolizer-" + N,
                                  "/usr/lib/llvm-" + N + "/bin/llvm-symbolizer"})
      if (isExecutable(Candidate))
        return Candidate;
  }
  return std::string();
}

/// The environment minus what would make the symbolizer run under chanleak.
std::vector<char *> childEnvironment() {
  std::vector<char *> Env;
  for (char **Var = environ; Var && *Var; ++Var)
    if (std::strncmp(*Var, "LD_PRELOAD=", 11) != 0 && std::strncmp(*Var, "CHANLEAK_", 9) != 0)
      Env.push_back(*Var);
  Env.push_back(nullptr);
  return Env;
}

class SymbolizerProcess {
public:
  SymbolizerProcess() {
    pthread_atfork([] { get().Mutex.lock(); }, [] { get().Mutex.unlock(); },
                   [] {
                     // The process and its socket belong to the parent.
                     SymbolizerProcess &S = get();
                     if (S.Fd >= 0)
                       close(S.Fd);
                     S.Fd = -1;
                     S.Pid = -1;
                     S.Tried = false;
                     S.Mutex.unlock();
                   });
  }

  static SymbolizerProcess &get() {
    static SymbolizerProcess *Instance = new SymbolizerProcess; // outlives exit
    return *Instance;
  }

  /// The answer's lines (without the blank line that ends it), or nullopt.
  std::optional<std::vector<std::string>> ask(const std::string &Query) {
    std::lock_guard<std::mutex> Lock(Mutex);
    if (!Tried) {
      Tried = true;
      start();
    }
    if (Fd < 0)
      return std::nullopt;
    std::string Line = Query + "\n";
    std::size_t Sent = 0;
    while (Sent < Line.size()) {
      ssize_t N = send(Fd, Line.data() + Sent, Line.size() - Sent, MSG_NOSIGNAL);
      if (N < 0 && errno == EINTR)
        continue;
      if (N <= 0)
        return fail("llvm-symbolizer stopped reading");
      Sent += N;
    }
    std::vector<std::string> Lines;
    for (;;) {
      std::size_t NewLine = Pending.find('\n');
      if (NewLine != std::string::npos) {
        std::string Answer = Pending.substr(0, NewLine);
        Pending.erase(0, NewLine + 1);
        if (Answer.empty())
          return Lines;
        Lines.push_back(std::move(Answer));
        continue;
      }
      pollfd Poll{Fd, POLLIN, 0};
      int Ready = poll(&Poll, 1, AnswerTimeoutMs);
      if (Ready < 0 && errno == EINTR)
        continue;
      if (Ready <= 0)
        return fail("llvm-symbolizer did not answer in time");
      char Buffer[4096];
      ssize_t N = recv(Fd, Buffer, sizeof(Buffer), 0);
      if (N < 0 && errno == EINTR)
        continue;
      if (N <= 0)
        return fail("llvm-symbolizer exited");
      Pending.append(Buffer, N);
    }
  }

private:
  void start() {
    std::string Path = findSymbolizer();
    if (Path.empty())
      return;
    int Pair[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, Pair) != 0)
      return;
    posix_spawn_file_actions_t Actions;
    posix_spawn_file_actions_init(&Actions);
    posix_spawn_file_actions_adddup2(&Actions, Pair[1], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&Actions, Pair[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&Actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_t Attributes;
    posix_spawnattr_init(&Attributes);
    sigset_t Empty;
    sigemptyset(&Empty);
    posix_spawnattr_setsigmask(&Attributes, &Empty);
    posix_spawnattr_setflags(&Attributes, POSIX_SPAWN_SETSIGMASK);
    const char *Argv[] = {Path.c_str(), "--inlines", "--demangle", "--functions=linkage",
                          "--output-style=LLVM", nullptr};
    std::vector<char *> Env = childEnvironment();
    int Error = posix_spawn(&Pid, Path.c_str(), &Actions, &Attributes,
                            const_cast<char *const *>(Argv), Env.data());
    posix_spawn_file_actions_destroy(&Actions);
    posix_spawnattr_destroy(&Attributes);
    close(Pair[1]);
    if (Error != 0) {
      close(Pair[0]);
      warn("cannot run " + Path + ": " + std::strerror(Error) + "; frames stay unsymbolized");
      return;
    }
    Fd = Pair[0];
  }

  std::nullopt_t fail(const std::string &Why) {
    warn(Why + "; frames stay unsymbolized");
    close(Fd);
    Fd = -1;
    if (Pid > 0) {
      kill(Pid, SIGKILL);
      waitpid(Pid, nullptr, 0);
    }
    Pid = -1;
    return std::nullopt;
  }

  std::mutex Mutex;
  bool Tried = false;
  int Fd = -1;
  pid_t Pid = -1;
  std::string Pending;
};

std::string query(const char *Kind, const std::string &Module, std::uintptr_t Offset) {
  return std::string(Kind) + " \"" + Module + "\" " + hexString(Offset);
}

/// Removes every occurrence of Text from S.
void eraseAll(std::string &S, const std::string &Text) {
  for (std::size_t Pos; (Pos = S.find(Text)) != std::string::npos;)
    S.erase(Pos, Text.size());
}

struct ApiStateEntry {
  const char *Function;
  const char *State;
};

const ApiStateEntry ApiStates[] = {
#define CHANLEAK_API_STATE(Function, State) {Function, State},
#include "ApiStates.inc"
#undef CHANLEAK_API_STATE
};

} // namespace

namespace chanleak {
namespace rt {

std::vector<Frame> symbolizeCode(const std::string &Module, std::uintptr_t Offset) {
  std::vector<Frame> Frames;
  auto Lines = SymbolizerProcess::get().ask(query("CODE", Module, Offset));
  if (!Lines)
    return Frames;
  for (std::size_t I = 0; I + 1 < Lines->size(); I += 2) {
    Frame F;
    const std::string &Function = (*Lines)[I];
    if (Function != "??")
      F.Function = Function;
    // "file:line:column", "??:0:0" when unknown.
    const std::string &Location = (*Lines)[I + 1];
    std::size_t Column = Location.rfind(':');
    std::size_t Line = Column == std::string::npos ? Column : Location.rfind(':', Column - 1);
    if (Line != std::string::npos && Location.compare(0, Line, "??") != 0) {
      F.File = Location.substr(0, Line);
      F.Line = static_cast<unsigned>(std::strtoul(Location.c_str() + Line + 1, nullptr, 10));
    }
    Frames.push_back(std::move(F));
  }
  for (std::size_t I = 0; I + 1 < Frames.size(); ++I)
    Frames[I].Inlined = true;
  return Frames;
}

std::string symbolizeData(const std::string &Module, std::uintptr_t Offset) {
  auto Lines = SymbolizerProcess::get().ask(query("DATA", Module, Offset));
  if (!Lines || Lines->empty() || (*Lines)[0] == "??")
    return std::string();
  return (*Lines)[0];
}

std::string modelName(const std::string &Demangled) {
  std::string Name = Demangled;
  eraseAll(Name, "(anonymous namespace)::");
  eraseAll(Name, "[abi:cxx11]");
  std::string Result;
  int AngleDepth = 0;
  int BraceDepth = 0;
  for (std::size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    bool AfterOperator = Result.size() >= 8 &&
                         Result.compare(Result.size() - 8, 8, "operator") == 0;
    if (AngleDepth == 0 && BraceDepth == 0 && AfterOperator) {
      // operator(), operator<, operator<<=...: the symbol is part of the name.
      std::size_t End = Name.compare(I, 2, "()") == 0
                            ? I + 2
                            : std::min(Name.find('(', I + 1), Name.find(" <", I + 1));
      if (End == std::string::npos)
        End = Name.size();
      Result.append(Name, I, End - I);
      I = End - 1;
      continue;
    }
    if (BraceDepth == 0 && C == '<') {
      ++AngleDepth;
    } else if (BraceDepth == 0 && C == '>' && AngleDepth > 0) {
      --AngleDepth;
    } else if (AngleDepth == 0 && C == '{') {
      ++BraceDepth;
      Result += C;
    } else if (AngleDepth == 0 && C == '}' && BraceDepth > 0) {
      --BraceDepth;
      Result += C;
    } else if (AngleDepth == 0 && BraceDepth == 0 && C == '(') {
      break; // the parameter list
    } else if (AngleDepth == 0 && BraceDepth == 0 && C == ' ') {
      if (Name.compare(I, 2, " <") != 0) // "operator< <int>" has template arguments
        Result.clear(); // what came before is the return type
    } else if (AngleDepth == 0) {
      Result += C;
    }
  }
  for (const std::string InlineNamespace : {"::__cxx11::", "::__1::", "::_V2::"})
    for (std::size_t Pos; (Pos = Result.find(InlineNamespace)) != std::string::npos;)
      Result.replace(Pos, InlineNamespace.size(), "::");
  return Result;
}

bool classifyFrame(const Frame &F, std::string &ModelFunction, std::string &State) {
  if (F.Function.empty())
    return false;
  std::string Name = modelName(F.Function);
  for (const ApiStateEntry &Entry : ApiStates) {
    if (Name == Entry.Function) {
      ModelFunction = Entry.Function;
      State = Entry.State;
      return true;
    }
  }
  if (Name.find("::") != std::string::npos)
    return false;
  // GCC's debug info often names an inlined function only by its short name
  // ("wait", "push"): accept it when the file it is in is named after the
  // class or namespace that qualifies it (condition_variable, future,
  // unbuffered_channel.hpp, this_thread_sleep.h).
  std::string FileName = F.File.substr(F.File.rfind('/') + 1);
  for (const ApiStateEntry &Entry : ApiStates) {
    std::string Qualified = Entry.Function;
    std::size_t Last = Qualified.rfind("::");
    if (Last == std::string::npos || Qualified.compare(Last + 2, std::string::npos, Name) != 0)
      continue;
    std::size_t Scope = Qualified.rfind("::", Last - 1);
    std::string Owner = Qualified.substr(Scope == std::string::npos ? 0 : Scope + 2,
                                         Last - (Scope == std::string::npos ? 0 : Scope + 2));
    if (!Owner.empty() && FileName.compare(0, Owner.size(), Owner) == 0) {
      ModelFunction = Entry.Function;
      State = Entry.State;
      return true;
    }
  }
  return false;
}

} // namespace rt
} // namespace chanleak
