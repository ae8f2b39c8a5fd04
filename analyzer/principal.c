/*
 * principal.c - the caller model and Principal matching; see principal.h.
 */
#include "principal.h"

#include <stdio.h>
#include <string.h>

#include "arn.h"
#include "match.h"

static bool has_prefix(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && memcmp(s, p, n) == 0;
}

static bool has_suffix(const char *s, size_t len, const char *p)
{
	size_t n = strlen(p);

	return len >= n && memcmp(s + len - n, p, n) == 0;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* The last path element of a role resource "role/path/name". */
static void last_name(const char *r, size_t rl, const char **out, size_t *out_len)
{
	const char *slash = r + rl;

	while (slash > r && slash[-1] != '/')
		slash--;
	*out = slash;
	*out_len = (size_t)(r + rl - slash);
}

bool iamp_caller_is_person(enum iamp_caller_kind kind)
{
	return kind >= IAMP_CALLER_ROOT && kind <= IAMP_CALLER_FEDERATED_USER;
}

void iamp_caller_parse(struct iamp_caller *out, const char *s, size_t len)
{
	struct iamp_arn arn;

	memset(out, 0, sizeof(*out));
	out->arn = s;
	out->arn_len = len;
	out->kind = IAMP_CALLER_OTHER;
	if ((len == 1 && s[0] == '*') || same(s, len, "anonymous", 9)) {
		out->kind = IAMP_CALLER_ANONYMOUS;
		return;
	}
	if (iamp_is_account_id(s, len)) {
		out->kind = IAMP_CALLER_ROOT;
		out->account = s;
		out->account_len = len;
		return;
	}
	if (iamp_arn_parse(&arn, s, len)) {
		const char *r = arn.resource;
		size_t rl = arn.resource_len;

		out->partition = arn.partition;
		out->partition_len = arn.partition_len;
		if (iamp_is_account_id(arn.account, arn.account_len)) {
			out->account = arn.account;
			out->account_len = arn.account_len;
		}
		if (iamp_arn_is(&arn, "iam", "")) {
			if (same(r, rl, "root", 4)) {
				out->kind = IAMP_CALLER_ROOT;
			} else if (has_prefix(r, rl, "user/")) {
				out->kind = IAMP_CALLER_USER;
			} else if (has_prefix(r, rl, "role/")) {
				out->kind = IAMP_CALLER_ROLE;
				last_name(r, rl, &out->role_name, &out->role_name_len);
				out->slr = has_prefix(r, rl, "role/aws-service-role/");
			}
		} else if (iamp_arn_is(&arn, "sts", "assumed-role/")) {
			const char *name = r + 13;
			const char *slash = memchr(name, '/', rl - 13);

			out->kind = IAMP_CALLER_SESSION;
			out->role_name = name;
			out->role_name_len = slash ? (size_t)(slash - name) : rl - 13;
			out->slr = has_prefix(name, out->role_name_len, "AWSServiceRoleFor");
		} else if (iamp_arn_is(&arn, "sts", "federated-user/")) {
			out->kind = IAMP_CALLER_FEDERATED_USER;
		}
		return;
	}
	if (!memchr(s, ':', len) &&
	    (has_suffix(s, len, ".amazonaws.com") || has_suffix(s, len, ".amazonaws.com.cn")))
		out->kind = IAMP_CALLER_SERVICE;
}

const char *iamp_caller_kind_name(enum iamp_caller_kind kind)
{
	static const char *const names[] = {
		[IAMP_CALLER_ANONYMOUS] = "anonymous caller",
		[IAMP_CALLER_ROOT] = "root user",
		[IAMP_CALLER_USER] = "IAM user",
		[IAMP_CALLER_ROLE] = "IAM role",
		[IAMP_CALLER_SESSION] = "role session",
		[IAMP_CALLER_FEDERATED_USER] = "federated user",
		[IAMP_CALLER_SERVICE] = "service principal",
		[IAMP_CALLER_OTHER] = "principal",
	};

	return names[kind];
}

size_t iamp_caller_role_arn(char *buf, size_t cap, const struct iamp_caller *c)
{
	int n;

	if (c->kind != IAMP_CALLER_SESSION || !c->account)
		return 0;
	n = snprintf(buf, cap, "arn:%.*s:iam::%.*s:role/%.*s", (int)c->partition_len,
		     c->partition, (int)c->account_len, c->account, (int)c->role_name_len,
		     c->role_name);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Whether `arn` (parsed) is the role of which the caller is a session. */
static bool is_callers_role(const struct iamp_caller *c, const struct iamp_arn *arn)
{
	const char *name;
	size_t name_len;

	if (c->kind != IAMP_CALLER_SESSION || !iamp_arn_is(arn, "iam", "role/") ||
	    !same(c->account, c->account_len, arn->account, arn->account_len))
		return false;
	last_name(arn->resource, arn->resource_len, &name, &name_len);
	return same(name, name_len, c->role_name, c->role_name_len);
}

bool iamp_caller_is(const struct iamp_caller *c, const char *arn, size_t len)
{
	struct iamp_arn a;

	if (same(arn, len, c->arn, c->arn_len))
		return true;
	return iamp_arn_parse(&a, arn, len) && is_callers_role(c, &a);
}

/* Whether `text` names the caller's account: an account id or its root ARN. */
static bool names_account(const char *text, size_t len, const struct iamp_caller *c)
{
	struct iamp_arn arn;

	if (!c->account)
		return false;
	if (iamp_is_account_id(text, len))
		return same(text, len, c->account, c->account_len);
	return iamp_arn_parse(&arn, text, len) && iamp_arn_is(&arn, "iam", "") &&
	       same(arn.resource, arn.resource_len, "root", 4) &&
	       same(arn.account, arn.account_len, c->account, c->account_len);
}

enum iamp_pmatch iamp_principal_value_match(enum iamp_principal_kind kind, const char *text,
					    size_t len, const struct iamp_caller *c)
{
	struct iamp_arn arn;

	if (len == 1 && text[0] == '*')
		return IAMP_PM_WILD;
	if (kind != IAMP_PRINCIPAL_AWS) {
		/* Service, Federated, CanonicalUser: the caller by name. */
		if (same(text, len, c->arn, c->arn_len) && c->kind != IAMP_CALLER_ANONYMOUS)
			return IAMP_PM_DIRECT;
		return IAMP_PM_NONE;
	}
	if (c->kind == IAMP_CALLER_ANONYMOUS || c->kind == IAMP_CALLER_SERVICE)
		return IAMP_PM_NONE;
	if (names_account(text, len, c))
		return IAMP_PM_ACCOUNT;
	if (same(text, len, c->arn, c->arn_len))
		return c->kind == IAMP_CALLER_ROLE ? IAMP_PM_ROLE : IAMP_PM_DIRECT;
	/* A role ARN names every session of the role. */
	if (iamp_arn_parse(&arn, text, len) && is_callers_role(c, &arn))
		return IAMP_PM_ROLE;
	return IAMP_PM_NONE;
}

unsigned iamp_principal_value_names(enum iamp_principal_kind kind, const char *text, size_t len,
				    const struct iamp_caller *c)
{
	struct iamp_arn arn;

	if (len == 1 && text[0] == '*')
		return IAMP_NAMES_ALL;
	if (kind != IAMP_PRINCIPAL_AWS)
		return same(text, len, c->arn, c->arn_len) && c->kind != IAMP_CALLER_ANONYMOUS
			       ? IAMP_NAMES_SELF : 0;
	if (c->kind == IAMP_CALLER_ANONYMOUS || c->kind == IAMP_CALLER_SERVICE)
		return 0;
	if (names_account(text, len, c))
		return IAMP_NAMES_ACCOUNT | (c->kind == IAMP_CALLER_ROOT ? IAMP_NAMES_SELF : 0);
	if (same(text, len, c->arn, c->arn_len))
		return IAMP_NAMES_SELF;
	if (iamp_arn_parse(&arn, text, len) && is_callers_role(c, &arn))
		return IAMP_NAMES_ROLE;
	return 0;
}

bool iamp_principal_spared(unsigned names, const struct iamp_caller *c, bool has_boundary)
{
	bool account = names & IAMP_NAMES_ACCOUNT, self = names & IAMP_NAMES_SELF;

	if (has_boundary && (c->kind == IAMP_CALLER_USER || c->kind == IAMP_CALLER_ROLE ||
			     c->kind == IAMP_CALLER_SESSION))
		return false;
	if (names & IAMP_NAMES_ALL)
		return true;
	switch (c->kind) {
	case IAMP_CALLER_ROOT:
		return account;
	case IAMP_CALLER_USER:
	case IAMP_CALLER_ROLE:
	case IAMP_CALLER_FEDERATED_USER:
		return account && self;
	case IAMP_CALLER_SESSION:
		return account && (self || (names & IAMP_NAMES_ROLE));
	case IAMP_CALLER_ANONYMOUS:
		return false;
	default:
		return self;
	}
}
