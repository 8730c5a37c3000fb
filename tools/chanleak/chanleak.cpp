//===- chanleak.cpp - The chanleak command --------------------------------===//
//
//   chanleak tidy    run clang-tidy's chanleak checks, write SARIF
//   chanleak sarif   convert clang-tidy's --export-fixes YAML to SARIF
//   chanleak verify  run a program under the runtime, confirm findings
//   chanleak model   print the runtime's table of blocking functions
//
// Exit status: 0 success, 1 the --fail-on condition held, 2 an error.
// docs/chanleak-tool.md describes every subcommand.
//
//===----------------------------------------------------------------------===//

#include "ApiStates.h"
#include "LeakReport.h"
#include "Sarif.h"
#include "Verify.h"
#include "chanleak/Model/ModelFile.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"
#include <chrono>

extern char **environ;

using namespace llvm;
using namespace chanleak;

namespace {

constexpr int ExitFailOn = 1;
constexpr int ExitError = 2;

cl::OptionCategory ChanleakCategory("chanleak options");

cl::SubCommand TidyCmd("tidy", "Run clang-tidy with the chanleak checks and "
                               "write the findings as SARIF");
cl::SubCommand SarifCmd("sarif", "Convert clang-tidy's exported diagnostics "
                                 "(--export-fixes YAML) to SARIF");
cl::SubCommand VerifyCmd("verify",
                         "Run a program under libchanleak-rt and "
                         "confirm static findings with its leak report");
cl::SubCommand ModelCmd("model", "Print tables derived from the shared model");

// chanleak tidy
cl::list<std::string> TidyFiles(cl::Positional, cl::desc("<source files>"),
                                cl::OneOrMore, cl::sub(TidyCmd),
                                cl::cat(ChanleakCategory));
cl::opt<std::string>
    TidyBuildPath("p", cl::desc("Build directory with compile_commands.json"),
                  cl::value_desc("builddir"), cl::sub(TidyCmd),
                  cl::cat(ChanleakCategory));
cl::opt<std::string>
    TidySarif("sarif", cl::desc("Write the findings as SARIF to <file>"),
              cl::value_desc("file"), cl::sub(TidyCmd),
              cl::cat(ChanleakCategory));
cl::list<std::string> TidyExtraArgs(
    "extra-arg",
    cl::desc(
        "Pass this argument to the compiler (as clang-tidy's --extra-arg)"),
    cl::sub(TidyCmd), cl::cat(ChanleakCategory));
cl::opt<std::string>
    TidyHeaderFilter("header-filter",
                     cl::desc("Also report findings in headers matching this "
                              "regex (as clang-tidy's)"),
                     cl::value_desc("regex"), cl::sub(TidyCmd),
                     cl::cat(ChanleakCategory));
cl::opt<std::string>
    TidyClangTidy("clang-tidy",
                  cl::desc("clang-tidy to run (default: the one of the LLVM "
                           "chanleak was built for)"),
                  cl::init(CHANLEAK_CLANG_TIDY), cl::sub(TidyCmd),
                  cl::cat(ChanleakCategory));
enum class TidyFailOn { Never, Finding };
cl::opt<TidyFailOn>
    TidyFail("fail-on", cl::desc("Exit with 1 when..."),
             cl::values(clEnumValN(TidyFailOn::Finding, "finding",
                                   "there is any chanleak finding")),
             cl::init(TidyFailOn::Never), cl::sub(TidyCmd),
             cl::cat(ChanleakCategory));

// chanleak sarif
cl::opt<std::string>
    SarifFromFixes("from-fixes", cl::Required,
                   cl::desc("clang-tidy --export-fixes YAML to convert"),
                   cl::value_desc("fixes.yaml"), cl::sub(SarifCmd),
                   cl::cat(ChanleakCategory));
cl::opt<std::string>
    SarifOutput("o", cl::desc("Output SARIF file (default: stdout)"),
                cl::value_desc("file"), cl::init("-"), cl::sub(SarifCmd),
                cl::cat(ChanleakCategory));

// chanleak verify
cl::list<std::string> VerifyCommand(cl::Positional,
                                    cl::desc("-- <command> [args...]"),
                                    cl::sub(VerifyCmd),
                                    cl::cat(ChanleakCategory));
cl::opt<std::string> VerifyFindings("findings", cl::Required,
                                    cl::desc("SARIF findings to verify"),
                                    cl::value_desc("findings.sarif"),
                                    cl::sub(VerifyCmd),
                                    cl::cat(ChanleakCategory));
cl::opt<std::string> VerifyReportOut(
    "report-out", cl::desc("Write the symbolized leak report (JSON) to <file>"),
    cl::value_desc("file"), cl::sub(VerifyCmd), cl::cat(ChanleakCategory));
cl::opt<std::string> VerifySarifOut(
    "sarif-out",
    cl::desc("Write the findings with their verdicts (SARIF) to <file>"),
    cl::value_desc("file"), cl::sub(VerifyCmd), cl::cat(ChanleakCategory));
cl::opt<std::string> VerifyFromReport(
    "from-report",
    cl::desc("Use this leak report instead of running a command"),
    cl::value_desc("report.json"), cl::sub(VerifyCmd),
    cl::cat(ChanleakCategory));
cl::opt<std::string> VerifyRuntime(
    "runtime",
    cl::desc(
        "libchanleak-rt.so to preload (default: ../lib/ next to chanleak)"),
    cl::value_desc("path"), cl::sub(VerifyCmd), cl::cat(ChanleakCategory));
cl::opt<unsigned>
    VerifyTimeout("timeout",
                  cl::desc("Kill the command after <seconds> (default 60)"),
                  cl::value_desc("seconds"), cl::init(60), cl::sub(VerifyCmd),
                  cl::cat(ChanleakCategory));
cl::opt<std::string> VerifyModelFile(
    "model-file",
    cl::desc("Model file (YAML, docs/model.md) merged over the built-in model"),
    cl::value_desc("file"), cl::sub(VerifyCmd), cl::cat(ChanleakCategory));
enum class VerifyFailOn { Never, Confirmed, Leak };
cl::opt<VerifyFailOn> VerifyFail(
    "fail-on", cl::desc("Exit with 1 when..."),
    cl::values(clEnumValN(VerifyFailOn::Confirmed, "confirmed",
                          "any finding is confirmed"),
               clEnumValN(VerifyFailOn::Leak, "leak", "any thread leaked")),
    cl::init(VerifyFailOn::Never), cl::sub(VerifyCmd),
    cl::cat(ChanleakCategory));

// chanleak model
cl::opt<bool>
    ModelRuntimeTable("runtime-table",
                      cl::desc("Print lib/Runtime/ApiStates.inc: each blocking "
                               "function and the API state it names"),
                      cl::sub(ModelCmd), cl::cat(ChanleakCategory));

int fail(const Twine &Message) {
  WithColor::error(errs(), "chanleak") << Message << "\n";
  return ExitError;
}

int fail(Error E) { return fail(toString(std::move(E))); }

/// The directory chanleak runs from (build/bin or <prefix>/bin).
std::string toolDir(const char *Argv0) {
  static int Anchor;
  return sys::path::parent_path(sys::fs::getMainExecutable(Argv0, &Anchor))
      .str();
}

/// A file of the build or install tree next to the tool's bin/ directory.
std::string besideTool(const char *Argv0, const Twine &Relative) {
  SmallString<256> Path(toolDir(Argv0));
  sys::path::append(Path, "..", Relative);
  sys::path::remove_dots(Path, /*remove_dot_dot=*/true);
  return std::string(Path);
}

/// A library of this build (bin/../lib) or installation (bin/../<libdir>);
/// the build tree's path when neither exists, for the error message.
std::string chanleakLibrary(const char *Argv0, StringRef Name) {
  std::string Built = besideTool(Argv0, "lib/" + Name);
  std::string Installed = besideTool(Argv0, CHANLEAK_INSTALL_LIBDIR "/" + Name);
  return !sys::fs::exists(Built) && sys::fs::exists(Installed) ? Installed
                                                               : Built;
}

SarifToolInfo toolInfo(const char *Argv0) {
  std::string Installed = besideTool(Argv0, CHANLEAK_INSTALL_DOCDIR);
  return {sys::fs::is_directory(Installed + "/checks")
              ? Installed
              : std::string(CHANLEAK_SOURCE_DOCS_DIR)};
}

int runTidy(const char *Argv0) {
  for (const std::string &File : TidyFiles)
    if (!sys::fs::exists(File))
      return fail(File + ": no such file");
  std::string Plugin = chanleakLibrary(Argv0, "libchanleak-tidy.so");
  if (!sys::fs::exists(Plugin))
    return fail("the clang-tidy plugin " + Plugin +
                " is missing; build the target chanleak-tidy");
  if (!sys::fs::can_execute(TidyClangTidy))
    return fail("cannot run clang-tidy at " + TidyClangTidy +
                "; install clang-tidy-" + Twine(CHANLEAK_LLVM_MAJOR) +
                " or pass --clang-tidy");

  SmallString<128> Fixes;
  if (std::error_code EC =
          sys::fs::createTemporaryFile("chanleak-fixes", "yaml", Fixes))
    return fail("cannot create a temporary file: " + EC.message());
  FileRemover RemoveFixes(Fixes);

  std::vector<std::string> Args = {TidyClangTidy, "--load=" + Plugin,
                                   "--checks=-*,chanleak-*",
                                   "--export-fixes=" + std::string(Fixes)};
  if (!TidyBuildPath.empty())
    Args.insert(Args.end(), {"-p", TidyBuildPath});
  if (!TidyHeaderFilter.empty())
    Args.push_back("--header-filter=" + TidyHeaderFilter);
  for (const std::string &Arg : TidyExtraArgs)
    Args.push_back("--extra-arg=" + Arg);
  Args.insert(Args.end(), TidyFiles.begin(), TidyFiles.end());
  std::vector<StringRef> ArgRefs(Args.begin(), Args.end());
  std::string ErrMsg;
  bool ExecFailed = false;
  int Status = sys::ExecuteAndWait(TidyClangTidy, ArgRefs, std::nullopt, {}, 0,
                                   0, &ErrMsg, &ExecFailed);
  if (ExecFailed)
    return fail("cannot run " + TidyClangTidy + ": " + ErrMsg);

  SarifToolInfo Tool = toolInfo(Argv0);
  Expected<json::Value> Log = convertExportedFixes(Fixes, Tool);
  if (!Log)
    return fail(Log.takeError());
  if (!TidySarif.empty())
    if (Error E = writeJsonFile(*Log, TidySarif))
      return fail(std::move(E));
  if (Status != 0)
    return fail("clang-tidy exited with status " + Twine(Status) +
                (ErrMsg.empty() ? "" : ": " + ErrMsg));

  auto Findings = readSarifFindings(*Log);
  if (!Findings)
    return fail(Findings.takeError());
  size_t Count = llvm::count_if(*Findings, [](const SarifFinding &F) {
    return StringRef(F.RuleId).starts_with("chanleak-");
  });
  errs() << "chanleak tidy: " << Count << " finding(s)"
         << (TidySarif.empty() ? "" : ", written to " + TidySarif) << "\n";
  return TidyFail == TidyFailOn::Finding && Count ? ExitFailOn : 0;
}

int runSarif(const char *Argv0) {
  Expected<json::Value> Log =
      convertExportedFixes(SarifFromFixes, toolInfo(Argv0));
  if (!Log)
    return fail(Log.takeError());
  if (Error E = writeJsonFile(*Log, SarifOutput))
    return fail(std::move(E));
  return 0;
}

/// Runs the verify command under the runtime. Returns whether it wrote its
/// report to ReportPath: libchanleak-rt writes one only when threads leaked,
/// so a command that exits with 0 and no report leaked nothing.
Expected<bool> runUnderRuntime(const char *Argv0, StringRef ReportPath) {
  std::string Runtime = VerifyRuntime.empty()
                            ? chanleakLibrary(Argv0, "libchanleak-rt.so")
                            : std::string(VerifyRuntime);
  if (!sys::fs::exists(Runtime))
    return createStringError(
        std::errc::no_such_file_or_directory,
        "the runtime library %s is missing; build the target "
        "chanleak-rt or pass --runtime",
        Runtime.c_str());
  SmallString<256> RuntimeAbs(Runtime);
  sys::fs::make_absolute(RuntimeAbs);
  if (VerifyCommand.empty())
    return createStringError(
        std::errc::invalid_argument,
        "no command to run: chanleak verify --findings F -- <command...> "
        "(or --from-report R)");
  std::string Program = VerifyCommand.front();
  if (!StringRef(Program).contains('/')) {
    auto Found = sys::findProgramByName(Program);
    if (!Found)
      return createStringError(Found.getError(), "%s: command not found",
                               Program.c_str());
    Program = *Found;
  }

  // The environment, with the runtime preloaded and asked for its report.
  std::vector<std::string> Env;
  std::string Preload = std::string(RuntimeAbs);
  for (char **E = environ; *E; ++E) {
    StringRef Var(*E);
    if (Var.consume_front("LD_PRELOAD=")) {
      if (!Var.empty())
        Preload += ":" + Var.str();
      continue;
    }
    if (Var.starts_with("CHANLEAK_REPORT=") ||
        Var.starts_with("CHANLEAK_VERIFY_AT_EXIT="))
      continue;
    Env.push_back(*E);
  }
  Env.push_back("LD_PRELOAD=" + Preload);
  Env.push_back("CHANLEAK_VERIFY_AT_EXIT=1");
  Env.push_back("CHANLEAK_REPORT=" + ReportPath.str());
  std::vector<StringRef> EnvRefs(Env.begin(), Env.end());
  std::vector<StringRef> ArgRefs(VerifyCommand.begin(), VerifyCommand.end());

  auto Start = std::chrono::steady_clock::now();
  std::string ErrMsg;
  bool ExecFailed = false;
  int Status = sys::ExecuteAndWait(Program, ArgRefs, EnvRefs, {}, VerifyTimeout,
                                   0, &ErrMsg, &ExecFailed);
  if (ExecFailed)
    return createStringError(std::errc::invalid_argument, "cannot run %s: %s",
                             Program.c_str(), ErrMsg.c_str());
  // ExecuteAndWait kills the command at the timeout and says so only in
  // ErrMsg's wording, so tell a timeout by the clock.
  bool TimedOut = Status < 0 && VerifyTimeout &&
                  std::chrono::steady_clock::now() - Start >=
                      std::chrono::seconds(VerifyTimeout);
  uint64_t Size = 0;
  bool HaveReport = !sys::fs::file_size(ReportPath, Size) && Size > 0;
  if (TimedOut)
    WithColor::warning(errs(), "chanleak")
        << Program << " was killed after " << VerifyTimeout << " s\n";
  else if (Status < 0)
    WithColor::warning(errs(), "chanleak") << Program << ": " << ErrMsg << "\n";
  else
    errs() << "chanleak verify: " << Program << " exited with status " << Status
           << "\n";
  if (!HaveReport && (TimedOut || Status != 0))
    return createStringError(
        std::errc::io_error,
        "%s wrote no leak report (was %s loaded? did the program "
        "reach exit?)",
        Program.c_str(), Runtime.c_str());
  return HaveReport;
}

int runVerify(const char *Argv0) {
  Expected<json::Value> Log = readJsonFile(VerifyFindings);
  if (!Log)
    return fail(Log.takeError());
  auto Findings = readSarifFindings(*Log);
  if (!Findings)
    return fail(VerifyFindings + ": " + toString(Findings.takeError()));

  ApiModel Model = ApiModel::builtin();
  if (!VerifyModelFile.empty()) {
    auto UserModel = loadModelFile(VerifyModelFile);
    if (!UserModel)
      return fail(UserModel.takeError());
    Model.merge(*UserModel);
  }

  LeakReport Report;
  auto Read = [&Report](StringRef Path) -> Error {
    Expected<LeakReport> Parsed = readLeakReport(Path);
    if (!Parsed)
      return Parsed.takeError();
    Report = std::move(*Parsed);
    return Error::success();
  };
  if (VerifyFromReport.empty()) {
    SmallString<128> TempReport;
    if (std::error_code EC =
            sys::fs::createTemporaryFile("chanleak-report", "json", TempReport))
      return fail("cannot create a temporary file: " + EC.message());
    FileRemover RemoveReport(TempReport);
    sys::fs::remove(
        TempReport); // the runtime creates it: absent means unwritten
    auto Written = runUnderRuntime(Argv0, TempReport);
    if (!Written)
      return fail(Written.takeError());
    if (*Written) {
      if (Error E = Read(TempReport))
        return fail(std::move(E));
    } else {
      Report.Program = VerifyCommand.front();
    }
  } else if (!VerifyCommand.empty()) {
    return fail("--from-report and a command exclude each other");
  } else if (Error E = Read(VerifyFromReport)) {
    return fail(std::move(E));
  }
  symbolizeReport(Report);
  nameApiStates(Report, buildApiStateTable(Model));

  VerifyResult Result = matchFindings(*Findings, Report);
  printSummary(Result, Report, outs());
  if (!VerifyReportOut.empty())
    if (Error E = writeJsonFile(toJSON(Report), VerifyReportOut))
      return fail(std::move(E));
  if (!VerifySarifOut.empty()) {
    annotateSarif(*Log, Result, Report, toolInfo(Argv0));
    if (Error E = writeJsonFile(*Log, VerifySarifOut))
      return fail(std::move(E));
  }
  if (VerifyFail == VerifyFailOn::Confirmed && Result.confirmedCount())
    return ExitFailOn;
  if (VerifyFail == VerifyFailOn::Leak && !Report.Threads.empty())
    return ExitFailOn;
  return 0;
}

int runModel() {
  if (!ModelRuntimeTable)
    return fail("chanleak model: say what to print (--runtime-table)");
  printRuntimeTable(buildApiStateTable(ApiModel::builtin()), outs());
  return 0;
}

void printVersion(raw_ostream &OS) {
  OS << "chanleak " << CHANLEAK_VERSION << " (LLVM " << LLVM_VERSION_STRING
     << ")\n";
}

} // namespace

