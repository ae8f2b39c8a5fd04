/*
 * report_internal.h - what report.c shares with the other writers of the
 * library (report_html.c): reading UTF-8 as the loader counts it and the
 * caret line under a source line. Not part of the public API.
 */
#ifndef IAMP_REPORT_INTERNAL_H
#define IAMP_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "span.h"

/* The code point at s[0..n) (n >= 1) into *cp, returning its length;
 * an ill-formed byte is U+FFFD of length 1. */
size_t iamp_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);
/* C0 and C1 controls and DEL, tab excepted. */
bool iamp_is_control(uint32_t cp);
/* The length of `line` without its line terminator. */
size_t iamp_report_line_length(const char *line);
/* The caret line under line[0..n) for `span` ('^', then '~' to the end
 * column; tabs kept), newline included: only tabs, spaces, '^', '~'. */
void iamp_report_caret(FILE *out, const char *line, size_t n, const struct iamp_span *span,
		       bool color);

struct iamp_diags;
struct iamp_report_opts;
struct iamp_report_property;
struct iamp_report_proof;

/* report_html.c: the HTML forms of iamp_report_write and
 * iamp_report_proofs (report.h). Return IAMP_OK or IAMP_ENOMEM. */
int iamp_report_html_diags(FILE *out, const struct iamp_diags *diags,
			   const struct iamp_report_opts *opts);
int iamp_report_html_proofs(FILE *out, const struct iamp_report_property *props, size_t nprops,
			    const struct iamp_report_proof *proofs, size_t nproofs,
			    const struct iamp_report_opts *opts);

#endif
