// libcurl for Swift: curl_easy_setopt, curl_easy_getinfo and curl_share_setopt are C variadic macros/functions that
// Swift cannot call, so each argument type gets a typed inline wrapper here. Nothing else lives in this module.
#ifndef DUVO_CCURL_SHIM_H
#define DUVO_CCURL_SHIM_H

#include <curl/curl.h>

static inline CURLcode duvo_curl_set_long(CURL *easy, CURLoption option, long value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode duvo_curl_set_string(CURL *easy, CURLoption option, const char *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode duvo_curl_set_pointer(CURL *easy, CURLoption option, void *value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode duvo_curl_set_off(CURL *easy, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(easy, option, value);
}

static inline CURLcode duvo_curl_set_headers(CURL *easy, struct curl_slist *list) {
    return curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
}

static inline CURLcode duvo_curl_set_share(CURL *easy, CURLSH *share) {
    return curl_easy_setopt(easy, CURLOPT_SHARE, share);
}

static inline CURLcode duvo_curl_set_write_function(CURL *easy, curl_write_callback callback) {
    return curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, callback);
}

static inline CURLcode duvo_curl_set_header_function(CURL *easy, curl_write_callback callback) {
    return curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, callback);
}

static inline CURLcode duvo_curl_get_long(CURL *easy, CURLINFO info, long *value) {
    return curl_easy_getinfo(easy, info, value);
}

static inline CURLcode duvo_curl_get_socket(CURL *easy, curl_socket_t *socket) {
    return curl_easy_getinfo(easy, CURLINFO_ACTIVESOCKET, socket);
}

static inline CURLSHcode duvo_curl_share_lock_data(CURLSH *share, curl_lock_data data) {
    return curl_share_setopt(share, CURLSHOPT_SHARE, data);
}

static inline CURLMcode duvo_curl_multi_set_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// The easy handle a finished-transfer message is about and its result (CURLMsg's `data` is a union).
static inline CURL *duvo_curl_msg_easy(CURLMsg *message) { return message->easy_handle; }
static inline int duvo_curl_msg_done(CURLMsg *message) { return message->msg == CURLMSG_DONE; }
static inline CURLcode duvo_curl_msg_result(CURLMsg *message) { return message->data.result; }

#endif
