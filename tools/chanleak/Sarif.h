//===- Sarif.h - SARIF 2.1.0 for chanleak findings ---------------*- C++
//-*-===//
//
// Writing: clang-tidy's exported diagnostics (--export-fixes YAML) become a
// SARIF log, one result per finding with its notes as related locations.
// Reading: the results of any SARIF log (clang-tidy's converted findings, the
// analyzer plugin's later) as findings `chanleak verify` can match.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TOOLS_SARIF_H
#define CHANLEAK_TOOLS_SARIF_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace chanleak {

/// Where the docs of each check live: helpUri is DocsDir/checks/<check>.md.
struct SarifToolInfo {
  std::string DocsDir;
};

/// Reads an --export-fixes YAML file and converts its diagnostics to SARIF.
/// File offsets become line:column by reading the files they point into.
llvm::Expected<llvm::json::Value>
convertExportedFixes(llvm::StringRef FixesPath, const SarifToolInfo &Tool);

/// A "file://" URI for an absolute path, and back (a relative reference is
/// returned as is, a non-file URI gives "").
std::string fileUri(llvm::StringRef AbsolutePath);
std::string pathFromUri(llvm::StringRef Uri);

/// A SARIF physicalLocation.
llvm::json::Object physicalLocation(llvm::StringRef Path, unsigned Line,
                                    unsigned Column);

/// A rule of tool.driver.rules for a check.
llvm::json::Object ruleFor(llvm::StringRef CheckName,
                           const SarifToolInfo &Tool);

struct SarifLocation {
  std::string File; ///< as the log names it; empty when it has none
  unsigned Line = 0;
  std::string Message;
};

struct SarifFinding {
  size_t Run = 0, Result = 0; ///< runs[Run].results[Result] in the log
  std::string RuleId;
  std::string Message;
  SarifLocation Primary;
  std::vector<SarifLocation> Related;
};

/// The findings of a SARIF log; a malformed log gives an error naming the
/// JSON path of what is wrong.
llvm::Expected<std::vector<SarifFinding>>
readSarifFindings(const llvm::json::Value &Log);

/// Parses and reads a SARIF file; errors start with "<Path>: ".
llvm::Expected<llvm::json::Value> readJsonFile(llvm::StringRef Path);

/// Writes V to Path (pretty-printed), or to stdout for "-".
llvm::Error writeJsonFile(const llvm::json::Value &V, llvm::StringRef Path);

} // namespace chanleak

#endif
