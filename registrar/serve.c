/* `registrar serve`: the API over HTTP(S) with libmicrohttpd. A pool of threads, one
 * SQLite connection each; a bearer secret; one access-log line per request; SIGTERM or
 * SIGINT lets the requests in flight finish, then closes the database; SIGHUP re-reads
 * the secret. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "apikey.h"
#include "ar_limits.h"
#include "commands.h"
#include "fileio.h"
#include "keys.h"
#include "mhd.h"
#include "store.h"

#define PROGRAM "registrar"

typedef struct {
	sqlite3 *db[AR_API_THREADS + 1];
	int busy[AR_API_THREADS + 1];
	pthread_mutex_t lock;
	pthread_cond_t freed;
} db_pool;

typedef struct {
	db_pool pool;
	ar_keypair issuer;
	uint8_t *secret_digest;        /* sodium_malloc'd, under secret_lock */
	pthread_mutex_t write_lock;    /* one writer at a time, in order */
	pthread_mutex_t secret_lock;
	const char *scheme;
	atomic_int in_flight;
	atomic_long served;
} server;

typedef struct {
	struct timespec start;
	char method[16], path[512];
	uint8_t *body;
	size_t body_len;
	size_t dropped;     /* bytes of a chunked body past the cap, read and dropped */
	unsigned status;
	size_t sent;
	int answered;
} request;

static sqlite3 *pool_take(db_pool *p, size_t *slot)
{
	size_t i;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (i = 0; i <= AR_API_THREADS; i++)
			if (!p->busy[i]) {
				p->busy[i] = 1;
				pthread_mutex_unlock(&p->lock);
				*slot = i;
				return p->db[i];
			}
		pthread_cond_wait(&p->freed, &p->lock);
	}
}

static void pool_give(db_pool *p, size_t slot)
{
	pthread_mutex_lock(&p->lock);
	p->busy[slot] = 0;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

/* The path for the log: one line whatever the client sent. */
static void log_safe(char *out, size_t cap, const char *in)
{
	size_t n = 0;

	for (; *in && n + 4 < cap; in++) {
		unsigned char c = (unsigned char)*in;

		if (c > 0x20 && c < 0x7f && c != '"' && c != '%')
			out[n++] = (char)c;
		else
			n += (size_t)snprintf(out + n, cap - n, "%%%02X", c);
	}
	out[n] = '\0';
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static void client_address(struct MHD_Connection *c, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
		mhd.get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, cap, "-");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)cap);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
			  (socklen_t)cap);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode why)
{
	server *s = cls;
	request *rq = *con_cls;
	char client[INET6_ADDRSTRLEN];

	if (!rq)
		return;
	client_address(c, client, sizeof client);
	/* One line a request; never the headers (the secret) or the body. */
	fprintf(stderr, PROGRAM ": serve: %s %s %s %u %zu bytes %.1f ms%s\n", client, rq->method,
		rq->path, rq->status, rq->sent, ms_since(&rq->start),
		why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed)");
	free(rq->body);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
	atomic_fetch_add(&s->served, 1);
}

static enum MHD_Result send_response(struct MHD_Connection *c, request *rq, api_response *rs)
{
	struct MHD_Response *r;
	size_t len = rs->body ? strlen(rs->body) : 0;
	enum MHD_Result ok;

	r = mhd.create_response_from_buffer(len, rs->body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(rs->body);
		return MHD_NO;
	}
	if (len)
		mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/json; charset=utf-8");
	if (rs->allow)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->status == 401)
		mhd.add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	rq->status = rs->status;
	rq->sent = len;
	rq->answered = 1;
	ok = mhd.queue_response(c, rs->status, r);
	mhd.destroy_response(r);
	return ok;
}

static enum MHD_Result refuse_now(struct MHD_Connection *c, request *rq, unsigned status,
				  const char *code, const char *message)
{
	api_response rs = { 0 };

	api_error(&rs, status, code, message);
	return send_response(c, rq, &rs);
}

