/* SPDX-License-Identifier: Apache-2.0 */
/* One request to `registrar serve` and its answer: libcurl with TLS checked as the flags
 * say (never turned off unless a pinned key replaces the CA check), no redirect, the
 * standard proxy variables, the answer capped, then read with jansson as strictly as a file. */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

typedef struct {
	char *data;
	size_t len, cap;
	int too_large;
} answer_buf;

static size_t take(char *ptr, size_t size, size_t n, void *userdata)
{
	answer_buf *b = userdata;
	size_t len = size * n;

	if (len > AR_CONNECT_MAX_ANSWER_BYTES - b->len) {
		b->too_large = 1;
		return 0; /* libcurl stops: CURLE_WRITE_ERROR */
	}
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 16384;
		char *grown;

		while (cap < b->len + len + 1)
			cap *= 2;
		grown = realloc(b->data, cap);
		if (!grown)
			return 0;
		b->data = grown;
		b->cap = cap;
	}
	memcpy(b->data + b->len, ptr, len);
	b->len += len;
	b->data[b->len] = '\0';
	return len;
}

const char *http_reason(long status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 409: return "Conflict";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return status >= 300 && status < 400 ? "Redirect (not followed)" : "Unexpected";
	}
}

/* TLS: the CA file or the system's store, host name checked; a pin alone replaces that
 * check (a self-signed certificate); a pin with a CA file adds to it. TLS 1.2 at least. */
static void set_tls(CURL *h, const http_client *c)
{
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* that CA alone: libcurl's built-in CA directory (/etc/ssl/certs) would trust the rest */
	if (c->ca_file) {
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
		curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	}
	if (c->pin)
		curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pin);
	if (c->pin && !c->ca_file) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static CURL *prepare(const http_client *c, const char *method, const char *url,
		     struct curl_slist *headers, const char *body, answer_buf *b, char *errbuf)
{
	CURL *h = curl_easy_init();

	if (!h)
		return NULL;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_USERAGENT, PROGRAM "/" AR_VERSION);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, b);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	} else if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	}
	/* the secret in clear goes to this machine only, never to a proxy the environment names */
	if (c->plain)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	else
		set_tls(h, c);
	return h;
}

/* What went wrong before an answer came, in the operator's words (exit 5). */
static int transport_error(const http_client *c, CURLcode rc, const answer_buf *b,
			   const char *errbuf, ar_err *e)
{
	const char *why = *errbuf ? errbuf : curl_easy_strerror(rc);

	switch (rc) {
	case CURLE_WRITE_ERROR:
		if (b->too_large)
			return ar_fail(e, AR_EENV, c->base, "the answer is larger than %u bytes: "
				       "refused (not a registrar's answer)",
				       AR_CONNECT_MAX_ANSWER_BYTES);
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return ar_fail(e, AR_EENV, c->base, "TLS: the server's public key is not the one "
			       "pinned (--pin %s): nothing sent", c->pin);
	case CURLE_PEER_FAILED_VERIFICATION:
		return ar_fail(e, AR_EENV, c->base, "TLS: the server's certificate is not trusted "
			       "(%s; %s): nothing sent", why, c->ca_file ? "checked against --ca-file"
			       : "checked against the system's CA store: give --ca-file or --pin");
	case CURLE_SSL_CACERT_BADFILE:
		return ar_fail(e, AR_EENV, c->ca_file, "cannot be read as PEM certificates (%s)", why);
	case CURLE_SSL_CONNECT_ERROR:
		return ar_fail(e, AR_EENV, c->base, "TLS handshake failed (%s): nothing sent", why);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		return ar_fail(e, AR_EENV, c->base, "cannot connect (%s): is registrar serve "
			       "running there, and reachable?", why);
	case CURLE_OPERATION_TIMEDOUT:
		return ar_fail(e, AR_EENV, c->base, "no answer within %ld seconds (--timeout)",
			       c->timeout);
	default:
		return ar_fail(e, AR_EENV, c->base, "no answer: %s", why);
	}
}

/* The answer's JSON: one object, no duplicate member, within the cap (an empty body: none) */
static int parse_body(const answer_buf *b, const char *label, json_t **out, ar_err *e)
{
	json_error_t jerr;

	*out = NULL;
	if (b->len == 0)
		return AR_OK;
	*out = json_loadb(b->data, b->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return ar_fail(e, AR_EENV, label, "the answer is not a JSON object (%s): not a "
			       "registrar's answer", *jerr.text && b->len ? jerr.text : "an array or value");
	}
	return AR_OK;
}

