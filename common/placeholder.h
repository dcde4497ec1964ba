/* SPDX-License-Identifier: Apache-2.0 */
/* Firmware values that say nothing: templates vendors forgot to fill in. */
#ifndef AIRREG_PLACEHOLDER_H
#define AIRREG_PLACEHOLDER_H

#include <stddef.h>
#include <stdint.h>

/* Cleans a raw firmware string: trims white space, replaces control bytes and
 * invalid UTF-8 with '?', caps the length. Returns a malloc'd string, or NULL
 * when nothing is left or the value is a known placeholder. */
char *hw_clean_value(const char *raw);

/* 1 when text (already trimmed) is a known placeholder ("To Be Filled By O.E.M.", "0000").
 * The registrar leaves such a serial out of a key: an operator's --serial is not cleaned. */
int hw_is_placeholder_text(const char *text);
/* Why a UUID cannot identify a machine, or NULL when it can. Takes the
 * canonical lowercase text. */
const char *hw_uuid_placeholder_reason(const char *uuid);
/* 1 when the raw SMBIOS bytes are AMI's template with half its bytes overwritten:
 * unique enough to use, but worth a warning. */
int hw_uuid_is_partial_template(const uint8_t raw[16]);

#endif
