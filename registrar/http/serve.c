/* SPDX-License-Identifier: Apache-2.0 */
/* `registrar serve`: the API over HTTP(S) with libmicrohttpd. A pool of threads, one
 * SQLite connection each; a bearer secret; one access-log line per request; SIGTERM or
 * SIGINT lets the requests in flight finish, then closes the database; SIGHUP re-reads
 * the secret. */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "keys.h"
#include "apikey.h"
#include "commands.h"
#include "datadir.h"
#include "fileio.h"
#include "serve.h"
#include "store.h"
#include "text.h"

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

/* --public-url: "http(s)://HOST[:PORT]" and nothing after it (a trailing / aside). */
static int public_url(const char *url, char *out, size_t cap, ar_err *e)
{
	size_t n = url ? strlen(url) : 0, skip = 0, i;

	if (url && strncmp(url, "https://", 8) == 0)
		skip = 8;
	else if (url && strncmp(url, "http://", 7) == 0)
		skip = 7;
	if (n > 0 && url[n - 1] == '/')
		n--;
	for (i = skip; skip && i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]",
			    url[i]))
			break;
	if (!skip || n == skip || i < n || n >= cap)
		return ar_fail(e, AR_EUSAGE, NULL, "--public-url \"%.64s\": give http(s)://HOST[:PORT] "
			       "as clients reach this server, with no path", url ? url : "");
	memcpy(out, url, n);
	out[n] = '\0';
	return AR_OK;
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
	if (ar_read_secret_file(o->tls_key, (uint8_t *)t->key, AR_MAX_KEY_FILE_BYTES, &len, e) !=
	    AR_OK)
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

/* rc, or the first connection's failure to close when rc is AR_OK. */
static int close_pool(db_pool *p, int rc, ar_err *e)
{
	size_t i;

	for (i = 0; i <= AR_API_THREADS; i++)
		rc = store_close(p->db[i], rc, e);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	return rc;
}

/* The listening socket, bound here rather than by libmicrohttpd: its port (chosen by the
 * kernel when --listen says 0) is then known before any thread starts, so the origin the
 * threads read is written once, before them (written after, it was a data race). */
static int listen_socket(const struct sockaddr_storage *ss, unsigned *port, ar_err *e)
{
	struct sockaddr_storage bound;
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						 : sizeof(struct sockaddr_in);
	int on = 1, err, fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0 &&
	    bind(fd, (const struct sockaddr *)ss, len) == 0 && listen(fd, SOMAXCONN) == 0 &&
	    getsockname(fd, (struct sockaddr *)&bound, &len) == 0) {
		*port = ntohs(bound.ss_family == AF_INET6
				      ? ((struct sockaddr_in6 *)(void *)&bound)->sin6_port
				      : ((struct sockaddr_in *)(void *)&bound)->sin_port);
		return fd;
	}
	err = errno;
	if (fd >= 0)
		close(fd);
	ar_fail(e, AR_EENV, NULL, "cannot listen: %s", strerror(err));
	return -1;
}

static struct MHD_Daemon *start(server *s, int fd, int ipv6, const tls_files *tls, ar_err *e)
{
	/* poll(), not epoll: libmicrohttpd 0.9.75's edge-triggered epoll loop kept a
	 * connection whose last data and FIN came in one read until the 10 s timeout
	 * (a client that left mid-body held a slot and the drain). */
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	struct MHD_Daemon *d;

	if (ipv6)
		flags |= MHD_USE_IPv6;
	if (tls->cert)
		flags |= MHD_USE_TLS;
	d = mhd.start_daemon(flags, 0, NULL, NULL, serve_on_request, s,
			     MHD_OPTION_EXTERNAL_LOGGER, serve_log, NULL,
			     MHD_OPTION_LISTEN_SOCKET, fd,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)AR_API_THREADS,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)AR_API_MAX_CONNECTIONS,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)AR_API_TIMEOUT_SECONDS,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)AR_API_CONNECTION_MEMORY_BYTES,
			     MHD_OPTION_NOTIFY_COMPLETED, serve_on_completed, s,
			     MHD_OPTION_UNESCAPE_CALLBACK, serve_unescape, NULL,
			     tls->cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, tls->cert,
			     MHD_OPTION_HTTPS_MEM_KEY, tls->key,
			     MHD_OPTION_HTTPS_PRIORITIES, AR_API_TLS_PRIORITIES,
			     MHD_OPTION_END);
	if (!d) /* fd is left to the exit: libmicrohttpd may have closed it already */
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
	tls_files tls = { 0 };
	unsigned port = 0;
	char database[4096];
	int url = 0;
	int fd = -1;
	server s;
	sigset_t signals;
	int rc;

	memset(&s, 0, sizeof s);
	pthread_mutex_init(&s.secret_lock, NULL);
	pthread_mutex_init(&s.write_lock, NULL);
	rc = parse_listen(listen_on, &ss, e);
	if (rc == AR_OK && o->public_url)
		rc = public_url(o->public_url, s.origin, sizeof s.origin, e);
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
		rc = store_require(dir, e);
	if (rc == AR_OK)
		rc = ar_prepare_private_dir(dir, 0, e);
	if (rc == AR_OK)
		rc = apikey_load(dir, s.secret_digest, e);
	if (rc == AR_OK)
		rc = registrar_issuer_open(o, &s.issuer, e);
	if (rc == AR_OK)
		rc = store_target(dir, database, sizeof database, &url, e);
	if (rc == AR_OK)
		rc = open_pool(dir, &s.pool, e);
	/* The pool's threads inherit this mask: the signals come to sigwait() only. */
	sigemptyset(&signals);
	sigaddset(&signals, SIGINT);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	s.scheme = tls.cert ? "https" : "http";
	if (rc == AR_OK && (fd = listen_socket(&ss, &port, e)) < 0)
		rc = e->status;
	if (rc == AR_OK && !o->public_url)
		snprintf(s.origin, sizeof s.origin, "%s://%.*s:%u", s.scheme,
			 (int)(strrchr(listen_on, ':') - listen_on), listen_on, port);
	if (rc == AR_OK && !(d = start(&s, fd, ss.ss_family == AF_INET6, &tls, e)))
		rc = e->status;
	if (rc == AR_OK) {
		/* the port chosen when --listen said 0: scripts read it here */
		fprintf(stderr, PROGRAM ": serve: listening on %s://%.*s:%u (%d threads, data %s, "
			"database %s; links name %s)\n", s.scheme,
			(int)(strrchr(listen_on, ':') - listen_on), listen_on, port, AR_API_THREADS,
			ar_text_shown(dir), ar_text_shown(database), ar_text_shown(s.origin));
		wait_for_stop(&s, dir, &signals);
		drain(d, &s);
	}
	/* the pool's connections, whether or not the server started */
	rc = close_pool(&s.pool, rc, e);
	if (d && rc == AR_OK)
		fprintf(stderr, PROGRAM ": serve: stopped after %ld requests; database closed\n",
			atomic_load(&s.served));
	registrar_issuer_close(s.issuer);
	if (s.secret_digest)
		sodium_free(s.secret_digest);
	free_tls(&tls);
	pthread_mutex_destroy(&s.secret_lock);
	pthread_mutex_destroy(&s.write_lock);
	return rc;
}

