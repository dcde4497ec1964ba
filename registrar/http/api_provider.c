/* SPDX-License-Identifier: Apache-2.0 */
/* The provider's own routes: its operation list (what a role definition can name), and the
 * published routes that only a stamp connected to Azure can use, refused by name. */
#include <string.h>

#include "api_internal.h"

#define PROVIDER_NAME "Azure Stack Resource Provider"
#define REGISTRATION_NAME "Azure Stack Registration"
#define SUBSCRIPTION_NAME "Azure Stack Customer Subscription"

/* The entries of Microsoft's published list (examples/Operation/List.json) for what this
 * server does, with their display strings; products, cloud manifests and register/action
 * are left out, as this server does not do them. */
static const struct {
	const char *name, *resource, *operation, *description;
} operations[] = {
	{ "Microsoft.AzureStack/registrations/read", REGISTRATION_NAME,
	  "Get Azure Stack Registration", "Gets the properties of an Azure Stack registration" },
	{ "Microsoft.AzureStack/registrations/write", REGISTRATION_NAME,
	  "Create Azure Stack Registration", "Creates or updates an Azure Stack registration" },
	{ "Microsoft.AzureStack/registrations/delete", REGISTRATION_NAME,
	  "Delete Azure Stack Registration", "Deletes an Azure Stack registration" },
	{ "Microsoft.AzureStack/registrations/getActivationKey/action", REGISTRATION_NAME,
	  "Get Azure Stack Activation Key", "Gets the latest Azure Stack activation key" },
	/* airreg's own action, not in Microsoft's list: a role can grant or deny it */
	{ "Microsoft.AzureStack/registrations/deactivate/action", REGISTRATION_NAME,
	  "Deactivate Azure Stack Registration",
	  "Ends an Azure Stack registration with the stamp's signed removal receipt" },
	{ "Microsoft.AzureStack/registrations/customerSubscriptions/read", SUBSCRIPTION_NAME,
	  "Get Azure Stack Customer Subscription",
	  "Gets the properties of an Azure Stack Customer Subscription" },
	{ "Microsoft.AzureStack/registrations/customerSubscriptions/write", SUBSCRIPTION_NAME,
	  "Create Azure Stack Customer Subscription",
	  "Creates or updates an Azure Stack Customer Subscription" },
	{ "Microsoft.AzureStack/registrations/customerSubscriptions/delete", SUBSCRIPTION_NAME,
	  "Delete Azure Stack Customer Subscription", "Deletes an Azure Stack Customer Subscription" },
	{ "Microsoft.AzureStack/operations/read", "Operations",
	  "Read Resource Provider Operations", "Lists the operations of this resource provider" },
};

void api_operations(const route *rt, const api_request *rq, api_response *rs)
{
	json_t *value = json_array();
	size_t i;

	(void)rt;
	if (strcmp(rq->method, "GET") != 0) {
		rs->allow = "GET";
		api_error(rs, 405, "MethodNotAllowed", "this resource does not take that method");
		json_decref(value);
		return;
	}
	for (i = 0; i < sizeof operations / sizeof operations[0]; i++)
		json_array_append_new(value, json_pack("{s:s, s:{s:s, s:s, s:s, s:s}, s:s}",
						       "name", operations[i].name, "display",
						       "provider", PROVIDER_NAME,
						       "resource", operations[i].resource,
						       "operation", operations[i].operation,
						       "description", operations[i].description,
						       "origin", "user,system"));
	api_reply(rs, 200, json_pack("{s:o}", "value", value));
}

void api_offline(const route *rt, api_response *rs)
{
	api_error(rs, 501, "NotSupportedOffline", rt->offline);
}
