/* SPDX-License-Identifier: Apache-2.0 */
/* Loading libpq at run time, for a PostgreSQL database only (see pq.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "pq.h"

#ifndef AR_PQ_SONAME
#error "AR_PQ_SONAME: the Makefile reads it from the installed libpq"
#endif

struct pq_api pq;

static pthread_once_t once = PTHREAD_ONCE_INIT;
/* what failed to load: the library (dlerror's words), or the symbol it lacks */
static char failure[512];
static const char *missing;

static void load(void)
{
	static const struct {
		const char *name;
		void **slot;
	} symbols[] = {
		{ "PQclear", (void **)&pq.clear },
		{ "PQcmdStatus", (void **)&pq.cmdStatus },
		{ "PQcmdTuples", (void **)&pq.cmdTuples },
		{ "PQconnectdbParams", (void **)&pq.connectdbParams },
		{ "PQconninfoFree", (void **)&pq.conninfoFree },
		{ "PQconninfoParse", (void **)&pq.conninfoParse },
		{ "PQerrorMessage", (void **)&pq.errorMessage },
		{ "PQexec", (void **)&pq.exec },
		{ "PQexecPrepared", (void **)&pq.execPrepared },
		{ "PQfinish", (void **)&pq.finish },
		{ "PQfreemem", (void **)&pq.freemem },
		{ "PQgetisnull", (void **)&pq.getisnull },
		{ "PQgetvalue", (void **)&pq.getvalue },
		{ "PQnfields", (void **)&pq.nfields },
		{ "PQntuples", (void **)&pq.ntuples },
		{ "PQprepare", (void **)&pq.prepare },
		{ "PQreset", (void **)&pq.reset },
		{ "PQresultErrorField", (void **)&pq.resultErrorField },
		{ "PQresultStatus", (void **)&pq.resultStatus },
		{ "PQsetNoticeProcessor", (void **)&pq.setNoticeProcessor },
		{ "PQstatus", (void **)&pq.status },
		{ "PQtransactionStatus", (void **)&pq.transactionStatus },
	};
	void *lib = dlopen(AR_PQ_SONAME, RTLD_NOW | RTLD_LOCAL);
	size_t i;

	if (!lib) {
		snprintf(failure, sizeof failure, "%s", dlerror());
		return;
	}
	for (i = 0; i < sizeof symbols / sizeof symbols[0]; i++)
		if (!(*symbols[i].slot = dlsym(lib, symbols[i].name))) {
			missing = symbols[i].name;
			return;
		}
	/* never dlclose()d: its connections live until exit */
}

int pq_load(ar_err *e)
{
	pthread_once(&once, load);
	if (failure[0])
		return ar_fail(e, AR_EENV, NULL, "a postgresql:// database needs %s (Debian: "
			       "libpq5): %s", AR_PQ_SONAME, failure);
	if (missing)
		return ar_fail(e, AR_EENV, NULL, "%s lacks %s", AR_PQ_SONAME, missing);
	return AR_OK;
}
