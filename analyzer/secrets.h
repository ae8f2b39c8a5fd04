/*
 * secrets.h - AWS credentials written into a scanned file, reported and
 * never echoed.
 *
 * Two shapes are found in the raw text of any document, whether or not
 * it parses as a policy:
 *
 *   access key id      AKIA or ASIA, then 16 of [A-Z0-9], not inside a
 *                      longer word:          "AKIAIOSFODNN7EXAMPLE"
 *   secret access key  40 of [A-Za-z0-9/+], the value of a key whose
 *                      name, lower-cased without '_', '-' and '.', holds
 *                      "secretaccesskey" or is "awssecretkey":
 *                        aws_secret_access_key = wJalr...EXAMPLEKEY
 *                        "SecretAccessKey": "wJalr...EXAMPLEKEY"
 *                      (between name and value: an optional closing
 *                      quote, blanks, one ':' or '=', blanks, an optional
 *                      opening quote).
 *
 * Each is an ACCESS_KEY_ID or SECRET_ACCESS_KEY error at its span; the
 * message says what was found, not the text. Then every diagnostic of the
 * document (from `first` on: the loader's, the builder's, the linter's
 * and these) has each credential found masked in its message and source
 * line, and any access-key-id shape masked in its message, so that no
 * report format and no source excerpt shows it:
 *
 *   p.json:5:17: error: AWS access key id in the file [ACCESS_KEY_ID]
 *         "Sid": "AKIA****************",
 *                ^~~~~~~~~~~~~~~~~~~~
 *
 * A mask keeps the prefix of a key id (AKIA or ASIA, which says what kind
 * of key it is) and replaces every other character with '*', byte for
 * byte, so that columns and carets stay where they were.
 */
#ifndef IAMP_SECRETS_H
#define IAMP_SECRETS_H

#include <stddef.h>

struct iamp_diags;
struct iamp_document;

/* Reports the credentials in `doc` and masks them in diags->items[first..].
 * Returns the number of credentials found. */
size_t iamp_secrets_check(const struct iamp_document *doc, struct iamp_diags *diags,
			  size_t first);

/* Masks in place every access-key-id shape of `s` (NUL-terminated). */
void iamp_secrets_mask_key_ids(char *s);

#endif
