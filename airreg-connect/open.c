/* SPDX-License-Identifier: Apache-2.0 */
/* The client's set-up, every refusal before a byte is sent: the registrar's URL (HTTPS, or
 * plain HTTP to this machine only), the TLS flags, the path's names, the API secret. */
#include <arpa/inet.h>
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "codec.h"
#include "fileio.h"
#include "host.h"
#include "http.h"
#include "keys.h"
#include "text.h"

/* 127.0.0.0/8, ::1, localhost: a plain request to one of them never leaves the machine
 * (libcurl resolves "localhost" itself, never through DNS or /etc/hosts) */
static int is_loopback(const char *host)
{
	struct in_addr v4;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0)
		return 1;
	return inet_pton(AF_INET, host, &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

static int url_part(CURLU *u, CURLUPart part, char **out)
{
	*out = NULL;
	return curl_url_get(u, part, out, 0) == CURLUE_OK && *out;
}

/* libcurl's own parser says what the URL is; airreg decides what it may be. */
static int check_url_parts(CURLU *u, const char *url, int *plain, ar_err *e)
{
	char *scheme = NULL, *host = NULL, *other = NULL;
	int rc = AR_OK;

	if (!url_part(u, CURLUPART_SCHEME, &scheme) || !url_part(u, CURLUPART_HOST, &host))
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar \"%s\": not a URL "
			     "(https://HOST[:PORT][/PATH])", url);
	else if (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar \"%s\": %s: only https:// (or http:// "
			     "to this machine)", url, scheme);
	else if (strcmp(scheme, "http") == 0 && !is_loopback(host))
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar \"%s\": plain HTTP only to a loopback "
			     "address (127.0.0.1, [::1], localhost): use https:// (the API secret and "
			     "the key would cross the network in clear)", url);
	if (rc == AR_OK && (url_part(u, CURLUPART_USER, &other) ||
			    url_part(u, CURLUPART_PASSWORD, &other)))
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar: a URL holding a user name or password "
			     "is refused (the API secret comes from --api-secret FILE)");
	*plain = scheme && strcmp(scheme, "http") == 0;
	curl_free(other);
	curl_free(scheme);
	curl_free(host);
	return rc;
}

static int check_url(http_client *c, const char *url, ar_err *e)
{
	CURLU *u = curl_url();
	size_t len = strlen(url);
	int rc;

	if (!u)
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	if (len > AR_CONNECT_MAX_URL_CHARS / 2)
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar: longer than %u characters",
			     AR_CONNECT_MAX_URL_CHARS / 2);
	else if (strpbrk(url, "?#"))
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar \"%s\": no query or fragment: the "
			     "base URL only", url);
	else if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		rc = ar_fail(e, AR_EUSAGE, NULL, "--registrar \"%s\": not a URL "
			     "(https://HOST[:PORT][/PATH])", url);
	else
		rc = check_url_parts(u, url, &c->plain, e);
	curl_url_cleanup(u);
	while (len > 0 && url[len - 1] == '/')
		len--;
	if (rc == AR_OK)
		snprintf(c->base, sizeof c->base, "%.*s", (int)len, url);
	return rc;
}

