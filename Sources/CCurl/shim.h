#ifndef PLANABLE_SYNC_CCURL_SHIM_H
#define PLANABLE_SYNC_CCURL_SHIM_H

#include <curl/curl.h>

// curl_easy_setopt is variadic, so Swift cannot call it; these wrappers fix the argument type.
static inline CURLcode planable_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode planable_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode planable_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode planable_curl_setopt_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

typedef size_t (*planable_curl_data_callback)(char *buffer, size_t size, size_t count, void *context);

static inline CURLcode planable_curl_setopt_data_callback(
    CURL *handle, CURLoption option, planable_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode planable_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode planable_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode planable_curl_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