int main(int argc, char **argv) {
  InitLLVM X(argc, argv);
  // A typo in the subcommand would otherwise read as a stray positional.
  if (argc < 2)
    return fail("no subcommand; expected tidy, sarif, verify or model (see "
                "chanleak --help)");
  StringRef First = argv[1];
  if (!First.starts_with("-") &&
      !is_contained({"tidy", "sarif", "verify", "model"}, First))
    return fail(
        "unknown subcommand '" + First +
        "'; expected tidy, sarif, verify or model (see chanleak --help)");

  cl::SetVersionPrinter(printVersion);
  for (cl::SubCommand *Sub : {&cl::SubCommand::getTopLevel(), &TidyCmd,
                              &SarifCmd, &VerifyCmd, &ModelCmd})
    cl::HideUnrelatedOptions(ChanleakCategory, *Sub);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "chanleak: goroutine-style leak checks for C++\n\n"
          "  chanleak tidy [-p builddir] [--sarif out.sarif] files...\n"
          "  chanleak sarif --from-fixes fixes.yaml [-o out.sarif]\n"
          "  chanleak verify --findings f.sarif [--sarif-out o.sarif] -- "
          "command...\n"
          "  chanleak model --runtime-table\n\n"
          "  Exit status: 0 success, 1 the --fail-on condition held, 2 an "
          "error.\n"
          "  'chanleak <subcommand> --help' describes each one.\n",
          &errs()))
    return ExitError;

  if (TidyCmd)
    return runTidy(argv[0]);
  if (SarifCmd)
    return runSarif(argv[0]);
  if (VerifyCmd)
    return runVerify(argv[0]);
  if (ModelCmd)
    return runModel();
  return fail("no subcommand; expected tidy, sarif, verify or model (see "
              "chanleak --help)");
}
