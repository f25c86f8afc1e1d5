# motioncue_embed_texts(OUTPUT cpp NAMESPACE ns FUNCTION fn DIR dir NAMES name...)
# Writes `cpp` defining `const std::map<std::string, std::string>& ns::fn()`, a table from each
# name to the text of DIR/<name>.yaml, and re-runs the configure step when one of them changes.
# Used for the built-in synth specs and experiment specs.
set(MOTIONCUE_EMBED_TEMPLATE ${CMAKE_CURRENT_LIST_DIR}/embedded_texts.cpp.in)
function(motioncue_embed_texts)
  cmake_parse_arguments(ARG "" "OUTPUT;NAMESPACE;FUNCTION;DIR" "NAMES" ${ARGN})
  set(MOTIONCUE_EMBED_ENTRIES "")
  foreach(name ${ARG_NAMES})
    set(file ${ARG_DIR}/${name}.yaml)
    file(READ ${file} text)
    string(APPEND MOTIONCUE_EMBED_ENTRIES "    {\"${name}\", R\"motioncue_yaml(${text})motioncue_yaml\"},\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  endforeach()
  set(MOTIONCUE_EMBED_NAMESPACE ${ARG_NAMESPACE})
  set(MOTIONCUE_EMBED_FUNCTION ${ARG_FUNCTION})
  file(RELATIVE_PATH MOTIONCUE_EMBED_SOURCE_DIR ${PROJECT_SOURCE_DIR} ${ARG_DIR})
  configure_file(${MOTIONCUE_EMBED_TEMPLATE} ${ARG_OUTPUT} @ONLY)
endfunction()
