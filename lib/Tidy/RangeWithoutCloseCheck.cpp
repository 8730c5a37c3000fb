//===- RangeWithoutCloseCheck.cpp - chanleak-range-without-close ----------===//

#include "RangeWithoutCloseCheck.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace chanleak::tidy {

void RangeWithoutCloseCheck::analyze(const ConcurrencyFacts &Facts,
                                     AnalysisSession &Session) {
  for (const Op &Loop : Facts.ops()) {
    if (!Loop.LoopsUntilClosed || !Loop.Channel)
      continue;
    // A loop in a function that starts no thread is judged where that
    // function runs: in the facts of the code that spawns or calls it.
    if (!Loop.In->Origin && Facts.spawns().empty())
      continue;
    const Channel *C = Facts.channel(Loop.Channel);
    if (!C || C->Model->OneShot)
      continue;
    bool Unclosable = neverClosed(Facts, *C);
    if (C->Escapes && !Unclosable)
      continue;
    // A std::jthread that ignores its stop token is
    // chanleak-orphaned-worker's: the fix is to honour the stop request.
    if (Unclosable && ignoresStopToken(*Loop.In))
      continue;
    // Likewise a loop of a worker started by obj.Start(): obj must be stopped.
    if (Loop.In->Origin && startsObjectWorker(*Loop.In->Origin, Loop))
      continue;
    llvm::SmallVector<const Op *, 4> Closes;
    for (const Op *O : Facts.opsOn(C->Id))
      if (O->Kind == OpKind::Close || O->Kind == OpKind::Cancel)
        Closes.push_back(O);

    // Closed on every path of the thread that closes it: fine. Closed on
    // some paths only: the loop hangs on the others.
    std::optional<PathExit> Unclosed;
    const Thread *Closer = nullptr;
    if (!Closes.empty()) {
      Closer = Closes.front()->In;
      bool OneCloser = llvm::all_of(Closes, [&](const Op *O) { return O->In == Closer; });
      if (!OneCloser || Closer == Loop.In)
        continue;
      const ThreadPaths &P = Session.paths(*Closer);
      auto Elements = elementsOf(Closes, P);
      Unclosed = P.pathToExitAvoiding(
          nullptr, [&](const Stmt *S) { return Elements.count(S) != 0; },
          [](const Stmt *) { return false; });
      // A path that ends by throwing is not the normal way out.
      if (!Unclosed || (Unclosed->Event && isa<CXXThrowExpr>(Unclosed->Event)))
        continue;
    }

    std::string Chan = quoted(C->Id);
    std::string Message =
        "receive loop over " + Chan + " never ends: " +
        (Closes.empty() ? "nothing closes " + Chan
                        : Chan + " is not closed on every path");
    if (!report(Loop.Call, Loop.Function, Message))
      continue;
    noteSpawn(*Loop.In);
    if (Unclosed)
      noteExit(*Unclosed, *Closer, "without closing " + Chan);
    else
      note(C->Id->getLocation(), Chan + " is declared here and never closed");
  }
}

} // namespace chanleak::tidy
