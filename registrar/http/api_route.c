/* SPDX-License-Identifier: Apache-2.0 */
/* Which resource a request names: its api-version, and its path matched against the routes
 * Microsoft.AzureStack publishes (Azure/azure-rest-api-specs), the names in it checked. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api_internal.h"
#include "ar_limits.h"
#include "codec.h"
#include "host.h"

#define MAX_SEGMENTS 12
#define PROVIDER "providers/Microsoft.AzureStack/"
#define IN_GROUP "subscriptions/*/resourceGroups/*/" PROVIDER
#define REGISTRATION IN_GROUP "registrations/*/"

/* What a disconnected registrar cannot do, said so (501), rather than a bare 404. */
#define NO_MARKETPLACE "marketplace products are Azure's, syndicated to connected stamps; " \
	"this registrar is disconnected (bring items with the offline marketplace tool)"
#define NO_MANIFEST "cloud manifest files are Azure's, for connected stamps; this registrar " \
	"is disconnected"
#define NO_LINKING "linked subscriptions tie a stamp to Azure; this registrar is disconnected"

static const struct {
	const char *pattern;  /* the path's segments; '*' any one, fixed ones in any case */
	route_kind kind;
	const char *offline;  /* ROUTE_OFFLINE: why */
} routes[] = {
	{ PROVIDER "operations", ROUTE_OPERATIONS, NULL },
	{ PROVIDER "cloudManifestFiles", ROUTE_OFFLINE, NO_MANIFEST },
	{ PROVIDER "cloudManifestFiles/*", ROUTE_OFFLINE, NO_MANIFEST },
	{ "subscriptions/*/" PROVIDER "registrations", ROUTE_REGISTRATIONS_ALL, NULL },
	{ "subscriptions/*/" PROVIDER "linkedSubscriptions", ROUTE_OFFLINE, NO_LINKING },
	{ "subscriptions/*/" PROVIDER "generateDeploymentLicense", ROUTE_OFFLINE,
	  "deployment licenses are Azure's, for connected deployments; this registrar is "
	  "disconnected" },
	{ IN_GROUP "linkedSubscriptions", ROUTE_OFFLINE, NO_LINKING },
	{ IN_GROUP "linkedSubscriptions/*", ROUTE_OFFLINE, NO_LINKING },
	{ IN_GROUP "registrations", ROUTE_REGISTRATIONS, NULL },
	{ IN_GROUP "registrations/*", ROUTE_REGISTRATION, NULL },
	{ REGISTRATION "getactivationkey", ROUTE_ACTIVATION_KEY, NULL },
	{ REGISTRATION "deactivate", ROUTE_DEACTIVATE, NULL },
	{ REGISTRATION "enableRemoteManagement", ROUTE_OFFLINE,
	  "remote management needs a stamp connected to Azure; this registrar is disconnected" },
	{ REGISTRATION "products", ROUTE_OFFLINE, NO_MARKETPLACE },
	{ REGISTRATION "products/*", ROUTE_OFFLINE, NO_MARKETPLACE },
	{ REGISTRATION "products/*/*", ROUTE_OFFLINE, NO_MARKETPLACE },
	{ REGISTRATION "customerSubscriptions", ROUTE_SUBSCRIPTIONS, NULL },
	{ REGISTRATION "customerSubscriptions/*", ROUTE_SUBSCRIPTION, NULL },
};

/* The canonical spelling of a published api-version (ARM takes any case), or NULL. */
const char *api_version_known(const char *asked)
{
	static const char *const known[] = AR_API_VERSIONS;
	size_t i;

	for (i = 0; asked && i < sizeof known / sizeof known[0]; i++)
		if (strcasecmp(asked, known[i]) == 0)
			return known[i];
	return NULL;
}

static int matches(const char *pattern, char *const *seg, size_t n)
{
	char word[64];
	size_t i = 0, len;

	while (*pattern) {
		len = strcspn(pattern, "/");
		if (i == n || len >= sizeof word)
			return 0;
		memcpy(word, pattern, len);
		word[len] = '\0';
		/* ARM's fixed segments are case-insensitive */
		if (strcmp(word, "*") != 0 && strcasecmp(word, seg[i]) != 0)
			return 0;
		i++;
		pattern += len + (pattern[len] == '/');
	}
	return i == n;
}

/* Resource group names: 1 to 90 of letters, digits, '.', '_', '-', '(', ')', not ending in '.'. */
static int group_name_ok(const char *g)
{
	size_t n = strlen(g);

	return n > 0 && n <= 90 && g[n - 1] != '.' &&
	       strspn(g, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-()") == n;
}

/* The names the path holds, each checked; ids are built from the canonical forms. */
static int check_names(char *const *seg, size_t n, route *rt, api_response *rs)
{
	char sub[37];
	int grouped = n > 3 && strcasecmp(seg[2], "resourceGroups") == 0;

	if (strcasecmp(seg[0], "subscriptions") != 0)
		return 0;  /* /providers/...: no names */
	if (ar_uuid_normalize(seg[1], sub) != 0) {
		api_error(rs, 400, "InvalidSubscriptionId", "the subscription is not a GUID");
		return -1;
	}
	if (grouped && !group_name_ok(seg[3])) {
		api_error(rs, 400, "InvalidResourceGroup", "resource group names are 1 to 90 "
			  "letters, digits, '.', '_', '-', '(' or ')'");
		return -1;
	}
	snprintf(rt->base, sizeof rt->base, "/subscriptions/%s/resourceGroups/%s/providers/"
		 "Microsoft.AzureStack/registrations", sub, grouped ? seg[3] : AR_API_DEFAULT_GROUP);
	rt->name = grouped && n >= 8 && rt->kind != ROUTE_OFFLINE ? seg[7] : NULL;
	if (rt->name && !ar_host_name_ok(rt->name)) {
		api_error(rs, 400, "InvalidResourceName", "registration names are 1 to 63 letters, "
			  "digits, '.', '_' or '-', not starting with '.' or '-'");
		return -1;
	}
	/* GUIDs in any case, as ARM takes them; stored and shown in lower case */
	if (rt->kind == ROUTE_SUBSCRIPTION && ar_uuid_normalize(seg[9], rt->sub_id) != 0) {
		api_error(rs, 400, "InvalidCustomerSubscriptionId",
			  "customer subscription IDs are GUIDs");
		return -1;
	}
	return 0;
}

int api_parse_route(char *path, route *rt, api_response *rs)
{
	char *seg[MAX_SEGMENTS], *save = NULL, *p;
	size_t n = 0, i;

	memset(rt, 0, sizeof *rt);
	for (p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == MAX_SEGMENTS)
			break;
		seg[n++] = p;
	}
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (n < MAX_SEGMENTS && matches(routes[i].pattern, seg, n))
			break;
	if (i == sizeof routes / sizeof routes[0]) {
		api_error(rs, 404, "NotFound", "no such resource (see docs/api.md for the routes)");
		return -1;
	}
	rt->kind = routes[i].kind;
	rt->offline = routes[i].offline;
	return check_names(seg, n, rt, rs);
}
