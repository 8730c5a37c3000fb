//===- Suppression.h - What silences a finding, in every front end -*- C++ -*-===//
//
// One suppression silences a finding in both engines: a
// [[clang::suppress]] on the blocked operation's statement, an enclosing
// statement or declaration (the enclosing function of a lambda included),
// naming nothing, "chanleak", or a prefix of either spelling of the check
// ("chanleak-early-return", "chanleak.EarlyReturn"); and a NOLINT comment
// on the finding's line or a NOLINTNEXTLINE on the line before, bare or
// listing the tidy name or a glob matching it. (clang-tidy applies NOLINT
// itself; the analyzer asks here.)
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_ANALYSIS_SUPPRESSION_H
#define CHANLEAK_ANALYSIS_SUPPRESSION_H

#include "chanleak/Analysis/Engine.h"

namespace clang {
class SourceManager;
}

namespace chanleak {

bool isSuppressedByAttribute(const clang::Stmt *At, const clang::FunctionDecl *Within,
                             LeakLabel Label);

bool isSuppressedByNoLint(clang::SourceLocation Loc, const clang::SourceManager &SM,
                          LeakLabel Label);

} // namespace chanleak

#endif
