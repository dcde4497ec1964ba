/* SPDX-License-Identifier: Apache-2.0 */
/* registrar serve, one request: who asks (the secret), how much it sends (the cap),
 * the answer from api.c on a pooled connection, and its line in the log. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "apikey.h"
#include "codec.h"
#include "commands.h"
#include "serve.h"
#include "text.h"

typedef struct {
	struct timespec start;
	char method[16], path[512];
	char id[37];        /* x-ms-request-id: the answer and its log line name it */
	uint8_t *body;
	size_t body_len;
	size_t dropped;     /* bytes of a chunked body past the cap, read and dropped */
	unsigned status;
	size_t sent;
	int answered;
} request;

static store *pool_take(db_pool *p, size_t *slot)
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


/* The request's words as the log shows them: the one rule of common/text.c, and a
 * space escaped too, so each stays one field of the line. */
static void log_safe(char *out, size_t cap, const char *in)
{
	ar_text_escape(out, cap, in, AR_ESCAPE_SPACE);
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

void serve_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			enum MHD_RequestTerminationCode why)
{
	server *s = cls;
	request *rq = *con_cls;
	char client[INET6_ADDRSTRLEN];

	if (!rq)
		return;
	client_address(c, client, sizeof client);
	/* One line a request; never the headers (the secret) or the body. */
	fprintf(stderr, PROGRAM ": serve: %s %s %s %u %zu bytes %.1f ms request %s%s\n", client,
		rq->method, rq->path, rq->status, rq->sent, ms_since(&rq->start), rq->id,
		why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed)");
	free(rq->body);
	free(rq);
	*con_cls = NULL;
	atomic_fetch_sub(&s->in_flight, 1);
	atomic_fetch_add(&s->served, 1);
}

/* The client's own request id, given back as ARM gives it; only a GUID (it is the
 * client's text, and a header line). */
static void echo_client_id(struct MHD_Connection *c, struct MHD_Response *r)
{
	const char *h = mhd.lookup_connection_value(c, MHD_HEADER_KIND, "x-ms-client-request-id");
	char guid[37];

	if (h && ar_uuid_normalize(h, guid) == 0)
		mhd.add_response_header(r, "x-ms-client-request-id", guid);
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
	mhd.add_response_header(r, "x-ms-request-id", rq->id);
	echo_client_id(c, r);
	if (rs->etag[0])
		mhd.add_response_header(r, MHD_HTTP_HEADER_ETAG, rs->etag);
	if (rs->allow)
		mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW, rs->allow);
	if (rs->status == 401)
		mhd.add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (rs->close)
		mhd.add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
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
	/* what follows a request whose framing is in doubt may be another request */
	rs.close = status == 400;
	return send_response(c, rq, &rs);
}

static int hex_value(char h)
{
	if (h >= '0' && h <= '9')
		return h - '0';
	if (h >= 'a' && h <= 'f')
		return h - 'a' + 10;
	if (h >= 'A' && h <= 'F')
		return h - 'A' + 10;
	return -1;
}

size_t serve_unescape(void *cls, struct MHD_Connection *c, char *text)
{
	char *in = text, *out = text;

	(void)cls;
	(void)c;
	for (; *in; in++) {
		int hi = in[0] == '%' ? hex_value(in[1]) : -1;
		int lo = hi >= 0 ? hex_value(in[2]) : -1;
		int byte = hi * 16 + lo;

		/* %00 would cut the path short and %2F make one segment two: kept as they
		 * are, they are refused whole (begin_request) */
		if (lo < 0 || byte == 0 || byte == '/' || byte == '%') {
			*out++ = *in;
			continue;
		}
		*out++ = (char)byte;
		in += 2;
	}
	*out = '\0';
	return (size_t)(out - text);
}

typedef struct {
	unsigned lengths, encodings;
} framing;

static enum MHD_Result count_framing(void *cls, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	framing *f = cls;

	(void)kind;
	(void)value;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->lengths++;
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->encodings++;
	return MHD_YES;
}

/* RFC 9112 6.3: a body's length must be unambiguous, or the request is refused and the
 * connection closed (else the rest of a body could run as a second, smuggled request). */
static int framing_ok(struct MHD_Connection *c, const char *length)
{
	framing f = { 0, 0 };
	size_t n = length ? strlen(length) : 0;

	mhd.get_connection_values(c, MHD_HEADER_KIND, count_framing, &f);
	if (f.lengths > 1 || (f.lengths && f.encodings))
		return 0;
	return !length || (n > 0 && n <= 20 && strspn(length, "0123456789") == n);
}

typedef struct {
	const char *name;
	char *joined;  /* malloc'd; NULL when absent */
	int failed;    /* out of memory */
} header_list;

