//===- ModelFile.h - User models in YAML ------------------------*- C++ -*-===//
//
// A model file declares types the user cannot annotate (third-party headers)
// with the same power as include/chanleak/annotations.h. The format is
// documented in docs/model.md; it is read with LLVM's YAML I/O.
//
//===----------------------------------------------------------------------===//

#ifndef CHANLEAK_MODEL_MODELFILE_H
#define CHANLEAK_MODEL_MODELFILE_H

#include "chanleak/Model/ApiModel.h"
#include "llvm/Support/Error.h"

namespace chanleak {

/// Parses model-file text. A malformed file gives one error whose message
/// starts with "<BufferName>:<line>:<col>: ".
llvm::Expected<ApiModel> parseModelFile(llvm::StringRef Text,
                                        llvm::StringRef BufferName);

/// Reads and parses the model file at Path.
llvm::Expected<ApiModel> loadModelFile(llvm::StringRef Path);

} // namespace chanleak

#endif
