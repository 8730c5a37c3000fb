//===- Sarif.cpp - SARIF 2.1.0 for chanleak findings ----------------------===//

#include "Sarif.h"
#include "clang/Tooling/DiagnosticsYaml.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace chanleak {

using clang::tooling::Diagnostic;
using clang::tooling::DiagnosticMessage;
using clang::tooling::TranslationUnitDiagnostics;
namespace json = llvm::json;

static constexpr llvm::StringLiteral SarifSchema =
    "https://json.schemastore.org/sarif-2.1.0.json";

std::string fileUri(llvm::StringRef AbsolutePath) {
  std::string Uri = "file://";
  for (char C : AbsolutePath) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-._~").contains(C))
      Uri += C;
    else
      Uri += "%" + llvm::utohexstr(static_cast<unsigned char>(C), false, 2);
  }
  return Uri;
}

std::string pathFromUri(llvm::StringRef Uri) {
  if (Uri.consume_front("file://")) {
    Uri.consume_front("localhost");
  } else if (Uri.contains("://")) {
    return "";
  }
  std::string Path;
  for (size_t I = 0; I < Uri.size(); ++I) {
    unsigned Byte;
    if (Uri[I] == '%' && I + 2 < Uri.size() &&
        !Uri.substr(I + 1, 2).getAsInteger(16, Byte)) {
      Path += static_cast<char>(Byte);
      I += 2;
    } else {
      Path += Uri[I];
    }
  }
  return Path;
}

json::Object physicalLocation(llvm::StringRef Path, unsigned Line,
                              unsigned Column) {
  json::Object Region{{"startLine", Line}};
  if (Column)
    Region["startColumn"] = Column;
  return json::Object{
      {"physicalLocation",
       json::Object{{"artifactLocation", json::Object{{"uri", fileUri(Path)}}},
                    {"region", std::move(Region)}}}};
}

json::Object ruleFor(llvm::StringRef CheckName, const SarifToolInfo &Tool) {
  json::Object Rule{{"id", CheckName.str()}};
  if (CheckName.starts_with("chanleak-") && !Tool.DocsDir.empty()) {
    llvm::SmallString<256> Doc(Tool.DocsDir);
    llvm::sys::path::append(Doc, "checks", CheckName + ".md");
    Rule["helpUri"] = fileUri(Doc);
  }
  return Rule;
}

