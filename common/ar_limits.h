/* SPDX-License-Identifier: Apache-2.0 */
/* Every format constant and limit of airreg, in one place (see docs/spec.md "Limits"). */
#ifndef AIRREG_LIMITS_H
#define AIRREG_LIMITS_H

#define AR_VERSION "0.1.0"

/* Input caps: a token or key file is tiny; anything bigger is hostile. */
#define AR_MAX_FILE_BYTES      (64u * 1024u)
#define AR_MAX_INFLATED_BYTES  (1024u * 1024u)
#define AR_MAX_HOSTS           64
#define AR_CLOCK_SKEW_SECONDS  300
/* key-import status --warn-days N: 1 day to 10 years (the longest key a registrar issues) */
#define AR_WARN_DAYS_MIN       1
#define AR_WARN_DAYS_MAX       3650
/* A PEM key file is < 200 bytes; 4 KiB leaves room for comments. */
#define AR_MAX_KEY_FILE_BYTES  4096u
/* Longest text value taken from firmware or an operator (SMBIOS strings are < 256). */
#define AR_MAX_VALUE_CHARS     255
#define AR_MAX_HOST_NAME_CHARS 63
#define AR_MAX_AGREEMENT_CHARS 64
#define AR_MAX_ASSET_TAG_CHARS 64
/* What one host can have: a probe refuses a capture (or firmware) claiming more, and every
 * reader a host record claiming more. Chosen far above the largest machines made: a few
 * thousand cores in 32 to 256 sockets (Linux itself builds for at most 8,192 CPUs), tens of
 * TiB of memory in fewer than 1,000 DIMMs. */
#define AR_MAX_CPU_SOCKETS     1024
#define AR_MAX_CPU_CORES       65536
#define AR_MAX_CPU_THREADS     65536
/* 4 PiB: all that the 52-bit physical addresses of x86-64 and arm64 can reach */
#define AR_MAX_MEMORY_MIB      (1LL << 32)
/* installed SMBIOS type-17 memory devices */
#define AR_MAX_MEMORY_DEVICES  4096
/* A value as shown on a terminal (ar_text_shown): every value a file may hold fits
 * escaped (255 characters at 6 bytes); anything longer is cut and ends in "...". */
#define AR_MAX_SHOWN_BYTES     2048
/* Raw SMBIOS table from sysfs; SMBIOS 3 allows up to 4 GiB, real tables are < 64 KiB. */
#define AR_MAX_SMBIOS_BYTES    (1024u * 1024u)
#define AR_MAX_PROC_FILE_BYTES (4u * 1024u * 1024u)

/* JOSE */
#define AR_JWS_ALG             "EdDSA"
#define AR_JWK_KTY             "OKP"
#define AR_JWK_CRV             "Ed25519"
#define AR_ZIP_DEFLATE         "DEF"
#define AR_TYP_TOKEN           "airreg-registration-token"
#define AR_TYP_ACTIVATION_KEY  "airreg-activation-key"
#define AR_TYP_REMOVAL_RECEIPT "airreg-removal-receipt"
#define AR_TYP_REVOCATION_LIST "airreg-revocation-list"
/* A revocation list (common/revocation.c) is cumulative: it holds every revocation so far.
 * At these counts, every name at its longest, it is under 52 KiB, within AR_MAX_FILE_BYTES
 * with room for the QR parts' prefixes; registrar revoke refuses an entry past them. */
#define AR_REVOCATION_MAX_ISSUER_KEYS  64
#define AR_REVOCATION_MAX_ACTIVATIONS  200
/* the removal receipt's format (common/receipt.c): plain JSON claims, no zip; with every
 * claim at its longest it is under 1 KiB, so it always fits one QR code */
#define AR_RECEIPT_FORMAT_VERSION 1
/* The issuer's rotation statement (common/rotation.c): a JWS in the JSON serialization
 * (RFC 7515 7.2.1) with exactly two signatures, the old key's then the new key's; version 1
 * is the key `registrar init` made (no statement), so a statement's version is at least 2. A
 * statement is under 1 KiB: a chain of AR_MAX_ROTATIONS fits AR_MAX_FILE_BYTES. */
#define AR_TYP_ROTATION        "airreg-issuer-rotation"
#define AR_ROTATION_FIRST_VERSION 2
#define AR_ROTATION_MAX_VERSION (1LL << 31)
#define AR_MAX_ROTATIONS       64
/* a rotation's staged files (DATA_DIR/issuer.key.new, issuer.pub.new): renamed into place
 * once the database holds the new key; a token's key is named by issuer.pkcs11 */
