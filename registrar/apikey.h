/* SPDX-License-Identifier: Apache-2.0 */
/* The bearer secret of `registrar serve`. */
#ifndef REGISTRAR_APIKEY_H
#define REGISTRAR_APIKEY_H

#include <stddef.h>
#include <stdint.h>

#include "commands.h"
#include "err.h"

/* Writes a new random secret to DIR/api.secret, 0600; replace = 0 refuses an existing one. */
int apikey_write(const char *dir, int replace, ar_err *e);
/* Reads DIR/api.secret (refused when a link or readable by others) and keeps only
 * its SHA-256 in digest. */
int apikey_load(const char *dir, uint8_t digest[32], ar_err *e);
/* Whether presented is the secret, in time independent of what was presented. */
int apikey_matches(const uint8_t digest[32], const char *presented, size_t len);

#endif
