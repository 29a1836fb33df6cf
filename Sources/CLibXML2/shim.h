#ifndef PLANABLE_SYNC_CLIBXML2_SHIM_H
#define PLANABLE_SYNC_CLIBXML2_SHIM_H

// Debian builds libxml2 with ICU, so its encoding header includes the system ICU headers, whose UErrorCode clashes
// with the copy inside Foundation (_FoundationICU) and fails a clean build. The ICU parts of libxml2's API are only
// the converter fields of xmlCharEncodingHandler, which this project never touches, so the headers are read as
// if ICU were off. The library itself is unchanged.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>
#include <libxml/uri.h>
#include <libxml/encoding.h>

#endif