#define AR_ROTATION_STAGE_SUFFIX ".new"
#define AR_ISSUER_PKCS11_FILE  "issuer.pkcs11"

/* What a file is from its first bytes (filekind.c): the PNG signature, a PEM armour line,
 * the scanner command an image is read with, and how much of a JWS header is looked at. */
#define AR_PNG_MAGIC           "\x89PNG\r\n\x1a\n"
#define AR_PNG_MAGIC_BYTES     8
#define AR_PEM_BEGIN           "-----BEGIN "
#define AR_PEM_DASHES          "-----"
#define AR_PEM_LABEL_MAX       64
#define AR_PEM_PUBLIC_LABEL    "PUBLIC KEY"
#define AR_PEM_PRIVATE_MARK    "PRIVATE KEY" /* PKCS#8, "EC …", "OPENSSH …", "ENCRYPTED …" */
#define AR_MAX_KIND_HEADER_CHARS 1024 /* base64url characters of a JWS header read for its typ */
#define AR_QR_SCAN_COMMAND     "zbarimg --raw -Sdisable -Sqrcode.enable"
#define AR_ED25519_PK_BYTES    32
#define AR_ED25519_SK_BYTES    64
#define AR_ED25519_SEED_BYTES  32
#define AR_ED25519_SIG_BYTES   64
#define AR_THUMBPRINT_CHARS    43   /* base64url of a SHA-256, unpadded */

/* Formats */
/* 2: hosts carry the identities as keyed digests (hostSalt); 1, still read: whole records */
#define AR_TOKEN_FORMAT_VERSION 2
#define AR_TOKEN_FORMAT_V1      1
#define AR_HOST_FORMAT_VERSION  1
#define AR_NONCE_BYTES          16
#define AR_UUID_CHARS           36
#define AR_SHA256_HEX_CHARS     64

/* The issuer's host-match policies (docs/spec.md, "Matching hosts"); a policy may also be a
 * count, 1 to AR_MAX_HOSTS. */
#define AR_HOST_MATCH_ALL      "all"
#define AR_HOST_MATCH_MOST     "most" /* more than half of the licensed hosts */
#define AR_HOST_MATCH_ANY      "any"

/* Billing models (docs/spec.md, token-gen create) */
#define AR_BILLING_CAPACITY    "Capacity"
#define AR_BILLING_DEVELOPMENT "Development"
#define AR_BILLING_CUSTOM      "Custom"

/* Keyed host identities in an activation key (docs/formats.md, "Activation key"): 64 bits
 * of HMAC-SHA256 keyed by the key's own 16-byte hostSalt (docs/security.md says why 64). */
#define AR_HOST_MATCH_DEFAULT  AR_HOST_MATCH_MOST
#define AR_HOST_SALT_BYTES     16
#define AR_HOST_SALT_CHARS     22   /* base64url of 16 bytes, unpadded */
#define AR_HOST_DIGEST_BYTES   8
#define AR_HOST_DIGEST_CHARS   11   /* base64url of 8 bytes, unpadded */
#define AR_HOST_DIGEST_CONTEXT "airreg-host-v1"

/* Stamp state directory (token-gen, key-import) */
#define AR_STATE_DIR_ENV       "AIRREG_STATE_DIR"
#define AR_STATE_DIR_DEFAULT   "/var/lib/airreg/stamp"
#define AR_STAMP_KEY_FILE      "stamp.key"
#define AR_STAMP_PUB_FILE      "stamp.pub"
#define AR_CLOUD_ID_FILE       "cloud-id"
#define AR_CLOUD_ID_MAX_BYTES  128 /* a UUID and a newline, with room for CRLF and spaces */
#define AR_LOCK_FILE           ".lock"

/* key-import's files in the stamp state directory */
#define AR_TRUST_DIR           "trusted"
/* The issuer's rotation statements and its latest revocation list: the names registrar
 * suggests for the files carried, looked for beside a key imported, and kept under
 * trusted/ once accepted. */
#define AR_ISSUER_CHAIN_FILE    "issuer-chain.json"
#define AR_REVOCATION_LIST_FILE "revocation-list.txt"
#define AR_ACTIVATION_FILE     "activation.json"
#define AR_SERIALS_FILE        "serials.json"
/* The trusted time (the latest iat key-import has imported): a clock behind it is refused. */
#define AR_TRUSTED_TIME_FILE   "trusted-time.json"
/* The last hardware check's verdict (key-import check, import --host): what status shows. */
#define AR_LAST_CHECK_FILE     "last-check.json"
/* The first key with a hardware policy imported here: a key without one is refused after. */
#define AR_POLICY_MARK_FILE    "hardware-policy.json"
/* The receipt of the last removal (key-import remove): kept so that `remove -o` can write it
 * again when the first copy was lost; the next removal replaces it. */
