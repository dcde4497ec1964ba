/* SPDX-License-Identifier: Apache-2.0 */
/* Loading libmicrohttpd at run time, for `registrar serve` only (see mhd.h). */
#include <dlfcn.h>

#include "mhd.h"

#ifndef AR_MHD_SONAME
#error "AR_MHD_SONAME: the Makefile reads it from the installed libmicrohttpd"
#endif

struct mhd_api mhd;

int mhd_load(ar_err *e)
{
	static const struct {
		const char *name;
		void **slot;
	} symbols[] = {
		{ "MHD_start_daemon", (void **)&mhd.start_daemon },
		{ "MHD_stop_daemon", (void **)&mhd.stop_daemon },
		{ "MHD_quiesce_daemon", (void **)&mhd.quiesce_daemon },
		{ "MHD_get_daemon_info", (void **)&mhd.get_daemon_info },
		{ "MHD_get_connection_info", (void **)&mhd.get_connection_info },
		{ "MHD_lookup_connection_value", (void **)&mhd.lookup_connection_value },
		{ "MHD_get_connection_values", (void **)&mhd.get_connection_values },
		{ "MHD_create_response_from_buffer", (void **)&mhd.create_response_from_buffer },
		{ "MHD_add_response_header", (void **)&mhd.add_response_header },
		{ "MHD_queue_response", (void **)&mhd.queue_response },
		{ "MHD_destroy_response", (void **)&mhd.destroy_response },
	};
	void *lib = dlopen(AR_MHD_SONAME, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib)
		return ar_fail(e, AR_EENV, NULL, "serve needs %s (Debian: libmicrohttpd12): %s",
			       AR_MHD_SONAME, dlerror());
	for (i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
		if (!(*symbols[i].slot = dlsym(lib, symbols[i].name)))
			return ar_fail(e, AR_EENV, NULL, "%s lacks %s", AR_MHD_SONAME,
				       symbols[i].name);
	/* never dlclose()d: its threads and memory live until exit */
	return AR_OK;
}
