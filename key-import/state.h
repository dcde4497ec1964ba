/* SPDX-License-Identifier: Apache-2.0 */
/* key-import's files in the stamp state directory: the activation resource and
 * the serial high-water marks, both replaced atomically under the directory lock. */
#ifndef KEYIMPORT_STATE_H
#define KEYIMPORT_STATE_H

#include <jansson.h>

#include "err.h"

/* The activation resource, or NULL (AR_OK) when there is none. */
int state_read_resource(const char *state_dir, json_t **resource, ar_err *e);
int state_write_resource(const char *state_dir, json_t *resource, ar_err *e);
int state_remove_resource(const char *state_dir, ar_err *e);

/* The last hardware check's verdict (last-check.json), or NULL (AR_OK) when none has run. */
int state_read_last_check(const char *state_dir, json_t **verdict, ar_err *e);
int state_write_last_check(const char *state_dir, json_t *verdict, ar_err *e);

/* The first key with a hardware policy imported on this stamp ({"registration", "serial"}),
 * or NULL: never one. An activation holding a policy counts too (imported before the mark
 * existed, or a crash between the writes). The mark is kept after remove and never lowered;
 * state_set_policy_mark writes it only when there is none. */
int state_policy_mark(const char *state_dir, json_t **mark, ar_err *e);
int state_set_policy_mark(const char *state_dir, const char *registration, long long serial,
			  ar_err *e);

/* The highest serial ever imported for a registration (0: none); it counts the
 * resource on disk too, so a crash between the two writes cannot lower it. */
int state_high_water(const char *state_dir, const char *registration, long long *serial,
		     ar_err *e);
int state_raise_high_water(const char *state_dir, const char *registration, long long serial,
			   ar_err *e);

/* The trusted time: the latest `iat` of the keys this stamp has imported, whatever the
 * registration (0: none), the latest time the issuer has vouched for. The local clock is
 * never part of it: a clock set forward at one import cannot raise it. It counts the
 * resource on disk too, as the high-water mark does, and is kept after remove. */
int state_trusted_time(const char *state_dir, long long *trusted, ar_err *e);
int state_raise_trusted_time(const char *state_dir, long long issued, ar_err *e);

/* A field of the resource or a mark, as shown: 0, or "-", when absent (doc may be NULL). */
long long state_field_int(json_t *doc, const char *key);
const char *state_field_text(json_t *doc, const char *key);

#endif