#define AR_REMOVAL_RECEIPT_FILE "removal-receipt.txt"
/* A receipt is under 1 KiB (AR_RECEIPT_FORMAT_VERSION's note); a kept one is read with room. */
#define AR_RECEIPT_MAX_BYTES   4096
#define AR_RESOURCE_VERSION    1

/* QR transfer: byte mode, error correction level M (a screen photographed at an
 * angle loses modules). A text bigger than one version-40 code is split into
 * numbered parts "airreg:I/N:TAG:TEXT", which readers join in any order. */
#define AR_QR_BYTES_PER_CODE   2331 /* ISO/IEC 18004 table 7: version 40-M, byte mode */
#define AR_QR_PART_PREFIX      "airreg:"
/* Each part names its drawing, "airreg:I/N:TAG:SHARE": TAG is the first 8 hex digits of the
 * SHA-256 of the whole text (the hash the writer prints), so parts of two drawings are told
 * apart before they are joined. */
#define AR_QR_TAG_CHARS        8
#define AR_QR_MAX_PARTS        64   /* 64 KiB file cap / ~2,300 bytes a part < 30 */
#define AR_QR_ZBAR_PREFIX      "QR-Code:" /* what zbarimg prints before each code */
#define AR_QR_MODULE_PIXELS    4
#define AR_QR_QUIET_MODULES    4    /* the margin the standard requires around a code */

/* Registrar data directory */
#define AR_DATA_DIR_ENV        "AIRREG_DATA_DIR"
#define AR_DATA_DIR_DEFAULT    "/var/lib/airreg/registrar"
#define AR_ISSUER_KEY_FILE     "issuer.key"
#define AR_ISSUER_PUB_FILE     "issuer.pub"
/* An issuer key kept in a PKCS#11 token (init --pkcs11, issue 19): DATA_DIR/issuer.pkcs11
 * holds its RFC 7512 URI, one line, never a PIN; the PIN comes from the URI's pin-source
 * file or this variable. A URI naming neither object= nor id= means this label. */
#define AR_ISSUER_PKCS11_FILE  "issuer.pkcs11"
#define AR_PKCS11_PIN_ENV      "AIRREG_PKCS11_PIN"
#define AR_PKCS11_LABEL_DEFAULT "airreg-issuer"
#define AR_PKCS11_URI_MAX      4096 /* bytes of issuer.pkcs11 and of --pkcs11 */
#define AR_PKCS11_PIN_MAX      256  /* bytes of a PIN (a pin-source file, the variable) */
#define AR_DATABASE_FILE       "registrar.db"
/* Another database than DATA_DIR/registrar.db (issue 20): --database or this variable, a
 * postgresql:// URL or a SQLite file's path; init --database URL records the URL in
 * DATA_DIR/database, one line, for the verbs after it. */
#define AR_DATABASE_ENV        "AIRREG_DATABASE"
#define AR_DATABASE_URL_FILE   "database"
#define AR_DATABASE_TARGET_MAX 1024 /* bytes of a URL or path */
/* libpq's connect_timeout (seconds) where the URL sets none: a server that is down is
 * said to be so, not waited on for the system's TCP timeout. */
#define AR_PG_CONNECT_TIMEOUT  "10"
#define AR_MAX_NAME_CHARS      63   /* registration names: as host names */
/* A token carried for longer than this is stale: its hosts may have changed. */
#define AR_TOKEN_MAX_AGE_DAYS  30
#define AR_KEY_VALID_DAYS_DEFAULT 365
#define AR_KEY_VALID_DAYS_MAX  3650
/* registrar list --expiring-within DAYS: 0 to the longest a key can be valid (a key issued
 * today expires within it) */
#define AR_EXPIRING_WITHIN_DAYS_MAX AR_KEY_VALID_DAYS_MAX
/* Durations shown to an operator (common/when.c): from this many days on, whole days alone
 * ("365 days"); below it, days and hours ("2 days 3 hours"). */
#define AR_SPAN_DAYS_ALONE     10
/* Tenants a registration maps and a key carries: the largest key (64 hosts, every name and
 * value at its longest) with 320 is 62,912 bytes, within the 64 KiB the stamp reads with room
 * for the QR parts' prefixes; fixed, so a renewal with more hosts never strands a mapping. */