static enum MHD_Result join_header(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	header_list *h = cls;
	size_t had = h->joined ? strlen(h->joined) : 0, n = value ? strlen(value) : 0;
	char *more;

	(void)kind;
	if (strcasecmp(key, h->name) != 0)
		return MHD_YES;
	if (!(more = realloc(h->joined, had + n + 3))) {
		h->failed = 1;
		return MHD_NO;
	}
	snprintf(more + had, n + 3, "%s%s", h->joined ? ", " : "", value ? value : "");
	h->joined = more;
	return MHD_YES;
}

/* A list header as RFC 9110 5.3 reads one sent on several lines: joined with ", ". The
 * first line alone (lookup_connection_value) would let a client or a proxy that splits
 * If-None-Match: "A" / If-None-Match: "B" write over B unseen. 0, or -1 out of memory. */
static int list_header(struct MHD_Connection *c, const char *name, char **out)
{
	header_list h = { name, NULL, 0 };

	mhd.get_connection_values(c, MHD_HEADER_KIND, join_header, &h);
	*out = h.joined;
	return h.failed ? -1 : 0;
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
static enum MHD_Result begin_request(server *s, struct MHD_Connection *c, request *rq,
				      const char *url)
{
	const char *length = mhd.lookup_connection_value(c, MHD_HEADER_KIND,
							 MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end = NULL;

	if (!framing_ok(c, length))
		return refuse_now(c, rq, 400, "InvalidRequestFraming",
				  "one Content-Length of digits, or Transfer-Encoding, not both "
				  "(RFC 9112 6.3)");
	/* kept encoded by unescape(): no route or name holds a NUL, a / or a % */
	if (strchr(url, '%'))
		return refuse_now(c, rq, 400, "InvalidPath",
				  "a path segment holds an encoded NUL, / or %");
	if (!authorized(s, c))
		return refuse_now(c, rq, 401, "AuthenticationFailed",
				  "every request needs Authorization: Bearer SECRET (the content "
				  "of " AR_API_SECRET_FILE " in the data directory)");
	/* Refused before a byte of it is read. */
	if (length && strtoull(length, &end, 10) > AR_API_MAX_BODY_BYTES)
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
		return rq->dropped > AR_API_MAX_DROPPED_BYTES ? MHD_NO : MHD_YES;
	}
	if (!rq->body && !(rq->body = malloc(AR_API_MAX_BODY_BYTES)))
		return MHD_NO;
	memcpy(rq->body + rq->body_len, data, n);
	rq->body_len += n;
	return MHD_YES;
}

static enum MHD_Result answer(server *s, struct MHD_Connection *c, request *rq, const char *url)
{
	api_request in = { 0 };
	api_response out = { 0 };
	char *if_match = NULL, *if_none_match = NULL;
	size_t slot;
	store *db;
	int writer;
	ar_err failure;

	in.method = rq->method;
	in.path = url;  /* as MHD decoded it */
	in.api_version = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "api-version");
	in.top = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "$top");
	in.skip_token = mhd.lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "$skipToken");
	if (list_header(c, MHD_HTTP_HEADER_IF_MATCH, &if_match) != 0 ||
	    list_header(c, MHD_HTTP_HEADER_IF_NONE_MATCH, &if_none_match) != 0) {
		free(if_match);
		free(if_none_match);
		return refuse_now(c, rq, 503, "ServiceUnavailable", "out of memory");
	}
	in.if_match = if_match;
	in.if_none_match = if_none_match;
	in.origin = s->origin;
	in.body = rq->body;
	in.body_len = rq->body_len;
	/* Writers queue here rather than in SQLite's busy handler, whose sleeps of up to
	 * 100 ms made the slowest writes take over a second under load. Readers (WAL)
	 * go on beside them. */
	writer = strcmp(rq->method, "GET") != 0;
	if (writer)
		pthread_mutex_lock(&s->write_lock);
	db = pool_take(&s->pool, &slot);
	api_handle(db, registrar_issuer_signer(s->issuer), &in, &out);
	/* a read that failed (a connection lost, a busy database) may have been answered as
	 * no such thing: it is the database's failure, 503 */
	if (store_failure(db, AR_OK, &failure) != AR_OK)
		api_refuse(&out, &failure, "InvalidRequestContent");
	pool_give(&s->pool, slot);
	if (writer)
		pthread_mutex_unlock(&s->write_lock);
	free(if_match);
	free(if_none_match);
	return send_response(c, rq, &out);
}

enum MHD_Result serve_on_request(void *cls, struct MHD_Connection *c, const char *url,
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
		ar_uuid_random(rq->id);
		log_safe(rq->method, sizeof rq->method, method);
		log_safe(rq->path, sizeof rq->path, url);
		*con_cls = rq;
		atomic_fetch_add(&s->in_flight, 1);
		return begin_request(s, c, rq, url);
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

void serve_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t n;

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	fprintf(stderr, PROGRAM ": serve: libmicrohttpd: %s\n", ar_text_shown(line));
}
