/* SPDX-License-Identifier: Apache-2.0 */
/* libpq, loaded only when a database is a postgresql:// URL: linked in, it and what it
 * links (GSSAPI, LDAP, its own TLS) cost every registrar command 4.7 MiB at start-up
 * (register 10.1 MiB, over the 8 MiB target; the bench, issue 20), on SQLite too. */
#ifndef REGISTRAR_PQ_H
#define REGISTRAR_PQ_H

#include <libpq-fe.h>

#include "err.h"

struct pq_api {
	__typeof__(PQclear) *clear;
	__typeof__(PQcmdStatus) *cmdStatus;
	__typeof__(PQcmdTuples) *cmdTuples;
	__typeof__(PQconnectdbParams) *connectdbParams;
	__typeof__(PQconninfoFree) *conninfoFree;
	__typeof__(PQconninfoParse) *conninfoParse;
	__typeof__(PQerrorMessage) *errorMessage;
	__typeof__(PQexec) *exec;
	__typeof__(PQexecPrepared) *execPrepared;
	__typeof__(PQfinish) *finish;
	__typeof__(PQfreemem) *freemem;
	__typeof__(PQgetisnull) *getisnull;
	__typeof__(PQgetvalue) *getvalue;
	__typeof__(PQnfields) *nfields;
	__typeof__(PQntuples) *ntuples;
	__typeof__(PQprepare) *prepare;
	__typeof__(PQreset) *reset;
	__typeof__(PQresultErrorField) *resultErrorField;
	__typeof__(PQresultStatus) *resultStatus;
	__typeof__(PQsetNoticeProcessor) *setNoticeProcessor;
	__typeof__(PQstatus) *status;
	__typeof__(PQtransactionStatus) *transactionStatus;
};

extern struct pq_api pq;

/* Loads the library (its SONAME, AR_PQ_SONAME, comes from the build) into `pq`, once;
 * AR_EENV naming the Debian package when it is not installed. */
int pq_load(ar_err *e);

#endif