#define AR_MAX_TENANTS         320
/* Serials: 1 to 2^53 (exact in a JSON double). */
#define AR_MAX_SERIAL          (1LL << 53)
/* The last second of year 9999: every time a file carries (RFC 3339 has four-digit years). */
#define AR_MAX_TIMESTAMP       253402300799LL
/* Issuer keys `key-import trust list` shows (a stamp trusts one or two). */
#define AR_MAX_TRUSTED_KEYS    256
#define AR_DB_BUSY_TIMEOUT_MS  10000

/* registrar serve: Microsoft.AzureStack's published ARM API (registrations,
 * customerSubscriptions) on the registrations of the CLI, over HTTP(S). The api-versions
 * Azure/azure-rest-api-specs publishes for it, oldest first; AR_API_VERSION is the one the
 * examples use (Microsoft's SDK's own). */
#define AR_API_VERSION         "2017-06-01"
#define AR_API_VERSIONS        { "2016-01-01", "2017-06-01", "2020-06-01-preview", "2022-06-01" }
#define AR_API_VERSION_LIST    "2016-01-01, 2017-06-01, 2020-06-01-preview, 2022-06-01"
#define AR_API_VERSION_PREVIEW "2020-06-01-preview"  /* its resources carry systemData */
/* the resource group of the ids that a list by subscription shows (the registrations are
 * one set whatever group a path names): the reference's default, Set-AzsRegistration's */
#define AR_API_DEFAULT_GROUP   "azurestack"
/* a registration's etag: this many hex digits of the SHA-256 of its representation */
#define AR_API_ETAG_HEX        32
/* If-Match / If-None-Match: at most this many entity tags, each of at most 64 characters */
#define AR_API_MAX_ETAGS       16
#define AR_API_SECRET_FILE     "api.secret"  /* the bearer secret, 0600 */
#define AR_API_SECRET_BYTES    32            /* random bytes; the file holds their base64url */
#define AR_API_LISTEN_DEFAULT  "127.0.0.1:8080"
/* --public-url: "https://HOST[:PORT]", what clients are told to follow (nextLink) */
#define AR_API_MAX_ORIGIN_CHARS 255
/* GnuTLS priorities for --tls-cert: TLS 1.2 and 1.3 only, forward-secret key exchange
 * (ECDHE, DHE) and AEAD suites only; no CBC, no SHA-1 MACs, no static RSA. */
#define AR_API_TLS_PRIORITIES  "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:" \
	"+AES-256-GCM:+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:" \
	"+ECDHE-RSA:+DHE-RSA:%SERVER_PRECEDENCE"
#define AR_API_THREADS         4             /* one SQLite connection each */
#define AR_API_MAX_CONNECTIONS 64
#define AR_API_TIMEOUT_SECONDS 10            /* a client idle this long is dropped */
#define AR_API_MAX_BODY_BYTES  (64u * 1024u) /* a token is < 64 KiB, so is its request */
/* libmicrohttpd's memory a connection: the request line and headers must fit (else 431) */
#define AR_API_CONNECTION_MEMORY_BYTES (32u * 1024u)
/* a chunked body past AR_API_MAX_BODY_BYTES is read and dropped (413) up to this, then the
 * connection is closed */
#define AR_API_MAX_DROPPED_BYTES (16u * AR_API_MAX_BODY_BYTES)
#define AR_API_PAGE_DEFAULT    100           /* customerSubscriptions per page ($top) */
#define AR_API_PAGE_MAX        1000
#define AR_API_DRAIN_SECONDS   10            /* in-flight requests finish within this at stop */


/* airreg-connect (issue 22): the stamp's client of `registrar serve` */
#define AR_CONNECT_API_VERSION  "2022-06-01"
/* the largest answer read: a registration of 64 hosts or a key (< 64 KiB) in JSON fits */
#define AR_CONNECT_MAX_ANSWER_BYTES (256u * 1024u)
#define AR_CONNECT_TIMEOUT_DEFAULT 30  /* seconds, to connect and for a whole request */
#define AR_CONNECT_TIMEOUT_MAX  600
/* register with nothing changed renews anyway this close to the expiry */
#define AR_CONNECT_RENEW_DAYS   30
#define AR_CONNECT_PIN_PREFIX   "sha256//"
#define AR_CONNECT_PIN_CHARS    44   /* base64 (padded) of a SHA-256 */
#define AR_CONNECT_MAX_URL_CHARS 1024
/* what GET operations lists of an airreg registrar that takes removal receipts */
#define AR_CONNECT_DEACTIVATE_OP "Microsoft.AzureStack/registrations/deactivate/action"

#endif