static int authorized(server *s, struct MHD_Connection *c)
{
	const char *h = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
						    MHD_HTTP_HEADER_AUTHORIZATION);
	int ok;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return 0;
	h += 7;
	pthread_mutex_lock(&s->secret_lock);
	ok = apikey_matches(s->secret_digest, h, strlen(h));
	pthread_mutex_unlock(&s->secret_lock);
	return ok;
}

/* First call of a request: who asks, and how much it will send. */
static enum MHD_Result begin_request(server *s, struct MHD_Connection *c, request *rq)
{
	const char *length = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end = NULL;

	if (!authorized(s, c))
		return refuse_now(c, rq, 401, "AuthenticationFailed",
				  "every request needs Authorization: Bearer SECRET (the content "
				  "of " AR_API_SECRET_FILE " in the data directory)");
	/* Refused before a byte of it is read. */
	if (length && (strtoull(length, &end, 10) > AR_API_MAX_BODY_BYTES || !end || *end))
		return refuse_now(c, rq, 413, "RequestTooLarge",
				  "request bodies are at most 65536 bytes");
	return MHD_YES;
}

/* A body without Content-Length over the cap: libmicrohttpd answers only once the
 * upload ends, so what follows is dropped, and a client that goes on sending for long
 * loses its connection. */
static enum MHD_Result take_body(request *rq, const char *data, size_t *size)
{
	size_t n = *size;

	*size = 0;
	if (rq->dropped || rq->body_len + n > AR_API_MAX_BODY_BYTES) {
		rq->dropped += n;
		return rq->dropped > 16 * AR_API_MAX_BODY_BYTES ? MHD_NO : MHD_YES;
	}
	if (!rq->body && !(rq->body = malloc(AR_API_MAX_BODY_BYTES)))
		return MHD_NO;
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
	return MHD_YES;
}

static enum MHD_Result answer(server *s, struct MHD_Connection *c, request *rq, const char *url)
{
	const char *host = mhd.lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
	char origin[300];
	api_request in = { 0 };
	api_response out = { 0 };
	size_t slot;
	sqlite3 *db;
	int writer;

	snprintf(origin, sizeof origin, "%s://%s", s->scheme, host ? host : "localhost");
	in.method = rq->method;
	in.path = url;  /* as MHD decoded it */
	in.api_version = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "api-version");
	in.top = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "$top");
	in.skip_token = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "$skipToken");
	in.origin = origin;
	in.body = rq->body;
	in.body_len = rq->body_len;
	/* Writers queue here rather than in SQLite's busy handler, whose sleeps of up to
	 * 100 ms made the slowest writes take over a second under load. Readers (WAL)
	 * go on beside them. */
	writer = strcmp(rq->method, "GET") != 0;
	if (writer)
		pthread_mutex_lock(&s->write_lock);
	db = pool_take(&s->pool, &slot);
	api_handle(db, &s->issuer, &in, &out);
	pool_give(&s->pool, slot);
	if (writer)
		pthread_mutex_unlock(&s->write_lock);
	return send_response(c, rq, &out);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *size, void **con_cls)
{
	server *s = cls;
	request *rq = *con_cls;

	(void)version;
	if (!rq) {
		if (!(rq = calloc(1, sizeof *rq)))
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &rq->start);
		snprintf(rq->method, sizeof rq->method, "%s", method);
		log_safe(rq->path, sizeof rq->path, url);
		*con_cls = rq;
		atomic_fetch_add(&s->in_flight, 1);
		return begin_request(s, c, rq);
	}
	if (*size && rq->answered) {
		*size = 0;  /* refused already: what follows is dropped */
		return MHD_YES;
	}
	if (*size)
		return take_body(rq, data, size);
	if (rq->answered)
		return MHD_YES;
	if (rq->dropped)
		return refuse_now(c, rq, 413, "RequestTooLarge", "request bodies are at most 65536 bytes");
	return answer(s, c, rq, url);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	fprintf(stderr, PROGRAM ": serve: libmicrohttpd: %s\n", line);
}

