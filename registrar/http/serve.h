/* SPDX-License-Identifier: Apache-2.0 */
/* What registrar serve's two files share: the server's state, and the request
 * handlers libmicrohttpd calls (serve_http.c). */
#ifndef REGISTRAR_SERVE_H
#define REGISTRAR_SERVE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>

#include "ar_limits.h"
#include "issuer.h"
#include "mhd.h"
#include "store.h"


typedef struct {
	store *db[AR_API_THREADS + 1];
	int busy[AR_API_THREADS + 1];
	pthread_mutex_t lock;
	pthread_cond_t freed;
} db_pool;

typedef struct {
	db_pool pool;
	registrar_issuer *issuer;
	uint8_t *secret_digest;        /* sodium_malloc'd, under secret_lock */
	pthread_mutex_t write_lock;    /* one writer at a time, in order */
	pthread_mutex_t secret_lock;
	const char *scheme;
	/* "SCHEME://HOST:PORT" of the links the API hands out: --public-url, else the
	 * listener; never the request's Host header, which the client chooses */
	char origin[AR_API_MAX_ORIGIN_CHARS + 1];
	atomic_int in_flight;
	atomic_long served;
} server;

enum MHD_Result serve_on_request(void *cls, struct MHD_Connection *c, const char *url,
				 const char *method, const char *version, const char *data,
				 size_t *size, void **con_cls);
void serve_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			enum MHD_RequestTerminationCode why);
/* libmicrohttpd's URL decoding, but for %00, %2F and %25, which it leaves as they are. */
size_t serve_unescape(void *cls, struct MHD_Connection *c, char *text);
void serve_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
