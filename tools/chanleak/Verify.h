//===- Verify.h - Static findings against a runtime leak report -*- C++ -*-===//
//
// A finding is confirmed by a leaked thread when a frame of the thread's
// current stack is at the finding's primary location (the operation that
// blocks forever), or a frame of its creation stack is at one of the
// finding's locations (a related one: the spawn site; the primary one: the
// start of a worker never stopped). Files are compared by real path, lines
// exactly. Leaked threads that confirm nothing are what the
// static checks missed.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_TOOLS_VERIFY_H
#define CHANLEAK_TOOLS_VERIFY_H

#include "LeakReport.h"
#include "Sarif.h"
#include "llvm/Support/raw_ostream.h"

namespace chanleak {

struct FindingVerdict {
  const SarifFinding *Finding = nullptr;
  const ReportThread *Thread = nullptr; ///< null: not reproduced
  bool ByBlockedFrame = false;          ///< else by the creation stack
};

struct VerifyResult {
  std::vector<FindingVerdict> Verdicts;     ///< one per finding, in order
  std::vector<const ReportThread *> Missed; ///< leaked, matching no finding
  unsigned confirmedCount() const;
};

VerifyResult matchFindings(const std::vector<SarifFinding> &Findings,
                           const LeakReport &Report);

/// Adds the "chanleak/verified" properties to the log's results and one
/// chanleak-runtime-leak result per missed thread to its first run.
void annotateSarif(llvm::json::Value &Log, const VerifyResult &Result,
                   const LeakReport &Report, const SarifToolInfo &Tool);

/// The summary table: finding, location, verdict, thread, API state; then the
/// threads missed by static analysis.
void printSummary(const VerifyResult &Result, const LeakReport &Report,
                  llvm::raw_ostream &OS);

} // namespace chanleak

#endif