/* --- the listening address */

static int is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)ss)->sin_addr.s_addr) >> 24)
		       == 127;
	return IN6_IS_ADDR_LOOPBACK(&((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr);
}

/* "ADDRESS:PORT" or "[IPV6]:PORT"; port 0 picks a free one. */
static int parse_listen(const char *text, struct sockaddr_storage *ss, ar_err *e)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	char *end = NULL;
	unsigned long port;
	size_t n;

	memset(ss, 0, sizeof *ss);
	if (!colon || colon == text)
		goto bad;
	port = strtoul(colon + 1, &end, 10);
	n = (size_t)(colon - text);
	if (!colon[1] || *end || port > 65535 || n >= sizeof host)
		goto bad;
	if (text[0] == '[' && colon[-1] == ']') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)(void *)ss;

		memcpy(host, text + 1, n - 2);
		host[n - 2] = '\0';
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) == 1)
			return AR_OK;
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)(void *)ss;

		memcpy(host, text, n);
		host[n] = '\0';
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) == 1)
			return AR_OK;
	}
bad:
	return ar_fail(e, AR_EUSAGE, NULL, "--listen \"%.64s\": give ADDRESS:PORT or [IPV6]:PORT "
		       "(numeric)", text);
}

/* --- start and stop */

typedef struct {
	char *cert, *key;   /* PEM, NUL-terminated; key in secure memory */
} tls_files;

static int load_tls(const registrar_opts *o, tls_files *t, ar_err *e)
{
	size_t len = 0;
	uint8_t *cert = NULL;

	memset(t, 0, sizeof *t);
	if (!o->tls_cert && !o->tls_key)
		return AR_OK;
	if (!o->tls_cert || !o->tls_key)
		return ar_fail(e, AR_EUSAGE, NULL, "HTTPS needs both --tls-cert and --tls-key");
	if (ar_read_input(o->tls_cert, AR_MAX_KEY_FILE_BYTES * 4, &cert, &len, e) != AR_OK)
		return e->status;
	t->cert = (char *)cert;
	t->key = sodium_malloc(AR_MAX_KEY_FILE_BYTES);
	if (!t->key)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (ar_read_secret_file(o->tls_key, (uint8_t *)t->key, AR_MAX_KEY_FILE_BYTES, &len, e))
		return e->status;
	t->key[len] = '\0';
	return AR_OK;
}

static void free_tls(tls_files *t)
{
	free(t->cert);
	if (t->key)
		sodium_free(t->key);
}

static int open_pool(const char *dir, db_pool *p, ar_err *e)
{
	size_t i;

	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	for (i = 0; i <= AR_API_THREADS; i++)
		if (store_open(dir, 0, &p->db[i], e) != AR_OK)
			return e->status;
	return AR_OK;
}

static void close_pool(db_pool *p)
{
	size_t i;

	for (i = 0; i <= AR_API_THREADS; i++)
		store_close(p->db[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

static struct MHD_Daemon *start(server *s, const struct sockaddr_storage *ss,
				const tls_files *tls, ar_err *e)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;

	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (tls->cert)
		flags |= MHD_USE_TLS;
	d = mhd.start_daemon(flags, 0, NULL, NULL, on_request, s,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, ss,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)AR_API_THREADS,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)AR_API_MAX_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)AR_API_TIMEOUT_SECONDS,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)AR_API_MAX_HEADER_BYTES * 2,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
			     tls->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls->cert,
			     MHD_OPTION_HTTPS_MEM_KEY, tls->key,
			     MHD_OPTION_END);
	if (!d)
		ar_fail(e, AR_EENV, NULL, "cannot listen: %s", strerror(errno ? errno : EINVAL));
	return d;
}