namespace {

/// Line and column of byte offsets in files, each file read once.
class LineTable {
public:
  /// 1-based line and column (in Unicode code points) of Offset in Path.
  llvm::Expected<std::pair<unsigned, unsigned>> position(llvm::StringRef Path,
                                                         unsigned Offset) {
    auto &Buffer = Files[Path];
    if (!Buffer) {
      auto Read = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
      if (!Read)
        return llvm::createStringError(Read.getError(), "cannot read %s: %s",
                                       Path.str().c_str(),
                                       Read.getError().message().c_str());
      Buffer = std::move(*Read);
    }
    llvm::StringRef Text = Buffer->getBuffer();
    if (Offset > Text.size())
      return llvm::createStringError(
          std::errc::invalid_argument,
          "offset %u is past the end of %s (%zu bytes); was it edited since?",
          Offset, Path.str().c_str(), Text.size());
    llvm::StringRef Before = Text.take_front(Offset);
    unsigned Line = 1 + Before.count('\n');
    llvm::StringRef LineStart = Before.drop_front(Before.rfind('\n') + 1);
    // UTF-8 continuation bytes do not start a code point.
    unsigned Column = 1 + llvm::count_if(LineStart, [](char C) {
                        return (static_cast<unsigned char>(C) & 0xC0) != 0x80;
                      });
    return std::make_pair(Line, Column);
  }

private:
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> Files;
};

llvm::StringRef sarifLevel(Diagnostic::Level Level) {
  switch (Level) {
  case Diagnostic::Error:
    return "error";
  case Diagnostic::Warning:
    return "warning";
  case Diagnostic::Remark:
    return "note";
  }
  return "warning";
}

/// The absolute path of a diagnostic's file: clang-tidy writes it as the
/// compilation database gave it, relative to the build directory.
std::string absolutePath(llvm::StringRef Path, llvm::StringRef BuildDirectory) {
  llvm::SmallString<256> Abs(Path);
  if (!llvm::sys::path::is_absolute(Abs)) {
    Abs = BuildDirectory;
    llvm::sys::path::append(Abs, Path);
  }
  llvm::sys::fs::make_absolute(Abs);
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

llvm::Expected<json::Object> locationOf(const DiagnosticMessage &Message,
                                        llvm::StringRef BuildDirectory,
                                        LineTable &Lines) {
  std::string Path = absolutePath(Message.FilePath, BuildDirectory);
  auto Position = Lines.position(Path, Message.FileOffset);
  if (!Position)
    return Position.takeError();
  json::Object Location =
      physicalLocation(Path, Position->first, Position->second);
  Location["message"] = json::Object{{"text", Message.Message}};
  return Location;
}

} // namespace

static llvm::Expected<json::Value>
sarifLog(const TranslationUnitDiagnostics &Document, const SarifToolInfo &Tool);

llvm::Expected<json::Value> convertExportedFixes(llvm::StringRef FixesPath,
                                                 const SarifToolInfo &Tool) {
  auto Buffer = llvm::MemoryBuffer::getFile(FixesPath, /*IsText=*/true);
  if (!Buffer)
    return llvm::createStringError(Buffer.getError(), "%s: cannot read: %s",
                                   FixesPath.str().c_str(),
                                   Buffer.getError().message().c_str());
  TranslationUnitDiagnostics Document;
  // clang-tidy leaves the file empty when it had nothing to export.
  if ((*Buffer)->getBuffer().trim().empty())
    return sarifLog(Document, Tool);
  std::string YamlError;
  auto OnYamlError = [](const llvm::SMDiagnostic &Diag, void *Context) {
    llvm::raw_string_ostream OS(*static_cast<std::string *>(Context));
    OS << Diag.getFilename() << ":" << Diag.getLineNo() << ":"
       << Diag.getColumnNo() + 1 << ": " << Diag.getMessage();
  };
  llvm::yaml::Input Input((*Buffer)->getMemBufferRef(), nullptr, OnYamlError,
                          &YamlError);
  Input >> Document;
  if (Input.error())
    return llvm::createStringError(
        Input.error(), "%s",
        YamlError.empty()
            ? (FixesPath + ": malformed diagnostics YAML").str().c_str()
            : YamlError.c_str());
  return sarifLog(Document, Tool);
}

static llvm::Expected<json::Value>
sarifLog(const TranslationUnitDiagnostics &Document,
         const SarifToolInfo &Tool) {
  LineTable Lines;
  json::Array Rules, Results;
  llvm::StringMap<unsigned> RuleIndex;
  for (const Diagnostic &Diag : Document.Diagnostics) {
    if (Diag.Message.FilePath.empty())
      continue; // a diagnostic about the command line, not a location
    auto [It, New] = RuleIndex.try_emplace(Diag.DiagnosticName, Rules.size());
    if (New)
      Rules.push_back(ruleFor(Diag.DiagnosticName, Tool));
    auto Primary = locationOf(Diag.Message, Diag.BuildDirectory, Lines);
    if (!Primary)
      return Primary.takeError();
    Primary->erase("message");
    json::Array Related;
    for (const DiagnosticMessage &Note : Diag.Notes) {
      if (Note.FilePath.empty())
        continue;
      auto Location = locationOf(Note, Diag.BuildDirectory, Lines);
      if (!Location)
        return Location.takeError();
      (*Location)["id"] = static_cast<int64_t>(Related.size());
      Related.push_back(std::move(*Location));
    }
    json::Object Result{
        {"ruleId", Diag.DiagnosticName},
        {"ruleIndex", It->second},
        {"level", sarifLevel(Diag.DiagLevel)},
        {"message", json::Object{{"text", Diag.Message.Message}}},
        {"locations", json::Array{std::move(*Primary)}}};
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    Results.push_back(std::move(Result));
  }

  json::Object Driver{{"name", "chanleak"},
                      {"version", CHANLEAK_VERSION},
                      {"rules", std::move(Rules)}};
  return json::Object{
      {"$schema", SarifSchema},
      {"version", "2.1.0"},
      {"runs", json::Array{json::Object{
                   {"tool", json::Object{{"driver", std::move(Driver)}}},
                   {"columnKind", "unicodeCodePoints"},
                   {"results", std::move(Results)}}}}};
}

namespace {

/// Reads a location object; returns false (with P reported) when malformed.
/// json::Path links to its parents, so every step is kept in a named Path.
bool readLocation(const json::Value &V, SarifLocation &Out, json::Path P) {
  const json::Object *Location = V.getAsObject();
  if (!Location) {
    P.report("expected a location object");
    return false;
  }
  if (const json::Object *Message = Location->getObject("message"))
    Out.Message = Message->getString("text").value_or("").str();
  const json::Object *Physical = Location->getObject("physicalLocation");
  if (!Physical)
    return true; // a logical location only: nothing to match by file
  json::Path PhysicalPath = P.field("physicalLocation");
  const json::Object *Artifact = Physical->getObject("artifactLocation");
  std::optional<llvm::StringRef> Uri =
      Artifact ? Artifact->getString("uri") : std::nullopt;
  if (!Uri) {
    PhysicalPath.field("artifactLocation")
        .report("expected an object with a string \"uri\"");
    return false;
  }
  Out.File = pathFromUri(*Uri);
  if (const json::Object *Region = Physical->getObject("region")) {
    std::optional<int64_t> Line = Region->getInteger("startLine");
    if (!Line || *Line < 1) {
      json::Path RegionPath = PhysicalPath.field("region");
      RegionPath.field("startLine").report("expected a positive integer");
      return false;
    }
    Out.Line = static_cast<unsigned>(*Line);
  }
  return true;
}

} // namespace

llvm::Expected<std::vector<SarifFinding>>
readSarifFindings(const json::Value &Log) {
  json::Path::Root Root("sarif");
  json::Path P(Root);
  std::vector<SarifFinding> Findings;
  auto Fail = [&](json::Path At, llvm::StringLiteral What) {
    At.report(What);
    return Root.getError();
  };
  const json::Object *Top = Log.getAsObject();
  if (!Top)
    return Fail(P, "expected a SARIF log object");
  const json::Array *Runs = Top->getArray("runs");
  json::Path RunsPath = P.field("runs");
  if (!Runs)
    return Fail(RunsPath, "expected an array of runs");
  for (size_t RunIndex = 0; RunIndex < Runs->size(); ++RunIndex) {
    json::Path RunPath = RunsPath.index(RunIndex);
    const json::Object *Run = (*Runs)[RunIndex].getAsObject();
    if (!Run)
      return Fail(RunPath, "expected a run object");
    const json::Value *ResultsValue = Run->get("results");
    if (!ResultsValue)
      continue;
    const json::Array *Results = ResultsValue->getAsArray();
    json::Path ResultsPath = RunPath.field("results");
    if (!Results)
      return Fail(ResultsPath, "expected an array");
    for (size_t ResultIndex = 0; ResultIndex < Results->size(); ++ResultIndex) {
      json::Path ResultPath = ResultsPath.index(ResultIndex);
      const json::Object *Result = (*Results)[ResultIndex].getAsObject();
      if (!Result)
        return Fail(ResultPath, "expected a result object");
      SarifFinding Finding;
      Finding.Run = RunIndex;
      Finding.Result = ResultIndex;
      Finding.RuleId = Result->getString("ruleId").value_or("").str();
      if (const json::Object *Message = Result->getObject("message"))
        Finding.Message = Message->getString("text").value_or("").str();
      const json::Array *Locations = Result->getArray("locations");
      json::Path LocationsPath = ResultPath.field("locations");
      if (!Locations || Locations->empty())
        return Fail(LocationsPath, "expected a non-empty array of locations");
      if (!readLocation(Locations->front(), Finding.Primary,
                        LocationsPath.index(0)))
        return Root.getError();
      json::Path RelatedPath = ResultPath.field("relatedLocations");
      if (const json::Array *Related = Result->getArray("relatedLocations"))
        for (size_t I = 0; I < Related->size(); ++I) {
          SarifLocation Location;
          if (!readLocation((*Related)[I], Location, RelatedPath.index(I)))
            return Root.getError();
          Finding.Related.push_back(std::move(Location));
        }
      Findings.push_back(std::move(Finding));
    }
  }
  return Findings;
}

llvm::Expected<json::Value> readJsonFile(llvm::StringRef Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return llvm::createStringError(Buffer.getError(), "%s: cannot read: %s",
                                   Path.str().c_str(),
                                   Buffer.getError().message().c_str());
  auto Parsed = json::parse((*Buffer)->getBuffer());
  if (!Parsed)
    return llvm::createStringError(std::errc::invalid_argument,
                                   "%s: malformed JSON: %s", Path.str().c_str(),
                                   llvm::toString(Parsed.takeError()).c_str());
  return Parsed;
}

llvm::Error writeJsonFile(const json::Value &V, llvm::StringRef Path) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC)
    return llvm::createStringError(EC, "%s: cannot write: %s",
                                   Path.str().c_str(), EC.message().c_str());
  OS << llvm::formatv("{0:2}", V) << "\n";
  OS.close();
  if (OS.has_error())
    return llvm::createStringError(OS.error(), "%s: cannot write: %s",
                                   Path.str().c_str(),
                                   OS.error().message().c_str());
  return llvm::Error::success();
}

} // namespace chanleak
