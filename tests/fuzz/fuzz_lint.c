/*
 * fuzz_lint.c - load, build and lint, then every report format.
 *
 * Input: an optional digit that selects the policy type (0 identity,
 * 1 resource, 2 trust, 3 boundary, 4 session, 5 SCP, 6 RCP; identity
 * without one), then the policy, JSON when it starts with '{' or '[' (after
 * white space), YAML otherwise. The diagnostics of iamp_lint_policy and of
 * iamp_lint_policy_shape are written as text (with source lines and
 * carets, then in colour), JSON and SARIF; the text must be safe for a
 * terminal with one line per diagnostic (three with its source), and the
 * JSON and SARIF must read back as JSON (output.h).
 */
#include <string.h>

#include "diag.h"
#include "error.h"
#include "lint.h"
#include "load.h"
#include "policy.h"
#include "report.h"
#include "fuzz.h"
#include "output.h"
#include "tree.h"

struct out_ctx {
	const struct iamp_diags *diags;
	enum iamp_report_format fmt;
	struct iamp_report_opts opts;
};

static int write_report(FILE *f, void *p)
{
	struct out_ctx *c = p;

	return iamp_report_write(f, c->fmt, c->diags, &c->opts);
}

static void reports(const struct iamp_diags *diags)
{
	static const char *const files[] = { "fuzz.json" };
	struct out_ctx c = { .diags = diags, .fmt = IAMP_REPORT_TEXT };
	size_t len = 0, lines, want = 0;
	char *buf;
	int rc = 0;

	c.opts.show_source = true;
	c.opts.files = files;
	c.opts.file_count = 1;
	c.opts.tool_version = "fuzz";
	buf = fuzz_capture(&len, write_report, &c, &rc);
	if (!buf)
		return;
	FUZZ_ASSERT(rc == 0);
	lines = fuzz_check_terminal_text(buf, len);
	for (size_t i = 0; i < diags->count; i++)
		want += diags->items[i].source_line && diags->items[i].span.start.line ? 3 : 1;
	FUZZ_ASSERT(lines == want);
	free(buf);

	c.opts.color = true;
	buf = fuzz_capture(&len, write_report, &c, &rc);
	free(buf);

	c.opts.color = false;
	c.fmt = IAMP_REPORT_JSON;
	buf = fuzz_capture(&len, write_report, &c, &rc);
	if (buf)
		fuzz_check_json_text(buf, len, false);
	free(buf);
	/* SARIF carries the whole rule table: read back only for the
	 * inputs with an error (else it costs most of the run) */
	if (iamp_diags_max_severity(diags) < IAMP_SEV_ERROR)
		return;
	c.fmt = IAMP_REPORT_SARIF;
	buf = fuzz_capture(&len, write_report, &c, &rc);
	if (buf)
		fuzz_check_json_text(buf, len, false);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iamp_diags diags;
	struct iamp_document *doc = NULL;
	struct iamp_policy *policy = NULL;
	enum iamp_policy_type type = IAMP_POLICY_IDENTITY;
	enum iamp_format format = IAMP_FORMAT_YAML;
	const char *text = (const char *)data;
	size_t i;
	int rc;

	if (size && data[0] >= '0' && data[0] <= '6') {
		type = (enum iamp_policy_type)(data[0] - '0');
		text++;
		size--;
	}
	for (i = 0; i < size && strchr(" \t\r\n", text[i]) && text[i]; i++)
		;
	if (i < size && (text[i] == '{' || text[i] == '['))
		format = IAMP_FORMAT_JSON;
	iamp_diags_init(&diags);
	rc = iamp_load_buffer(&doc, "fuzz.json", text, size, format, NULL, &diags);
	FUZZ_OK(rc);
	if (rc)
		goto cleanup;
	rc = iamp_policy_build(&policy, doc, type, NULL, &diags);
	FUZZ_OK(rc);
	if (rc)
		goto cleanup;
	if (policy) {
		FUZZ_ASSERT(policy->doc == doc && policy->type == type);
		FUZZ_OK(iamp_lint_policy(policy, &diags));
		FUZZ_OK(iamp_lint_policy_shape(policy, &diags));
	}
	fuzz_check_document(doc, &diags, format == IAMP_FORMAT_JSON);
	iamp_diags_sort(&diags);
	for (i = 0; i + 1 < diags.count; i++) {
		char a[17], b[17];

		iamp_diag_fingerprint(&diags.items[i], a);
		iamp_diag_fingerprint(&diags.items[i + 1], b);
		FUZZ_ASSERT(strlen(a) == 16 && strlen(b) == 16);
	}
	reports(&diags);
cleanup:
	iamp_document_free(doc);
	iamp_diags_clear(&diags);
	return 0;
}
