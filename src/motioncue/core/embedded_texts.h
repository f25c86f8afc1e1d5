// Lookup in a table of texts embedded at build time (cmake/EmbedTexts.cmake): the built-in
// synth specs and experiment specs.
#pragma once

#include <map>
#include <string>

#include "motioncue/core/error.h"

namespace motioncue {

// The text named `name`; an unknown name is an Error naming it (key `option`) and listing the
// built-in names.
inline const std::string& embedded_text(const std::map<std::string, std::string>& table,
                                        const std::string& name, const std::string& option) {
  const auto it = table.find(name);
  if (it != table.end()) return it->second;
  std::string known;
  for (const auto& entry : table) known += (known.empty() ? "" : ", ") + entry.first;
  throw Error("no such file, and no built-in of this name")
      .key(option)
      .expected("a YAML file or one of: " + known)
      .found(name);
}

}  // namespace motioncue