/* Waits for SIGTERM or SIGINT; SIGHUP re-reads the secret. */
static void wait_for_stop(server *s, const char *dir, const sigset_t *signals)
{
	int sig = 0;
	ar_err e;

	while (sigwait(signals, &sig) == 0 && sig == SIGHUP) {
		uint8_t digest[32];

		if (apikey_load(dir, digest, &e) != AR_OK) {
			ar_err_print(PROGRAM ": serve", &e);
			fprintf(stderr, PROGRAM ": serve: SIGHUP: kept the secret it had\n");
			continue;
		}
		pthread_mutex_lock(&s->secret_lock);
		memcpy(s->secret_digest, digest, sizeof digest);
		pthread_mutex_unlock(&s->secret_lock);
		sodium_memzero(digest, sizeof digest);
		fprintf(stderr, PROGRAM ": serve: SIGHUP: read the API secret again\n");
	}
	fprintf(stderr, PROGRAM ": serve: %s: no new connections; finishing %d request(s)\n",
		strsignal(sig), atomic_load(&s->in_flight));
}

static void drain(struct MHD_Daemon *d, server *s)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	int i, fd = mhd.quiesce_daemon(d);

	if (fd >= 0)
		close(fd);
	for (i = 0; i < AR_API_DRAIN_SECONDS * 50 && atomic_load(&s->in_flight) > 0; i++)
		nanosleep(&pause, NULL);
	mhd.stop_daemon(d);
}

int cmd_serve_run(const registrar_opts *o, ar_err *e)
{
	const char *dir = registrar_data_dir(o);
	const char *listen_on = o->listen ? o->listen : AR_API_LISTEN_DEFAULT;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	tls_files tls = { 0 };
	server s;
	sigset_t signals;
	int rc;

	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.secret_lock, NULL);
	pthread_mutex_init(&s.write_lock, NULL);
	rc = parse_listen(listen_on, &ss, e);
	if (rc == AR_OK)
		rc = mhd_load(e);
	if (rc == AR_OK)
		rc = load_tls(o, &tls, e);
	if (rc == AR_OK && !tls.cert && !is_loopback(&ss))
		rc = ar_fail(e, AR_EUSAGE, NULL, "--listen %s is not a loopback address: HTTPS only "
			     "(give --tls-cert and --tls-key)", listen_on);
	s.secret_digest = sodium_malloc(32);
	if (rc == AR_OK && !s.secret_digest)
		rc = ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (rc == AR_OK)
		rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = apikey_load(dir, s.secret_digest, e);
	if (rc == AR_OK)
		rc = registrar_load_issuer(o, &s.issuer, e);
	if (rc == AR_OK)
		rc = open_pool(dir, &s.pool, e);
	/* The pool's threads inherit this mask: the signals come to sigwait() only. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	s.scheme = tls.cert ? "https" : "http";
	if (rc == AR_OK && !(d = start(&s, &ss, &tls, e)))
		rc = e->status;
	if (rc == AR_OK) {
		info = mhd.get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
		/* the port chosen when --listen said 0: scripts read it here */
		fprintf(stderr, PROGRAM ": serve: listening on %s://%.*s:%u (%d threads, data %s)\n",
			s.scheme, (int)(strrchr(listen_on, ':') - listen_on), listen_on,
			info ? info->port : 0, AR_API_THREADS, dir);
		wait_for_stop(&s, dir, &signals);
		drain(d, &s);
		fprintf(stderr, PROGRAM ": serve: stopped after %ld requests; database closed\n",
			atomic_load(&s.served));
	}
	close_pool(&s.pool);
	ar_keypair_free(&s.issuer);
	if (s.secret_digest)
		sodium_free(s.secret_digest);
	free_tls(&tls);
	pthread_mutex_destroy(&s.secret_lock);
	pthread_mutex_destroy(&s.write_lock);
	return rc;
}
