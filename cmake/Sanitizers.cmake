# Native-only sanitizer builds (presets linux-asan and linux-tsan).
if(RASBROKER_SANITIZE AND NOT WIN32)
  add_compile_options(-fsanitize=${RASBROKER_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${RASBROKER_SANITIZE})
endif()
