/* SPDX-License-Identifier: Apache-2.0 */
/* Safe file I/O: bounded reads, "-" for stdin/stdout, atomic replacement, locks. */
#ifndef AIRREG_FILEIO_H
#define AIRREG_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"

/* Reads a whole file, or stdin when path is "-", refusing more than cap bytes
 * (a regular file is refused by its size before any byte is read).
 * *data is malloc'd with one extra NUL byte. */
int ar_read_input(const char *path, size_t cap, uint8_t **data, size_t *len, ar_err *e);
/* Reads an open descriptor to its end, as ar_read_input() does (the caller has checked what
 * it is: probe's capture reader opens its files beneath a root). */
int ar_read_fd(int fd, size_t cap, uint8_t **data, size_t *len, const char *where, ar_err *e);
/* fsync()s the directory holding path, so that a rename or link in it is durable. */
int ar_sync_dir(const char *path);
/* A file of our own state directory: never "-", never through a symbolic link,
 * regular files only; every failure is AR_EENV (the state is damaged, not an input). */
int ar_read_state_file(const char *path, size_t cap, uint8_t **data, size_t *len, ar_err *e);

/* Reads a text file carried across the gap and returns the one token it holds:
 * a UTF-8 BOM, CR/LF, spaces, tabs and line wraps are dropped. Anything else
 * outside printable ASCII is refused. */
int ar_read_compact_text(const char *path, size_t cap, char **text, size_t *len, ar_err *e);
/* The same, on bytes already in memory (modified in place). */
int ar_compact_text(uint8_t *data, size_t *len, const char *where, ar_err *e);

enum ar_write_flags {
	AR_WRITE_SECRET = 1,    /* mode 0600 instead of 0644 */
	AR_WRITE_NO_CLOBBER = 2, /* refuse when the file exists */
	AR_WRITE_STATE = 4       /* a file of our own directory: a regular file or none */
};
/* Writes data to stdout when path is "-", else replaces the file atomically:
 * a temp file created O_EXCL|O_NOFOLLOW in the same directory, fsync, rename
 * (or link, with AR_WRITE_NO_CLOBBER), fsync of the directory. On any error the
 * old file, if any, is untouched and no temp file is left. A symbolic link is
 * replaced, never written through. An existing character device or FIFO is written
 * to, never replaced (-o /dev/null discards), with or without AR_WRITE_NO_CLOBBER;
 * any other kind of file (a directory, a socket, a block device) is refused, and
 * with AR_WRITE_STATE so is a device or a FIFO. */
int ar_write_output(const char *path, const void *data, size_t len, int flags, ar_err *e);

/* Refuses, before anything is done, an output (path may be NULL or "-") that
 * ar_write_output() would refuse for its kind: a directory, a socket, a block device. */
int ar_check_output(const char *path, ar_err *e);

/* Creates dir (mode 0700) when missing; refuses it when it is not a directory,
 * is owned by another user than the effective one, or is writable by group or others. */
int ar_prepare_private_dir(const char *dir, int create, ar_err *e);

/* An exclusive advisory lock on DIR/.lock; release with ar_unlock(). */
int ar_lock_dir(const char *dir, int *lock_fd, ar_err *e);
void ar_unlock(int lock_fd);

/* snprintf into a path buffer, refusing truncation. */
int ar_join_path(char *out, size_t cap, const char *dir, const char *name, ar_err *e);

/* 0 only when path is absent (ENOENT): one that cannot be looked at (permission) is
 * not called absent, so that no caller makes, or advises making, what may be there;
 * reading it then says why it cannot (ar_path_present() in reach.h says it at once). */
int ar_file_exists(const char *path);

/* "-" is stdin for inputs and stdout for outputs: the one test of it (path may be NULL),
 * and its names in messages. */
int ar_is_stdio(const char *path);
const char *ar_file_kind(mode_t mode);
const char *ar_input_name(const char *path);
const char *ar_output_name(const char *path);
/* A list of input files (--host ...) reads standard input at most once: the second "-"
 * would read nothing. AR_EUSAGE naming the flag. */
int ar_stdin_once(const char *const *paths, size_t n, const char *flag, ar_err *e);
/* Where a program's status lines go: stderr when its data goes to stdout. */
FILE *ar_report_stream(const char *output);
/* "HEX  NAME": the SHA-256 line `sha256sum` prints, to compare across the gap. */
void ar_report_sha256(FILE *out, const void *data, size_t len, const char *name);
/* The same line, the SHA-256 already computed (64 hex characters). */
void ar_report_sha256_hex(FILE *out, const char *hex, const char *name);
/* The option, else the environment variable, else the default. */
const char *ar_choose_dir(const char *option, const char *env_name, const char *fallback);
/* AR_EUSAGE when the option is given empty, or (no option) the variable is set but empty:
 * an unset variable in a script, which would otherwise mean the default directory. */
int ar_check_dir_choice(const char *option, const char *flag, const char *env_name, ar_err *e);

#endif
