#ifndef CTOML_BRIDGE_H
#define CTOML_BRIDGE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Parses `length` bytes of TOML text with toml++ and returns the document as a JSON object, or NULL on failure.
///
/// Dates and times become JSON strings in RFC 3339 form. On failure `*error_message` receives a description and
/// `*error_line` and `*error_column` the one-based position of the problem. The caller frees both returned strings
/// with `free`.
char *ctoml_to_json(const char *toml, size_t length, char **error_message, int *error_line, int *error_column);

#ifdef __cplusplus
}
#endif

#endif
