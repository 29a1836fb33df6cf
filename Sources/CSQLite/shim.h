#ifndef PLANABLE_SYNC_CSQLITE_SHIM_H
#define PLANABLE_SYNC_CSQLITE_SHIM_H

#include <sqlite3.h>

// SQLITE_TRANSIENT is a macro that casts -1 to a function pointer, which Swift does not import.
static inline sqlite3_destructor_type planable_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