/* sha256//BASE64: curl's form, one key (the base64 of a SHA-256) */
static int check_pin(const char *pin, ar_err *e)
{
	const char *b64 = pin + strlen(AR_CONNECT_PIN_PREFIX);
	unsigned char digest[32];
	size_t n = 0;

	if (strncmp(pin, AR_CONNECT_PIN_PREFIX, strlen(AR_CONNECT_PIN_PREFIX)) != 0 ||
	    strlen(b64) != AR_CONNECT_PIN_CHARS ||
	    sodium_base642bin(digest, sizeof digest, b64, strlen(b64), NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || n != sizeof digest)
		return ar_fail(e, AR_EUSAGE, NULL, "--pin \"%s\": not sha256//BASE64 (the base64 of "
			       "the SHA-256 of the certificate's public key: openssl x509 -pubkey "
			       "-noout -in CERT | openssl pkey -pubin -outform der | openssl dgst "
			       "-sha256 -binary | base64)", pin);
	return AR_OK;
}

/* {sub} a GUID, {rg} 1-90 of letters, digits and ._-(), {name} the registration rule:
 * the API's own, and none of them can change the path they go in */
static int check_names(const connect_opts *o, ar_err *e)
{
	size_t i, n = strlen(o->resource_group);
	char guid[AR_UUID_CHARS + 1];

	/* 8-4-4-4-12 hex digits in either case, as ARM's GUIDs */
	if (ar_uuid_normalize(o->subscription, guid) != 0)
		return ar_fail(e, AR_EUSAGE, NULL, "--subscription \"%s\": not a GUID",
			       o->subscription);
	for (i = 0; i < n && n <= 90; i++)
		if (!strchr("._-()", o->resource_group[i]) &&
		    !((o->resource_group[i] | 0x20) >= 'a' && (o->resource_group[i] | 0x20) <= 'z') &&
		    !(o->resource_group[i] >= '0' && o->resource_group[i] <= '9'))
			break;
	/* ARM's rule, and "." or ".." would be a dot segment libcurl takes out of the path */
	if (n == 0 || n > 90 || i < n || o->resource_group[n - 1] == '.')
		return ar_fail(e, AR_EUSAGE, NULL, "--resource-group \"%s\": 1 to 90 of letters, "
			       "digits and ._-(), not ending in '.'", o->resource_group);
	if (o->name && !ar_host_name_ok(o->name))
		return ar_fail(e, AR_EUSAGE, NULL, "--name \"%s\": 1 to %d of letters, digits, '.', "
			       "'_', '-', not starting with '.' or '-'", o->name,
			       AR_MAX_HOST_NAME_CHARS);
	return AR_OK;
}

/* The CA file is there and a file, found before the token is made, not at the handshake
 * (whether it holds certificates, libcurl says then) */
static int check_ca_file(const char *path, ar_err *e)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return ar_fail(e, AR_EENV, path, "--ca-file: cannot read: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return ar_fail(e, AR_EENV, path, "--ca-file: not a regular file (%s): give the "
			       "registrar's CA certificate, PEM", ar_file_kind(st.st_mode));
	if (access(path, R_OK) != 0)
		return ar_fail(e, AR_EENV, path, "--ca-file: cannot read: %s", strerror(errno));
	return AR_OK;
}

/* The registrar's api.secret, as a private key is read (0600, no link, the user's own);
 * every byte printable and no blank: it goes in a header. */
static int read_secret(http_client *c, const char *path, ar_err *e)
{
	static const char head[] = "Authorization: Bearer ";
	size_t cap = 4 * AR_API_SECRET_BYTES, len = 0, i;
	uint8_t *buf = sodium_malloc(cap);
	int rc;

	c->authorization = sodium_malloc(sizeof head + cap);
	if (!buf || !c->authorization) {
		sodium_free(buf);
		return ar_fail(e, AR_EINTERNAL, NULL, "out of memory");
	}
	rc = ar_read_secret_file(path, buf, cap, &len, e);
	if (rc == AR_EINPUT) /* larger than any secret: the key reader calls it input */
		rc = ar_fail(e, AR_EENV, path, "not an API secret (the registrar's api.secret: %d "
			     "or more printable characters on one line)", AR_API_SECRET_BYTES);
	while (rc == AR_OK && len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	for (i = 0; rc == AR_OK && i < len; i++)
		if (buf[i] <= ' ' || buf[i] >= 0x7f)
			break;
	if (rc == AR_OK && (len < AR_API_SECRET_BYTES || i < len))
		rc = ar_fail(e, AR_EENV, path, "not an API secret (the registrar's api.secret: %d "
			     "or more printable characters on one line)", AR_API_SECRET_BYTES);
	if (rc == AR_OK) {
		memcpy(c->authorization, head, sizeof head - 1);
		memcpy(c->authorization + sizeof head - 1, buf, len);
		c->authorization[sizeof head - 1 + len] = '\0';
	}
	sodium_free(buf);
	return rc;
}

int http_open(http_client *c, const connect_opts *o, ar_err *e)
{
	int rc;

	memset(c, 0, sizeof *c);
	c->ca_file = o->ca_file;
	c->pin = o->pin;
	c->timeout = o->timeout;
	c->secret_file = o->api_secret;
	rc = check_url(c, o->registrar, e);
	if (rc == AR_OK && o->pin)
		rc = check_pin(o->pin, e);
	if (rc == AR_OK && c->plain && (o->pin || o->ca_file))
		rc = ar_fail(e, AR_EUSAGE, NULL, "--%s: the registrar's URL is plain http://, "
			     "there is no certificate to check", o->pin ? "pin" : "ca-file");
	if (rc == AR_OK)
		rc = check_names(o, e);
	if (rc == AR_OK && o->ca_file)
		rc = check_ca_file(o->ca_file, e);
	if (rc == AR_OK)
		snprintf(c->prefix, sizeof c->prefix, "%s/subscriptions/%s/resourceGroups/%s/"
			 "providers/Microsoft.AzureStack/registrations", c->base, o->subscription,
			 o->resource_group);
	if (rc == AR_OK)
		rc = read_secret(c, o->api_secret, e);
	return rc;
}

void http_close(http_client *c)
{
	sodium_free(c->authorization); /* sodium_free wipes */
	c->authorization = NULL;
}
