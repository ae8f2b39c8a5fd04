/*
 * report_exempt.c - the escapes and exemptions of a counterexample
 * (exempt.h) in words and as JSON, for prove's text, Markdown, JSON and
 * HTML outputs.
 */
#include <stdio.h>
#include <string.h>

#include "eval.h"
#include "exempt.h"
#include "report.h"

#define SHOWN_VALUES 3

static void text(FILE *out, const char *s, size_t n)
{
	iamp_text_string(out, s, n);
}

static void where(FILE *out, const struct iamp_exemption *e)
{
	fputs("Deny ", out);
	text(out, e->policy_name, strlen(e->policy_name));
	fprintf(out, ":%u:%u", e->stmt->span.start.line, e->stmt->span.start.col);
	if (e->stmt->has_sid) {
		fputs(" (", out);
		text(out, e->stmt->sid.text, e->stmt->sid.len);
		fputc(')', out);
	}
}

/* OP KEY [v1, v2, v3, ...] */
static void condition(FILE *out, const struct iamp_condition *c)
{
	text(out, c->op_name.text, c->op_name.len);
	fputc(' ', out);
	text(out, c->key.text, c->key.len);
	fputs(" [", out);
	for (size_t i = 0; i < c->value_count && i < SHOWN_VALUES; i++) {
		fputs(i ? ", " : "", out);
		text(out, c->values[i].text.text, c->values[i].text.len);
	}
	if (c->value_count > SHOWN_VALUES)
		fprintf(out, ", and %zu more", c->value_count - SHOWN_VALUES);
	fputc(']', out);
}

static void write_text(FILE *out, const struct iamp_exemptions *x, const char *indent)
{
	for (size_t i = 0; i < x->count; i++) {
		const struct iamp_exemption *e = &x->items[i];

		fputs(indent, out);
		if (x->kind == IAMP_EXEMPT_ESCAPES) {
			fputs("escapes ", out);
			where(out, e);
			fputs(" through its condition ", out);
			condition(out, e->cond);
			fputs(": the request ", out);
			if (e->value_absent) {
				fputs("has no ", out);
				text(out, e->cond->key.text, e->cond->key.len);
			} else {
				fputs("has ", out);
				text(out, e->value, strlen(e->value));
			}
			fputs("; without that condition the Deny denies it\n", out);
		} else {
			fputs("exemption: in ", out);
			where(out, e);
			fputs(", ", out);
			if (e->cond) {
				fputs("add ", out);
				text(out, e->value, strlen(e->value));
				fputs(" to ", out);
				condition(out, e->cond);
			} else {
				fputs("add the condition ArnNotLike aws:PrincipalArn [", out);
				text(out, e->value, strlen(e->value));
				fputc(']', out);
			}
			fputc('\n', out);
		}
	}
	if (x->kind == IAMP_EXEMPT_NEEDED && x->count) {
		fputs(indent, out);
		if (x->after == IAMP_DECISION_ALLOWED)
			fprintf(out, "with %s, the request is allowed\n",
				x->count > 1 ? "every exemption" : "the exemption");
		else
			fprintf(out, "with %s, the request is still %s: an Allow is missing too\n",
				x->count > 1 ? "every exemption" : "the exemption",
				iamp_decision_name(x->after));
	}
	if (x->none) {
		fputs(indent, out);
		fprintf(out, "%s%s\n", x->count ? "" : x->kind == IAMP_EXEMPT_ESCAPES ?
			"no escape found: " : "no exemption: ", x->none);
	}
}

static void json_str(FILE *out, const char *s, size_t n)
{
	iamp_json_string(out, s, n);
}

static void write_json(FILE *out, const struct iamp_exemptions *x)
{
	fprintf(out, "{\"kind\":\"%s\",\"items\":[",
		x->kind == IAMP_EXEMPT_ESCAPES ? "escapes" : "needed");
	for (size_t i = 0; i < x->count; i++) {
		const struct iamp_exemption *e = &x->items[i];

		fputs(i ? ",{\"policy\":" : "{\"policy\":", out);
		json_str(out, e->policy_name, strlen(e->policy_name));
		fprintf(out, ",\"line\":%u,\"column\":%u", e->stmt->span.start.line,
			e->stmt->span.start.col);
		if (e->stmt->has_sid) {
			fputs(",\"sid\":", out);
			json_str(out, e->stmt->sid.text, e->stmt->sid.len);
		}
		if (e->cond) {
			fputs(",\"operator\":", out);
			json_str(out, e->cond->op_name.text, e->cond->op_name.len);
			fputs(",\"key\":", out);
			json_str(out, e->cond->key.text, e->cond->key.len);
		} else {
			fputs(",\"operator\":\"ArnNotLike\",\"key\":\"aws:PrincipalArn\",\"newCondition\":true", out);
		}
		if (x->kind == IAMP_EXEMPT_ESCAPES && e->value_absent) {
			fputs(",\"value\":null", out);
		} else {
			fputs(",\"value\":", out);
			json_str(out, e->value, strlen(e->value));
		}
		fputc('}', out);
	}
	fputc(']', out);
	if (x->kind == IAMP_EXEMPT_NEEDED && x->count)
		fprintf(out, ",\"after\":\"%s\"", iamp_decision_name(x->after));
	if (x->none) {
		fputs(",\"none\":", out);
		json_str(out, x->none, strlen(x->none));
	}
	fputc('}', out);
}

void iamp_report_exemptions(FILE *out, enum iamp_report_format fmt,
			    const struct iamp_exemptions *x, const char *indent)
{
	if (fmt == IAMP_REPORT_JSON)
		write_json(out, x);
	else
		write_text(out, x, indent ? indent : "");
}
