/* SPDX-License-Identifier: Apache-2.0 */
/* make bench's in-process program: what bench.c shares with batches.c (the registrar's
 * batches as its database grows, on SQLite and PostgreSQL). */
#ifndef AIRREG_BENCH_H
#define AIRREG_BENCH_H

#include <jansson.h>

#include "err.h"
#include "keys.h"

extern long long now;       /* the time every token and key is made at */

double seconds(void);
void die(const char *what, const ar_err *e) __attribute__((noreturn));
void row(const char *what, const char *value, const char *target, const char *note);
json_t *hetero_hosts(int n);
char *token_of(json_t *h, const ar_keypair *stamp, const char *cloud_id);
char *make_token(int n_hosts, const ar_keypair *stamp, const char *cloud_id);
void registrar_batches(const char *work, const ar_keypair *issuer, int pg);

#endif
