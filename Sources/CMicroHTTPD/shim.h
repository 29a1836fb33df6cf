#ifndef PLANABLE_SYNC_CMICROHTTPD_SHIM_H
#define PLANABLE_SYNC_CMICROHTTPD_SHIM_H

#include <malloc.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <microhttpd.h>

typedef enum MHD_Result (*planable_mhd_access_handler)(
    void *context, struct MHD_Connection *connection, const char *url, const char *method,
    const char *version, const char *upload_data, size_t *upload_data_size, void **request_context);

typedef void (*planable_mhd_completed_handler)(
    void *context, struct MHD_Connection *connection, void **request_context,
    enum MHD_RequestTerminationCode code);

static inline int planable_hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decodes %XX escapes in place, as libmicrohttpd's own decoder does, except %00, which stays as the three
// characters. libmicrohttpd hands the path and query values over as C strings, so a decoded NUL would cut them
// short: GET /posts/%00 would reach the handler as GET /posts/.
static inline size_t planable_mhd_unescape(void *context, struct MHD_Connection *connection, char *text) {
    (void)context;
    (void)connection;
    char *out = text;
    for (const char *in = text; *in != '\0'; ) {
        if (in[0] == '%' && in[1] != '\0' && in[2] != '\0') {
            int high = planable_hex_digit(in[1]), low = planable_hex_digit(in[2]);
            if (high >= 0 && low >= 0 && (high | low) != 0) {
                *out++ = (char)(high * 16 + low);
                in += 3;
                continue;
            }
        }
        *out++ = *in++;
    }
    *out = '\0';
    return (size_t)(out - text);
}

// MHD_start_daemon is variadic, so Swift cannot call it; this wrapper passes the options the server uses.
// A bind address of NULL binds to every address, which the callers never ask for.
static inline struct MHD_Daemon *planable_mhd_start(
    unsigned int flags, const struct sockaddr *bind_address, unsigned int thread_pool_size,
    unsigned int connection_timeout_seconds, planable_mhd_access_handler handler, void *handler_context,
    planable_mhd_completed_handler completed, void *completed_context) {
    return MHD_start_daemon(
        flags, 0, NULL, NULL, handler, handler_context,
        MHD_OPTION_SOCK_ADDR, bind_address,
        MHD_OPTION_THREAD_POOL_SIZE, thread_pool_size,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context,
        MHD_OPTION_UNESCAPE_CALLBACK, planable_mhd_unescape, NULL,
        MHD_OPTION_END);
}

static inline struct MHD_Daemon *planable_mhd_start_per_connection_thread(
    unsigned int flags, const struct sockaddr *bind_address,
    unsigned int connection_timeout_seconds, planable_mhd_access_handler handler, void *handler_context,
    planable_mhd_completed_handler completed, void *completed_context) {
    return MHD_start_daemon(
        flags, 0, NULL, NULL, handler, handler_context,
        MHD_OPTION_SOCK_ADDR, bind_address,
        MHD_OPTION_CONNECTION_TIMEOUT, connection_timeout_seconds,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_context,
        MHD_OPTION_UNESCAPE_CALLBACK, planable_mhd_unescape, NULL,
        MHD_OPTION_END);
}

// Raises glibc's trim threshold to 64 MB and its mmap threshold to 1 MB. By default glibc returns free memory at
// the top of a thread's heap to the system once it passes 128 KB, so the buffers of the next responses fault their
// pages in again.
static inline void planable_keep_freed_memory(void) {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

static inline uint16_t planable_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

// Swift does not see these enumerators through the deprecation macros of microhttpd.h, so the shim names them.
static const enum MHD_Result planable_mhd_yes = MHD_YES;
static const enum MHD_Result planable_mhd_no = MHD_NO;
static const enum MHD_ValueKind planable_mhd_header_kind = MHD_HEADER_KIND;
static const enum MHD_ValueKind planable_mhd_argument_kind = MHD_GET_ARGUMENT_KIND;
static const enum MHD_ResponseMemoryMode planable_mhd_must_copy = MHD_RESPMEM_MUST_COPY;

#endif
