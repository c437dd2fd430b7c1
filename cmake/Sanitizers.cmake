# Native-only sanitizer builds (presets linux-asan and linux-tsan).
if(RASBROKER_SANITIZE AND NOT WIN32)
  add_compile_options(-fsanitize=${RASBROKER_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${RASBROKER_SANITIZE})
  if(RASBROKER_SANITIZE MATCHES "thread")
    # GCC 12 warns that TSan does not model std::atomic_thread_fence, which Asio's
    # headers use internally; the warning is about TSan's coverage, not a race.
    add_compile_options(-Wno-tsan)
  endif()
endif()