/* An ARM error: 4 for what the registrar refused, 5 for authentication and the rest. */
static int arm_error(const http_client *c, long status, json_t *body, const char *label,
		     ar_err *e)
{
	json_t *err = json_object_get(body, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *msg = json_string_value(json_object_get(err, "message"));
	int refused = status == 400 || status == 404 || status == 409 || status == 412 ||
		      status == 413;

	if (status >= 300 && status < 400)
		return ar_fail(e, AR_EENV, label, "%ld %s: is --registrar the base URL of "
			       "registrar serve?", status, http_reason(status));
	if (!code || !msg)
		return ar_fail(e, AR_EENV, label, "%ld %s, with no ARM error: not a registrar's "
			       "answer (is --registrar the base URL of registrar serve?)", status,
			       http_reason(status));
	if (status == 404 && strcmp(code, "NotFound") == 0)
		return ar_fail(e, AR_EENV, label, "%ld %s: %s (is --registrar the base URL of "
			       "registrar serve, without a path it does not have?)", status, code, msg);
	if (status == 401 || status == 403)
		return ar_fail(e, AR_EENV, label, "%ld %s: %s (--api-secret %s is not the "
			       "registrar's api.secret: copy it again)", status, code, msg,
			       c->secret_file);
	if (!refused)
		ar_fail(e, AR_EENV, label, "%ld %s: %s", status, code, msg);
	else
		ar_fail(e, AR_EINPUT, label, "%ld %s: %s", status, code, msg);
	return ar_err_code(e, code);
}

static int perform(http_client *c, const char *method, const char *url, const char *label,
		   const char *body, const long *ok, http_answer *a, ar_err *e)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	answer_buf b = { 0 };
	struct curl_slist *headers = NULL, *n;
	CURL *h = NULL;
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	int status;

	headers = curl_slist_append(headers, c->authorization);
	if (headers && body)
		headers = curl_slist_append(headers, "Content-Type: application/json");
	if (headers)
		headers = curl_slist_append(headers, "Accept: application/json");
	/* no "Expect: 100-continue" wait before a body */
	if (headers)
		headers = curl_slist_append(headers, "Expect:");
	if (headers)
		h = prepare(c, method, url, headers, body, &b, errbuf);
	if (h)
		rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a->status);
	while (rc == CURLE_OK && *ok && *ok != a->status)
		ok++;
	status = rc == CURLE_OUT_OF_MEMORY && !h ? ar_fail(e, AR_EINTERNAL, NULL, "out of memory")
		: rc != CURLE_OK ? transport_error(c, rc, &b, errbuf, e)
		: *ok ? parse_body(&b, label, &a->body, e)
		: (parse_body(&b, label, &a->body, e), arm_error(c, a->status, a->body, label, e));
	for (n = headers; n; n = n->next) /* libcurl's copy of the secret */
		sodium_memzero(n->data, strlen(n->data));
	curl_slist_free_all(headers);
	curl_easy_cleanup(h);
	free(b.data);
	return status;
}

int http_call(http_client *c, const char *method, const char *path, int absolute_path,
	      const char *label, json_t *request, const long *ok, http_answer *a, ar_err *e)
{
	char url[2 * AR_CONNECT_MAX_URL_CHARS];
	char *body = request ? json_dumps(request, JSON_COMPACT) : NULL;
	int rc;

	memset(a, 0, sizeof *a);
	if (request && !body)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	snprintf(url, sizeof url, "%s%s?api-version=%s", absolute_path ? c->base : c->prefix, path,
		 AR_CONNECT_API_VERSION);
	rc = perform(c, method, url, label, body, ok, a, e);
	free(body);
	if (rc != AR_OK)
		http_answer_free(a);
	return rc;
}

int http_registration(http_client *c, const char *method, const char *name, const char *action,
		      json_t *request, const long *ok, http_answer *a,
		      char label[HTTP_LABEL_CHARS], ar_err *e)
{
	char path[HTTP_LABEL_CHARS];

	snprintf(path, sizeof path, "/%s%s%s", name, action ? "/" : "", action ? action : "");
	snprintf(label, HTTP_LABEL_CHARS, "%s %s", method, path + 1);
	return http_call(c, method, path, 0, label, request, ok, a, e);
}

void http_answer_free(http_answer *a)
{
	json_decref(a->body);
	a->body = NULL;
}
