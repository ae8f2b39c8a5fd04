/*
 * lint_aa.c - the checks of AWS IAM Access Analyzer's policy validation
 * that the grammar rules (lint.c) and the catalog rules (lint_catalog.c)
 * did not already make: federation, service principals, wildcards in
 * principals, and the meaning of condition values.
 *
 *   policy AST ──▶ iamp_lint_policy_aa() ──▶ diagnostics
 *
 * Each rule is named after AWS's issue code and has AWS's finding type
 * (rules.def, aa_codes.def); fixtures/aa/ holds one policy per issue code
 * and tests/aa-parity.sh holds every rule to it (docs/aa-parity.md).
 *
 * Federation. A trust statement that lets a web identity provider's
 * users in must say which of them:
 *
 *   "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com"},
 *   "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
 *                 "StringLike":   {"token.actions.githubusercontent.com:sub": "repo:org/app:ref:refs/heads/main"}}
 *
 * The provider's keys are "<provider host and path>:<claim>" (aud, sub,
 * amr, ...): known keys that no catalog lists, since any provider can be
 * registered (iamp_lint_is_provider_key).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "contain.h"
#include "diag.h"
#include "lint.h"
#include "match.h"
#include "operators.h"
#include "org.h"
#include "arn.h"
#include "policy.h"

struct aalint {
	const struct iamp_policy *p;
	struct iamp_diags *diags;
};

#define DIAG(l, rule, span, ...) \
	iamp_doc_diag((l)->diags, (l)->p->doc, IAMP_RULE_##rule, (span), __VA_ARGS__)

#define GITHUB_HOST "token.actions.githubusercontent.com"

/*
 * A Resource entry of the statement being checked, split once at its
 * first five colons (iamp_arn_split) for every check that reads its
 * parts: check_arn, check_attached and REDUNDANT_RESOURCE's pre-filter
 * (may_cover). The walk makes them for each statement.
 */
struct rentry {
	const struct iamp_str *s;
	const char *field[6];
	size_t flen[6];
	bool split; /* six parts */
	bool var;   /* holds a '$' */
};

static bool has_wildcard(const char *s, size_t len)
{
	return memchr(s, '*', len) || memchr(s, '?', len);
}

static bool key_is(const struct iamp_condition *c, const char *name)
{
	return c->key.len == strlen(name) && strncasecmp(c->key.text, name, c->key.len) == 0;
}

/* ---- federation ---------------------------------------------------------- */

/* The provider a Federated principal names, as its condition keys spell
 * it: "token.actions.githubusercontent.com" for the ARN
 * arn:aws:iam::1:oidc-provider/token.actions.githubusercontent.com,
 * "cognito-identity.amazonaws.com" as written. NULL for SAML providers
 * (their keys are saml:*, in the catalog). */
static const char *provider_of(const struct iamp_str *v, size_t *len)
{
	static const char oidc[] = ":oidc-provider/";
	const char *at;

	if (strstr(v->text, ":saml-provider/"))
		return NULL;
	at = strstr(v->text, oidc);
	if (at) {
		at += sizeof oidc - 1;
		*len = (size_t)(v->text + v->len - at);
		return *len ? at : NULL;
	}
	if (!memchr(v->text, '.', v->len) || memchr(v->text, ':', v->len))
		return NULL;
	*len = v->len;
	return v->text;
}

bool iamp_lint_is_provider_key(const char *key, size_t len)
{
	const char *colon = NULL;

	/* the last colon: "host/path:claim" */
	for (size_t i = len; i > 0; i--) {
		if (key[i - 1] == ':') {
			colon = key + i - 1;
			break;
		}
	}
	/* a host name has a dot; "aws:..." and "s3:..." have none */
	return colon && colon + 1 < key + len && memchr(key, '.', (size_t)(colon - key)) &&
	       !memchr(key, '*', len);
}

/* Whether the condition's key is "<provider>:<claim>". */
static bool provider_key(const struct iamp_condition *c, const char *prov, size_t plen,
			 const char *claim)
{
	size_t cl = strlen(claim);

	return c->key.len == plen + 1 + cl && strncasecmp(c->key.text, prov, plen) == 0 &&
	       c->key.text[plen] == ':' && strncasecmp(c->key.text + plen + 1, claim, cl) == 0;
}

/* What a GitHub "sub" value lets in beyond one branch or environment of
 * one repository: NULL when nothing. "*", "repo:*" and "repo:org/" + "*"
 * let in any repository; "repo:org/app:*" any branch and environment. */
static const char *sub_too_broad(const struct iamp_str *v)
{
	const char *s = v->text, *repo_end;
	size_t len = v->len;

	if (len < 5 || strncmp(s, "repo:", 5) != 0)
		return has_wildcard(s, len) ? "the workflows of any repository" : NULL;
	s += 5;
	len -= 5;
	repo_end = memchr(s, ':', len);
	if (has_wildcard(s, repo_end ? (size_t)(repo_end - s) : len))
		return "the workflows of any repository";
	if (repo_end && (size_t)(s + len - repo_end) == 2 && repo_end[1] == '*')
		return "every branch, tag, environment and pull request of the repository";
	return NULL;
}

static void check_federated(struct aalint *l, const struct iamp_statement *st,
			    const struct iamp_principal_value *pv)
{
	size_t plen = 0;
	const char *prov = provider_of(&pv->value, &plen);
	bool github, any = false, sub = false;

	if (!prov)
		return;
	github = plen == strlen(GITHUB_HOST) && strncasecmp(prov, GITHUB_HOST, plen) == 0;
	for (size_t i = 0; i < st->condition_count; i++) {
		const struct iamp_condition *c = &st->conditions[i];

		if (c->key.len <= plen || strncasecmp(c->key.text, prov, plen) != 0 || c->key.text[plen] != ':')
			continue;
		any = true;
		if (provider_key(c, prov, plen, "aud") && c->set == IAMP_SET_FOR_ANY_VALUE)
			DIAG(l, FORANYVALUE_WITH_AUDIENCE_CLAIM_TYPE, c->key.span,
			     "ForAnyValue on \"%s\": a token with several audiences passes when any one matches; "
			     "use the operator without ForAnyValue", c->key.text);
		if (!github || !provider_key(c, prov, plen, "sub") || c->symbolic)
			continue;
		sub = true;
		if (c->op && c->op->negated)
			continue;
		for (size_t k = 0; k < c->value_count; k++) {
			const char *what = sub_too_broad(&c->values[k].text);

			if (what)
				DIAG(l, SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED, c->values[k].text.span,
				     "\"%s\" lets in %s: name the repository and the branch or environment",
				     c->values[k].text.text, what);
		}
	}
	if (st->symbolic)
		return;
	if (github && !sub)
		DIAG(l, MISSING_GITHUB_REPO_CONDITION_KEY, pv->value.span,
		     "any GitHub Actions workflow of any repository can assume this role: add a condition on "
		     "\"" GITHUB_HOST ":sub\" naming the repository");
	else if (!github && !any)
		DIAG(l, MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL, pv->value.span,
		     "every user of \"%.*s\" can assume this role: add a condition on \"%.*s:aud\" (and \":sub\")",
		     (int)plen, prov, (int)plen, prov);
}

/* ---- principals ------------------------------------------------------------ */

/* An IAM unique ID: "AROA" (role) or "AIDA" (user) and 17 upper-case
 * letters or digits. IAM writes one where a deleted principal's ARN was. */
static bool is_unique_id(const struct iamp_str *v, const char *prefix)
{
	if (v->len != 21 || strncmp(v->text, prefix, 4) != 0)
		return false;
	for (size_t i = 4; i < v->len; i++)
		if (!((v->text[i] >= 'A' && v->text[i] <= 'Z') || (v->text[i] >= '0' && v->text[i] <= '9')))
			return false;
	return true;
}

static bool has_key(const struct iamp_statement *st, const char *name)
{
	for (size_t i = 0; i < st->condition_count; i++)
		if (key_is(&st->conditions[i], name))
			return true;
	return false;
}

/* A Federated principal: a SAML or OIDC provider's ARN with a name
 * ("arn:aws:iam::111122223333:saml-provider/corp"), or a web identity
 * provider's host ("cognito-identity.amazonaws.com", "accounts.google.com"). */
static bool federated_syntax_ok(const struct iamp_str *v)
{
	const char *field[6];
	size_t flen[6];

	if (v->len >= 4 && strncmp(v->text, "arn:", 4) == 0) {
		if (!iamp_arn_split(v->text, v->len, field, flen) || flen[2] != 3 || strncmp(field[2], "iam", 3) != 0 ||
		    flen[3] || !iamp_is_account_id(field[4], flen[4]))
			return false;
		return (flen[5] > 14 && strncmp(field[5], "saml-provider/", 14) == 0) ||
		       (flen[5] > 14 && strncmp(field[5], "oidc-provider/", 14) == 0);
	}
	for (size_t i = 0; i < v->len; i++)
		if (v->text[i] == ':' || v->text[i] == ' ' || v->text[i] == '/' || v->text[i] == '*')
			return false;
	return memchr(v->text, '.', v->len) != NULL;
}

/* The account an AWS principal is or belongs to: "111122223333" for
 * "111122223333", "arn:aws:iam::111122223333:root" and
 * "arn:aws:iam::111122223333:role/app"; *root says whether it is the
 * account itself. False for anything else ("*", a service, a unique ID). */
static bool principal_account(const struct iamp_str *v, const char **acct, bool *root)
{
	const char *field[6];
	size_t flen[6];

	if (iamp_is_account_id(v->text, v->len)) {
		*acct = v->text;
		*root = true;
		return true;
	}
	if (v->len < 4 || strncmp(v->text, "arn:", 4) != 0 || !iamp_arn_split(v->text, v->len, field, flen) ||
	    !iamp_is_account_id(field[4], flen[4]) || has_wildcard(v->text, v->len) || memchr(v->text, '$', v->len))
		return false;
	*acct = field[4];
	*root = flen[5] == 4 && strncmp(field[5], "root", 4) == 0;
	return true;
}

/* A trust statement that lets in an account and one of its roles or
 * users: the account already lets them in. */
static void check_redundant_principals(struct aalint *l, const struct iamp_statement *st)
{
	const struct iamp_principal *pr = &st->principal;

	if (!pr->present || pr->is_not || st->effect != IAMP_EFFECT_ALLOW)
		return;
	for (size_t i = 0; i < pr->count; i++) {
		const char *acct, *racct;
		bool root, rroot;

		if (pr->items[i].kind != IAMP_PRINCIPAL_AWS || !principal_account(&pr->items[i].value, &acct, &root) || root)
			continue;
		for (size_t j = 0; j < pr->count; j++) {
			if (pr->items[j].kind == IAMP_PRINCIPAL_AWS && principal_account(&pr->items[j].value, &racct, &rroot) &&
			    rroot && memcmp(acct, racct, 12) == 0) {
				DIAG(l, REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY, pr->items[i].value.span,
				     "\"%s\" is redundant: \"%s\" beside it lets in every principal of account %.12s "
				     "that its identity policies allow", pr->items[i].value.text, pr->items[j].value.text, acct);
				break;
			}
		}
	}
}

/* The condition keys that tie a service principal's access to one
 * resource, account or organization (the confused deputy). */
static bool has_source_key(const struct iamp_statement *st)
{
	static const char *const keys[] = {
		"aws:SourceArn", "aws:SourceAccount", "aws:SourceOrgID", "aws:SourceOrgPaths",
	};

	for (size_t i = 0; i < st->condition_count; i++)
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
			if (key_is(&st->conditions[i], keys[k]))
				return true;
	return false;
}

static void check_principals(struct aalint *l, const struct iamp_statement *st)
{
	const struct iamp_principal *pr = &st->principal;
	bool trust = l->p->type == IAMP_POLICY_TRUST, allow = st->effect == IAMP_EFFECT_ALLOW;
	bool service_warned = false;

	if (!pr->present)
		return;
	if (trust && allow && !pr->is_not && pr->star)
		DIAG(l, UNSUPPORTED_WILDCARD_IN_PRINCIPAL, pr->span,
		     "\"Principal\": \"*\" in a role trust policy: name the accounts, roles or providers that may assume the role");
	for (size_t i = 0; i < pr->count; i++) {
		const struct iamp_principal_value *pv = &pr->items[i];
		const struct iamp_str *v = &pv->value;

		switch (pv->kind) {
		case IAMP_PRINCIPAL_AWS:
			if (v->len == 1 && v->text[0] == '*') {
				if (trust && allow && !pr->is_not)
					DIAG(l, UNSUPPORTED_WILDCARD_IN_PRINCIPAL, v->span,
					     "{\"AWS\": \"*\"} in a role trust policy: name the accounts or roles that may assume the role");
			} else if (has_wildcard(v->text, v->len) && trust) {
				DIAG(l, UNSUPPORTED_WILDCARD_IN_PRINCIPAL, v->span,
				     "\"%s\": a principal ARN takes no wildcard: list the roles or accounts that may assume the role",
				     v->text);
			} else if (has_wildcard(v->text, v->len)) {
				DIAG(l, UNSUPPORTED_WILDCARD_IN_PRINCIPAL, v->span,
				     "\"%s\": a principal ARN takes no wildcard (only \"*\" alone); match ARNs with "
				     "\"Principal\": {\"AWS\": \"*\"} and an ArnLike condition on aws:PrincipalArn", v->text);
			} else if (strstr(v->text, ":group/")) {
				DIAG(l, UNSUPPORTED_PRINCIPAL, v->span,
				     "\"%s\": an IAM group is not a principal; name its users, or a role they assume", v->text);
			} else if (is_unique_id(v, "AROA")) {
				DIAG(l, INVALID_ROLE_REFERENCE, v->span,
				     "\"%s\" is a role's unique ID: IAM writes one where a deleted role was named; name the role by its ARN",
				     v->text);
			} else if (is_unique_id(v, "AIDA")) {
				DIAG(l, INVALID_USER_REFERENCE, v->span,
				     "\"%s\" is a user's unique ID: IAM writes one where a deleted user was named; name the user by its ARN",
				     v->text);
			}
			break;
		case IAMP_PRINCIPAL_FEDERATED:
			if (trust && !federated_syntax_ok(v))
				DIAG(l, INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY, v->span,
				     "\"%s\" names no identity provider: arn:aws:iam::ACCOUNT:saml-provider/NAME, "
				     "arn:aws:iam::ACCOUNT:oidc-provider/HOST, or a provider's host name", v->text);
			else if (trust && allow && !pr->is_not)
				check_federated(l, st, pv);
			else if (l->p->type == IAMP_POLICY_RESOURCE)
				DIAG(l, FEDERATED_PRINCIPAL_NOT_SUPPORTED, v->span,
				     "\"%s\": a Federated principal has a meaning only in a role's trust policy "
				     "(sts:AssumeRoleWithSAML, sts:AssumeRoleWithWebIdentity)", v->text);
			break;
		case IAMP_PRINCIPAL_SERVICE:
			/* A trust policy's service assumes the role for its own
			 * account's resources; a resource policy's service acts
			 * for any account that points it at the resource. */
			if (l->p->type == IAMP_POLICY_RESOURCE && allow && !pr->is_not && !service_warned &&
			    !st->symbolic && !has_source_key(st)) {
				DIAG(l, RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL, v->span,
				     "\"%s\" acts for any account that points it at this resource: add a condition on "
				     "aws:SourceArn or aws:SourceAccount (or aws:SourceOrgID)", v->text);
				service_warned = true;
			}
			else if (l->p->type == IAMP_POLICY_RESOURCE && allow && !pr->is_not && !service_warned &&
				 !st->symbolic && !has_key(st, "aws:SourceArn")) {
				DIAG(l, RECOMMENDED_CONDITION_KEY_FOR_SERVICE_PRINCIPAL, v->span,
				     "\"%s\" may act for any resource of the accounts the conditions name: add aws:SourceArn "
				     "naming the resource that may call", v->text);
				service_warned = true;
			}
			break;
		default:
			break;
		}
	}
}

/* ---- condition values ------------------------------------------------------ */

static bool all_hex(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* "vpc-" or "vpce-" and 8 or 17 hex digits. */
static bool is_resource_id(const struct iamp_str *v, const char *prefix)
{
	size_t n = strlen(prefix), rest = v->len - n;

	return v->len > n && strncmp(v->text, prefix, n) == 0 && (rest == 8 || rest == 17) &&
	       all_hex(v->text + n, rest);
}

/* A Region name: a partition area, a direction, a number
 * ("us-east-1", "us-gov-west-1", "ap-southeast-5", "eu-isoe-west-1"). */
static bool is_region_text(const char *text, size_t len)
{
	static const char *const directions[] = {
		"north", "south", "east", "west", "central", "northeast", "northwest", "southeast", "southwest",
	};
	const char *s = text, *end = text + len, *dash;
	bool dir = false;

	dash = memchr(s, '-', len);
	if (!dash || dash - s != 2 || !(s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'))
		return false;
	s = dash + 1;
	while (s < end && !(*s >= '0' && *s <= '9')) {
		size_t n;

		dash = memchr(s, '-', (size_t)(end - s));
		if (!dash)
			return false;
		n = (size_t)(dash - s);
		for (size_t i = 0; i < sizeof directions / sizeof *directions; i++)
			if (strlen(directions[i]) == n && strncmp(s, directions[i], n) == 0)
				dir = true;
		/* gov, iso, isob, isoe, isof: the partition's qualifier */
		if (!dir && !(n >= 3 && (strncmp(s, "gov", 3) == 0 || strncmp(s, "iso", 3) == 0)))
			return false;
		s = dash + 1;
	}
	if (!dir || s == end || (*s == '0' && end - s > 1))
		return false;
	for (; s < end; s++)
		if (!(*s >= '0' && *s <= '9'))
			return false;
	return true;
}

static bool is_region(const struct iamp_str *v)
{
	return is_region_text(v->text, v->len);
}

/* Whether an address or range lies in the private ranges of RFC 1918
 * (10/8, 172.16/12, 192.168/16) or RFC 4193 (fc00::/7): never the
 * source of a request that reaches AWS over the internet. */
static bool is_private(const struct iamp_ip *ip)
{
	const uint8_t *a = ip->addr;

	if (ip->family == 4)
		return (a[0] == 10 && ip->prefix >= 8) ||
		       (a[0] == 172 && (a[1] & 0xf0) == 16 && ip->prefix >= 12) ||
		       (a[0] == 192 && a[1] == 168 && ip->prefix >= 16);
	return (a[0] & 0xfe) == 0xfc && ip->prefix >= 7;
}

/* Whether the range has bits set past its prefix ("192.0.2.1/24"). */
static bool host_bits_set(const struct iamp_ip *ip)
{
	unsigned bits = ip->family == 4 ? 32 : 128;

	for (unsigned b = ip->prefix; b < bits; b++)
		if (ip->addr[b / 8] & (0x80u >> (b % 8)))
			return true;
	return false;
}

static bool is_variable_only(const struct iamp_str *v)
{
	return v->len > 3 && v->text[0] == '$' && v->text[1] == '{' && v->text[v->len - 1] == '}';
}

/* A * or ? outside ${...}: a wildcard, which only the Like operators read. */
static bool has_bare_wildcard(const struct iamp_str *v)
{
	int depth = 0;

	for (size_t i = 0; i < v->len; i++) {
		if (v->text[i] == '$' && i + 1 < v->len && v->text[i + 1] == '{')
			depth++;
		else if (v->text[i] == '}' && depth)
			depth--;
		else if (!depth && (v->text[i] == '*' || v->text[i] == '?'))
			return true;
	}
	return false;
}

static void check_ip_values(struct aalint *l, const struct iamp_condition *c)
{
	size_t nprivate = 0;
	const struct iamp_cond_value *first = NULL;

	for (size_t k = 0; k < c->value_count; k++) {
		struct iamp_ip ip;

		if (!iamp_ip_parse(&ip, c->values[k].text.text, c->values[k].text.len))
			continue; /* INVALID_CONDITION_VALUE */
		if (host_bits_set(&ip))
			DIAG(l, IMPROVE_IP_RANGE, c->values[k].text.span,
			     "\"%s\" has bits set past its /%u prefix: write the range's first address",
			     c->values[k].text.text, ip.prefix);
		if (key_is(c, "aws:SourceIp") && is_private(&ip)) {
			nprivate++;
			if (!first)
				first = &c->values[k];
		}
	}
	if (!nprivate)
		return;
	if (nprivate == c->value_count && !c->op->negated)
		DIAG(l, PRIVATE_IP_ADDRESS, first->text.span,
		     "aws:SourceIp is never the private range \"%s\": requests from a VPC carry aws:VpcSourceIp; "
		     "as written the condition matches no request", first->text.text);
	else if (nprivate == c->value_count)
		DIAG(l, PRIVATE_NOT_IP_ADDRESS, first->text.span,
		     "aws:SourceIp is never the private range \"%s\": NotIpAddress on private ranges only matches every "
		     "request; use aws:VpcSourceIp", first->text.text);
	else if (!c->op->negated)
		DIAG(l, PRIVATE_IP_ADDRESS_SUBSET, first->text.span,
		     "aws:SourceIp is never the private range \"%s\": that value matches nothing; use aws:VpcSourceIp for it",
		     first->text.text);
	else
		DIAG(l, PRIVATE_NOT_IP_ADDRESS_SUBSET, first->text.span,
		     "aws:SourceIp is never the private range \"%s\": that value excludes nothing; use aws:VpcSourceIp for it",
		     first->text.text);
}

/* Epoch times are seconds: 12 digits or more is past the year 5000,
 * which is milliseconds (Date.now()) more often than a date. */
static void check_date_values(struct aalint *l, const struct iamp_condition *c)
{
	for (size_t k = 0; k < c->value_count; k++) {
		const struct iamp_str *v = &c->values[k].text;
		size_t digits = 0;

		while (digits < v->len && v->text[digits] >= '0' && v->text[digits] <= '9')
			digits++;
		if (digits >= 12 && (digits == v->len || v->text[digits] == '.'))
			DIAG(l, INVALID_DATE_VALUE, v->span,
			     "\"%s\" is read as seconds since 1970, a date past the year 5000: if it is milliseconds, "
			     "divide by 1000, or write the date in ISO 8601", v->text);
	}
}

/* Values of one key are ORed: NumericLessThan [10, 20] is < 20. */
static void check_numeric_bounds(struct aalint *l, const struct iamp_condition *c)
{
	enum iamp_cond_cmp cmp = c->op->cmp;
	bool less = cmp == IAMP_CMP_LESS_THAN || cmp == IAMP_CMP_LESS_THAN_EQUALS;
	size_t best = SIZE_MAX;
	double bv = 0;

	if ((!less && cmp != IAMP_CMP_GREATER_THAN && cmp != IAMP_CMP_GREATER_THAN_EQUALS) || c->value_count < 2 ||
	    c->set != IAMP_SET_NONE)
		return;
	for (size_t k = 0; k < c->value_count; k++) {
		double x;

		if (!iamp_number_parse(&x, c->values[k].text.text, c->values[k].text.len))
			return; /* INVALID_CONDITION_VALUE */
		if (best == SIZE_MAX || (less ? x > bv : x < bv)) {
			best = k;
			bv = x;
		}
	}
	for (size_t k = 0; k < c->value_count; k++)
		if (k != best) {
			DIAG(l, REDUNDANT_CONDITION_VALUE_NUM, c->values[k].text.span,
			     "%s \"%s\" adds nothing: the values are ORed, and \"%s\" is the %s bound", c->op->name,
			     c->values[k].text.text, c->values[best].text.text, less ? "largest" : "smallest");
			return;
		}
}

static void check_condition(struct aalint *l, const struct iamp_statement *st, size_t ci)
{
	const struct iamp_condition *c = &st->conditions[ci];
	const struct iamp_condition_key *k;
	const struct iamp_operator *op = c->op;

	if (!op || c->symbolic)
		return;
	/* keys of one operator that differ only in case: the same key twice */
	for (size_t j = 0; j < ci; j++) {
		const struct iamp_condition *o = &st->conditions[j];

		if (o->op_name.len == c->op_name.len && memcmp(o->op_name.text, c->op_name.text, c->op_name.len) == 0 &&
		    o->key.len == c->key.len && strncasecmp(o->key.text, c->key.text, c->key.len) == 0 &&
		    memcmp(o->key.text, c->key.text, c->key.len) != 0) {
			DIAG(l, DUPLICATE_KEYS_WITH_DIFFERENT_CASE, c->key.span,
			     "\"%s\" and \"%s\" (%u:%u) are one key: condition keys ignore case; merge their values",
			     c->key.text, o->key.text, o->key.span.start.line, o->key.span.start.col);
			break;
		}
	}
	if (op->type == IAMP_COND_NULL && c->set != IAMP_SET_NONE)
		DIAG(l, NULL_WITH_QUALIFIER, c->op_name.span,
		     "%s: Null tests whether the key is present; the set qualifier adds nothing", c->op_name.text);
	if (op->type == IAMP_COND_BOOL && c->value_count > 1)
		DIAG(l, INVALID_CONDITION_MULTIPLE_BOOLEAN, c->values_span,
		     "Bool on \"%s\" with %zu values: give one, true or false", c->key.text, c->value_count);
	if (op->type == IAMP_COND_IP)
		check_ip_values(l, c);
	if (op->type == IAMP_COND_DATE)
		check_date_values(l, c);
	if (op->type == IAMP_COND_NUMERIC)
		check_numeric_bounds(l, c);
	/* (ArnEquals reads wildcards as ArnLike does) */
	if (op->type == IAMP_COND_STRING && op->cmp != IAMP_CMP_LIKE) {
		for (size_t v = 0; v < c->value_count; v++)
			if (has_bare_wildcard(&c->values[v].text)) {
				DIAG(l, WILDCARD_WITHOUT_LIKE_OPERATOR, c->values[v].text.span,
				     "%s compares \"%s\" literally: the * or ? is a wildcard only for StringLike",
				     op->name, c->values[v].text.text);
				break;
			}
	}
	if (op->type == IAMP_COND_STRING && op->cmp == IAMP_CMP_LIKE && c->set == IAMP_SET_NONE && !c->if_exists &&
	    c->value_count == 1 && c->values[0].text.len == 1 && c->values[0].text.text[0] == '*')
		iamp_doc_diag(l->diags, l->p->doc, op->negated ? IAMP_RULE_EQUIVALENT_TO_NULL_TRUE : IAMP_RULE_EQUIVALENT_TO_NULL_FALSE,
			      c->key.span,
			      "%s \"*\" on \"%s\" only asks whether the key is present: write {\"Null\": {\"%s\": \"%s\"}}",
			      op->name, c->key.text, c->key.text, op->negated ? "true" : "false");
	/* Values checked against the key's meaning: never when the operator
	 * reads wildcards or the value is a variable. */
	if (op->type == IAMP_COND_STRING && op->cmp != IAMP_CMP_LIKE) {
		for (size_t v = 0; v < c->value_count; v++) {
			const struct iamp_str *s = &c->values[v].text;

			if (has_wildcard(s->text, s->len) || is_variable_only(s) || memchr(s->text, '$', s->len))
				continue;
			if (key_is(c, "aws:RequestedRegion") && !is_region(s))
				DIAG(l, INVALID_REGION, s->span, "\"%s\" is not a Region name (such as us-east-1)", s->text);
			else if (key_is(c, "aws:SourceVpc") && !is_resource_id(s, "vpc-"))
				DIAG(l, INVALID_VPC_FORMAT, s->span,
				     "\"%s\" is not a VPC ID: vpc- and 8 or 17 hexadecimal digits", s->text);
			else if (key_is(c, "aws:SourceVpce") && !is_resource_id(s, "vpce-"))
				DIAG(l, INVALID_VPCE_FORMAT, s->span,
				     "\"%s\" is not a VPC endpoint ID: vpce- and 8 or 17 hexadecimal digits", s->text);
		}
	}
	k = iamp_catalog_key(c->key.text, c->key.len);
	if (!k)
		return;
	/* Global keys only: some services' references type single values
	 * (events:detail-type) as ArrayOfString, so an error on their keys
	 * would be false; the global list is AWS's own and exact. */
	if ((k->flags & IAMP_KEY_MULTIVALUED) && (k->flags & IAMP_KEY_GLOBAL) && c->set == IAMP_SET_NONE &&
	    op->type != IAMP_COND_NULL)
		DIAG(l, MISSING_QUALIFIER, c->key.span,
		     "\"%s\" is multivalued: say whether every value or any value must match "
		     "(ForAllValues:%s or ForAnyValue:%s)", c->key.text, c->op_name.text, c->op_name.text);
	if (k->type == IAMP_KEY_ARN && op->type == IAMP_COND_STRING && op->cmp == IAMP_CMP_LIKE)
		DIAG(l, STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS, c->key.span,
		     "%s on the ARN key \"%s\": a * may cross the ARN's colons (\"...:role/app-*\" matches other "
		     "accounts' paths); use ArnLike", op->name, c->key.text);
}


/* ---- ARNs: the format of each service's resource types ------------------ */

static bool is_literal(const char *s, size_t len)
{
	return !has_wildcard(s, len) && !memchr(s, '$', len);
}

static bool is_partition(const char *s, size_t len)
{
	static const char *const partitions[] = {
		"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc",
	};

	for (size_t i = 0; i < sizeof partitions / sizeof *partitions; i++)
		if (strlen(partitions[i]) == len && strncmp(partitions[i], s, len) == 0)
			return true;
	return false;
}

/* Whether a resource type's resource part (its format's sixth field,
 * "accesspoint/${AccessPointName}") can be the ARN's: `lit`, the literal
 * text before its first ${...} (made at build time, catalog.h), is a
 * prefix of the ARN's, up to the ARN's first wildcard or variable. */
static bool type_may_match(const char *lit, size_t llen, const char *res, size_t rlen)
{
	for (size_t i = 0; i < llen; i++) {
		if (i >= rlen)
			return false;
		if (res[i] == '*' || res[i] == '?' || res[i] == '$')
			return true;
		if (res[i] != lit[i])
			return false;
	}
	return true;
}

/* How the resource types of the service that the ARN's resource part may
 * be (their ARN formats in the catalog) fill fields 3 (Region) and 4
 * (account): some[f] that one does, all[f] that every one does. False
 * when no resource type fits (RESOURCE_MISMATCH's business). One pass
 * for both fields, over the formats as split at build time: ec2 has 100
 * resource types, and a policy's ARNs ask for them one by one. */
static bool service_fills(const struct iamp_service *svc, const char *res, size_t rlen,
			  bool some[6], bool all[6])
{
	const struct iamp_catalog_arn_split *sp = iamp_catalog_service_arn_splits(svc);
	const struct iamp_resource_type *rt = &iamp_catalog_resource_types[svc->first_resource_type];
	/* type_may_match's first step, for every type at once: a literal
	 * first byte of the ARN that a type's literal start does not begin
	 * with fails it there */
	int c = rlen && res[0] != '*' && res[0] != '?' && res[0] != '$' ? res[0] : 0;
	bool any = false;

	some[3] = some[4] = false;
	all[3] = all[4] = true;
	for (uint32_t i = 0; i < svc->resource_type_count; i++) {
		if (!sp[i].ok || (c && sp[i].lit && sp[i].first != c) ||
		    !type_may_match(iamp_catalog_str(rt[i].arn) + sp[i].off[5], sp[i].lit, res, rlen))
			continue;
		any = true;
		for (int f = 3; f <= 4; f++) {
			if (sp[i].len[f])
				some[f] = true;
			else
				all[f] = false;
		}
	}
	return any;
}

/* The resource-type word of an ARN's resource part, or of a format's:
 * the text up to the first '/' or ':' (after a leading '/', as in
 * apigateway's "/restapis/..."), or up to a wildcard or ${. */
static size_t type_word(const char *res, size_t len, const char **word)
{
	size_t n = 0;

	if (len && res[0] == '/') {
		res++;
		len--;
	}
	*word = res;
	while (n < len && res[n] != '/' && res[n] != ':' && res[n] != '*' && res[n] != '?' && res[n] != '$')
		n++;
	return n;
}

/* The service's resource-type word nearest to the ARN's, when the ARN's
 * is a misspelling of one ("rolle" for "role"): none when some type has
 * that word (the ARN's mismatch lies elsewhere) or none is close. */
static bool misspelled_type(const struct iamp_service *svc, const char *res, size_t rlen, const char **near,
			    size_t *nlen, bool *case_only)
{
	const char *word;
	size_t wlen = type_word(res, rlen, &word), best = SIZE_MAX;
	size_t rest = rlen - (size_t)(word - res); /* from the word on */
	size_t cap = wlen < 8 ? 1 : wlen < 16 ? 2 : 3;

	/* no word; a name with nothing after it ("root"); a word that a
	 * wildcard or variable goes on ("canvas*") */
	if (!wlen || wlen == rest || word[wlen] == '*' || word[wlen] == '?' || word[wlen] == '$')
		return false;
	for (uint32_t i = 0; i < svc->resource_type_count; i++) {
		const char *field[6], *fw;
		size_t flen[6], fwlen, d;

		if (!iamp_catalog_resource_type_arn(&iamp_catalog_resource_types[svc->first_resource_type + i], field, flen))
			continue;
		fwlen = type_word(field[5], flen[5], &fw);
		if (!fwlen)
			continue;
		if (fwlen == wlen && strncmp(fw, word, wlen) == 0)
			return false;
		d = iamp_lint_distance(word, wlen, fw, fwlen, cap);
		if (d <= cap && d < best) {
			best = d;
			*near = fw;
			*nlen = fwlen;
		}
	}
	*case_only = best == 0; /* the distance ignores case */
	return best != SIZE_MAX;
}

static const enum iamp_rule_id arn_format_rules[] = {
	IAMP_RULE_ARN_REGION_NOT_ALLOWED, IAMP_RULE_MISSING_ARN_REGION, IAMP_RULE_ARN_ACCOUNT_NOT_ALLOWED,
	IAMP_RULE_INVALID_SERVICE, IAMP_RULE_INVALID_ARN_RESOURCE, IAMP_RULE__COUNT
};

static void check_arn(struct aalint *l, const struct rentry *e)
{
	const struct iamp_str *r = e->s;
	const struct iamp_service *svc;
	const char *const *field = e->field;
	const size_t *flen = e->flen;
	bool some[6], all[6];

	if (r->len < 4 || strncmp(r->text, "arn:", 4) != 0 || !e->split)
		return; /* "*", or not an ARN: INVALID_ARN */
	if (flen[1] && is_literal(field[1], flen[1]) && !is_partition(field[1], flen[1]))
		DIAG(l, INVALID_PARTITION, r->span, "\"%.*s\" is not a partition (aws, aws-cn, aws-us-gov, ...)",
		     (int)flen[1], field[1]);
	for (size_t i = 0; i < flen[2]; i++) {
		if (field[2][i] >= 'A' && field[2][i] <= 'Z' && is_literal(field[2], flen[2])) {
			DIAG(l, INVALID_ARN_SERVICE_CASE, r->span,
			     "the service \"%.*s\" of an ARN is lower case: ARNs are case-sensitive", (int)flen[2], field[2]);
			break;
		}
	}
	if (flen[3] && is_literal(field[3], flen[3]) && !is_region_text(field[3], flen[3]))
		DIAG(l, INVALID_ARN_REGION, r->span, "\"%.*s\" is not a Region name (such as us-east-1)",
		     (int)flen[3], field[3]);
	/* the rest reads the catalog's ARN formats: only for a rule that is on */
	if (!iamp_diags_wants_any(l->diags, arn_format_rules))
		return;
	iamp_diags_work_for(l->diags, arn_format_rules);
	if (!is_literal(field[2], flen[2]))
		return;
	if (!(svc = iamp_catalog_service(field[2], flen[2]))) {
		/* Some resource type's ARN format may have this service part:
		 * ARNs name services that have no action prefix of their own
		 * ("arn:aws:elasticloadbalancing:..." is elasticloadbalancing's,
		 * but "arn:aws:execute-api:..." belongs to the actions of
		 * execute-api and apigateway's ARNs are "arn:aws:apigateway:...").
		 * (a variable may hold colons: "arn:${aws:PrincipalTag/p}:s3:::b" splits elsewhere) */
		if (flen[2] && !e->var &&
		    !iamp_catalog_arn_service_known(field[2], flen[2]))
			DIAG(l, INVALID_SERVICE, r->span, "\"%.*s\" is not the service of any AWS resource's ARN (%s catalog)",
			     (int)flen[2], field[2], iamp_catalog_data_date());
		return;
	}
	if (!service_fills(svc, field[5], flen[5], some, all)) {
		/* INVALID_ARN_RESOURCE: only a misspelled resource-type word,
		 * since the catalog misses types that AWS's own managed
		 * policies name (docs/aa-parity.md) */
		const char *near;
		size_t nlen;
		bool case_only;

		if (iamp_diags_wants(l->diags, IAMP_RULE_INVALID_ARN_RESOURCE) && !e->var &&
		    misspelled_type(svc, field[5], flen[5], &near, &nlen, &case_only))
			DIAG(l, INVALID_ARN_RESOURCE, r->span,
			     "\"%.*s\" fits no resource type of %.*s: did you mean \"%.*s\"%s? (%s catalog)", (int)flen[5],
			     field[5], (int)flen[2], field[2], (int)nlen, near,
			     case_only ? " (ARNs are case-sensitive)" : "",
			     iamp_catalog_data_date());
		return;
	}
	if (flen[3] && is_literal(field[3], flen[3]) && !some[3])
		DIAG(l, ARN_REGION_NOT_ALLOWED, r->span,
		     "no resource of %.*s that this ARN can name has a Region in its ARN: leave the Region empty",
		     (int)flen[2], field[2]);
	else if (!flen[3] && all[3])
		DIAG(l, MISSING_ARN_REGION, r->span,
		     "every resource of %.*s that this ARN can name has a Region in its ARN: give one, or * for any", (int)flen[2], field[2]);
	if (flen[4] && is_literal(field[4], flen[4]) && !some[4])
		DIAG(l, ARN_ACCOUNT_NOT_ALLOWED, r->span,
		     "no resource of %.*s that this ARN can name has an account in its ARN: leave the account empty", (int)flen[2], field[2]);
	/* No MISSING_ARN_ACCOUNT: AWS's own managed policies leave the account
	 * empty in ARNs AWS accepts ("arn:aws:kms:*::*", resource-explorer-2
	 * service views), so an error there would be false. */
}

/* Whether INVALID_ARN_RESOURCE reports the ARN: check_arn's test, for
 * RESOURCE_MISMATCH (lint_catalog.c), which leaves such an ARN to it:
 * one finding per mistake. */
bool iamp_lint_arn_type_misspelled(const char *arn, size_t len)
{
	const struct iamp_service *svc;
	const char *field[6], *near;
	size_t flen[6], nlen;
	bool some[6], all[6], case_only;

	if (len < 4 || strncmp(arn, "arn:", 4) != 0 || memchr(arn, '$', len) || !iamp_arn_split(arn, len, field, flen) ||
	    !is_literal(field[2], flen[2]) || !(svc = iamp_catalog_service(field[2], flen[2])))
		return false;
	return !service_fills(svc, field[5], flen[5], some, all) &&
	       misspelled_type(svc, field[5], flen[5], &near, &nlen, &case_only);
}

/* ---- resource control policies -------------------------------------------- */

/* RCPs govern the actions of the services AWS lists (rcp_services.def)
 * and take no NotAction. */
static void check_rcp(struct aalint *l, const struct iamp_statement *st)
{
	const struct iamp_list *act = &st->action;

	if (!act->present)
		return;
	if (act->is_not) {
		DIAG(l, RCP_INVALID_STATEMENT, act->key_span,
		     "a resource control policy takes no NotAction: list the actions to deny");
		return;
	}
	for (size_t i = 0; i < act->count; i++) {
		const struct iamp_str *a = &act->items[i];
		const char *colon = memchr(a->text, ':', a->len);

		if (!colon || has_wildcard(a->text, (size_t)(colon - a->text)))
			continue; /* "*", or INVALID_ACTION's */
		if (!iamp_org_rcp_service(a->text, (size_t)(colon - a->text)))
			DIAG(l, RCP_INVALID_STATEMENT, a->span,
			     "\"%s\": resource control policies do not govern %.*s (rcp_services.def lists the services they do)",
			     a->text, (int)(colon - a->text), a->text);
	}
}

/* ---- trust: the action each principal assumes a role with ------------------ */

/* The three ways to assume a role, and who takes each: a SAML provider
 * (a Federated ARN ":saml-provider/"), a web identity provider (any
 * other Federated value), everyone else (AWS, Service). */
enum assumer { ASSUME_OTHER, ASSUME_SAML, ASSUME_WEB };

static enum assumer assumer_of(const struct iamp_principal_value *pv)
{
	if (pv->kind != IAMP_PRINCIPAL_FEDERATED)
		return ASSUME_OTHER;
	return strstr(pv->value.text, ":saml-provider/") ? ASSUME_SAML : ASSUME_WEB;
}

static void check_trust_actions(struct aalint *l, const struct iamp_statement *st)
{
	static const struct {
		const char *action;
		enum assumer who;
		const char *needs;
	} assume[] = {
		{ "sts:AssumeRole", ASSUME_OTHER, "an account, role, user or service (AWS or Service)" },
		{ "sts:AssumeRoleWithSAML", ASSUME_SAML, "a SAML provider (Federated: arn:aws:iam::ACCOUNT:saml-provider/NAME)" },
		{ "sts:AssumeRoleWithWebIdentity", ASSUME_WEB, "a web identity provider (Federated: an OIDC provider)" },
	};
	const struct iamp_principal *pr = &st->principal;
	bool has[3] = { false, false, false };

	/* (no items: an unknown principal type, INVALID_PRINCIPAL's) */
	if (!pr->present || pr->is_not || pr->star || pr->symbolic || !pr->count || st->action.is_not ||
	    st->action.symbolic || st->effect != IAMP_EFFECT_ALLOW)
		return;
	for (size_t i = 0; i < pr->count; i++) {
		if (pr->items[i].value.len == 1 && pr->items[i].value.text[0] == '*')
			return; /* {"AWS": "*"}: anyone (UNSUPPORTED_WILDCARD_IN_PRINCIPAL) */
		has[assumer_of(&pr->items[i])] = true;
	}
	for (size_t i = 0; i < st->action.count; i++) {
		const struct iamp_str *a = &st->action.items[i];

		if (has_wildcard(a->text, a->len))
			continue;
		for (size_t k = 0; k < sizeof assume / sizeof *assume; k++)
			if (strlen(assume[k].action) == a->len && strncasecmp(a->text, assume[k].action, a->len) == 0 &&
			    !has[assume[k].who])
				DIAG(l, MISMATCHED_ACTION_FOR_PRINCIPAL, a->span,
				     "no principal of the statement assumes a role with %s: it takes %s", assume[k].action,
				     assume[k].needs);
	}
}

/* Keys whose value only an action sets: session tags are passed with
 * sts:TagSession, a source identity with sts:SetSourceIdentity, an
 * external ID with sts:AssumeRole. A trust statement that tests one
 * without allowing the action is never met with it. */
static void check_trust_keys(struct aalint *l, const struct iamp_statement *st)
{
	static const struct {
		const char *key;
		bool prefix;
		const char *action;
	} needs[] = {
		{ "aws:RequestTag/", true, "sts:TagSession" },
		{ "aws:TagKeys", false, "sts:TagSession" },
		{ "sts:TransitiveTagKeys", false, "sts:TagSession" },
		{ "sts:SourceIdentity", false, "sts:SetSourceIdentity" },
		{ "sts:ExternalId", false, "sts:AssumeRole" },
	};

	if (st->action.is_not || st->action.symbolic || !st->action.present || st->effect != IAMP_EFFECT_ALLOW)
		return;
	for (size_t c = 0; c < st->condition_count; c++) {
		const struct iamp_condition *cd = &st->conditions[c];

		for (size_t k = 0; k < sizeof needs / sizeof *needs; k++) {
			size_t n = strlen(needs[k].key);
			bool has = false;

			if (needs[k].prefix ? !(cd->key.len > n && strncasecmp(cd->key.text, needs[k].key, n) == 0)
					    : !key_is(cd, needs[k].key))
				continue;
			for (size_t i = 0; i < st->action.count && !has; i++)
				has = iamp_catalog_glob(st->action.items[i].text, st->action.items[i].len, needs[k].action,
							strlen(needs[k].action));
			if (!has)
				DIAG(l, MISSING_ACTION_FOR_CONDITION_KEY, cd->key.span,
				     "\"%s\" is set only by %s, which the statement does not allow: add %s to its Action",
				     cd->key.text, needs[k].action, needs[k].action);
		}
	}
}

/* ---- tag keys that some services never send -------------------------------- */

/* Whether the key is one of the global tag keys, which only services that
 * tag their resources (or requests) send: aws:ResourceTag/KEY,
 * aws:RequestTag/KEY, aws:TagKeys. */
static bool is_global_tag_key(const struct iamp_condition *c)
{
	return (c->key.len > 16 && strncasecmp(c->key.text, "aws:ResourceTag/", 16) == 0) ||
	       (c->key.len > 15 && strncasecmp(c->key.text, "aws:RequestTag/", 15) == 0) || key_is(c, "aws:TagKeys");
}

/* Services the statement covers, and whether each sends the key. */
struct tagscan {
	const struct iamp_condition_key *key;
	uint8_t *covered; /* per service: 1 covered */
};

static int cover_run(void *ctx, uint32_t first, uint32_t end)
{
	struct tagscan *t = ctx;

	for (uint32_t i = first; i < end; i++)
		t->covered[iamp_catalog_actions[i].service] = 1;
	return 0;
}

static bool service_sends(const struct iamp_service *svc, const struct iamp_condition_key *k)
{
	for (uint32_t i = 0; i < svc->action_count; i++)
		if (iamp_catalog_action_has_key(&iamp_catalog_actions[svc->first_action + i], k))
			return true;
	return false;
}

static void check_tag_keys(struct aalint *l, const struct iamp_statement *st)
{
	const struct iamp_list *act = &st->action;
	uint32_t nsvc = iamp_catalog_counts.services;
	uint8_t *covered = NULL;
	bool deny = st->effect == IAMP_EFFECT_DENY;

	if (!act->present || act->symbolic || (st->effect != IAMP_EFFECT_ALLOW && !deny))
		return;
	for (size_t ci = 0; ci < st->condition_count; ci++) {
		const struct iamp_condition *c = &st->conditions[ci];
		const struct iamp_condition_key *k;
		struct tagscan t;
		char names[200];
		size_t n = 0, unsupported = 0;

		if (!c->op || c->op->type == IAMP_COND_NULL || c->symbolic || !is_global_tag_key(c))
			continue;
		/* A Deny met without the key denies those services anyway. */
		if (deny && iamp_operator_absent_holds(c->op, c->set, c->if_exists))
			continue;
		if (!(k = iamp_catalog_key(c->key.text, c->key.len)))
			continue;
		if (!covered && !(covered = calloc(nsvc, 1)))
			return; /* out of memory: the check is skipped */
		memset(covered, 0, nsvc);
		t.key = k;
		t.covered = covered;
		if (!act->is_not) {
			for (size_t i = 0; i < act->count; i++)
				iamp_catalog_match(NULL, act->items[i].text, act->items[i].len, cover_run, &t);
		} else {
			/* NotAction: every action that no entry names */
			for (uint32_t a = 0; a < iamp_catalog_counts.actions; a++) {
				char name[256];
				size_t len = iamp_catalog_action_format(name, sizeof name, &iamp_catalog_actions[a]);
				bool named = false;

				for (size_t i = 0; i < act->count && !named; i++)
					named = iamp_catalog_glob(act->items[i].text, act->items[i].len, name, len);
				if (!named)
					covered[iamp_catalog_actions[a].service] = 1;
			}
		}
		names[0] = '\0';
		for (uint32_t s = 0; s < nsvc; s++) {
			const struct iamp_service *svc = &iamp_catalog_services[s];

			if (!covered[s] || service_sends(svc, k))
				continue;
			if (unsupported < 3 && n < sizeof names)
				n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", unsupported ? ", " : "",
						      iamp_catalog_str(svc->prefix));
			unsupported++;
		}
		if (!unsupported)
			continue;
		if (unsupported > 3)
			snprintf(names + n, n < sizeof names ? sizeof names - n : 0, ", ...");
		if (deny)
			DIAG(l, DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE, c->key.span,
			     "%zu service%s of the statement send%s no \"%s\" (%s): this Deny never applies to %s",
			     unsupported, unsupported == 1 ? "" : "s", unsupported == 1 ? "s" : "", c->key.text, names,
			     unsupported == 1 ? "it" : "them");
		else
			DIAG(l, ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE, c->key.span,
			     "%zu service%s of the statement send%s no \"%s\" (%s): this Allow grants %s nothing",
			     unsupported, unsupported == 1 ? "" : "s", unsupported == 1 ? "s" : "", c->key.text, names,
			     unsupported == 1 ? "it" : "them");
	}
	free(covered);
}

/* ---- the resource a resource policy is attached to ----------------------- */

static const struct rtype {
	const char *name;
	enum iamp_policy_type type;
	const char *service;
	size_t quota;
} rtypes[] = {
#define RT(name, type, service, quota) { name, type, service, quota },
#include "aa_resource_types.def"
#undef RT
};

static const struct rtype *rtype_of(const char *name)
{
	for (size_t i = 0; name && i < sizeof rtypes / sizeof *rtypes; i++)
		if (strcasecmp(rtypes[i].name, name) == 0)
			return &rtypes[i];
	return NULL;
}

const char *iamp_lint_resource_type(const char *name, enum iamp_policy_type *type)
{
	const struct rtype *rt = rtype_of(name);

	if (!rt)
		return NULL;
	*type = rt->type;
	return rt->name;
}

const char *iamp_lint_resource_type_names(void)
{
#define RT(name, type, service, quota) name ", "
	static const char all[] =
#include "aa_resource_types.def"
		"";
#undef RT
	static char names[sizeof all];

	if (!names[0]) {
		memcpy(names, all, sizeof all - 3); /* without the last ", " */
		names[sizeof all - 3] = '\0';
	}
	return names;
}

size_t iamp_lint_resource_quota(const struct iamp_policy *policy)
{
	const struct rtype *rt = rtype_of(policy->resource_type);

	return rt ? rt->quota : 0;
}

/* Whether the service part of an action or ARN (a pattern) can be the
 * resource type's service. */
static bool service_fits(const struct rtype *rt, const char *svc, size_t len)
{
	return iamp_catalog_glob(svc, len, rt->service, strlen(rt->service));
}

static void check_attached(struct aalint *l, const struct iamp_statement *st, const struct rentry *res)
{
	const struct rtype *rt = rtype_of(l->p->resource_type);

	if (!rt || !rt->service)
		return;
	for (size_t i = 0; i < st->action.count && !st->action.is_not; i++) {
		const struct iamp_str *a = &st->action.items[i];
		const char *colon = memchr(a->text, ':', a->len);

		if (colon && !service_fits(rt, a->text, (size_t)(colon - a->text)))
			DIAG(l, UNSUPPORTED_ACTION_IN_POLICY, a->span,
			     "\"%s\": a policy attached to %s governs %s actions only", a->text, rt->name, rt->service);
	}
	for (size_t i = 0; i < st->resource.count && !st->resource.is_not; i++) {
		const struct iamp_str *r = res[i].s;

		if (r->len < 4 || strncmp(r->text, "arn:", 4) != 0 || !res[i].split)
			continue;
		if (!service_fits(rt, res[i].field[2], res[i].flen[2]))
			DIAG(l, UNSUPPORTED_RESOURCE_ARN_IN_POLICY, r->span,
			     "\"%s\" is not a resource of %s: a policy attached to %s governs it and what it holds",
			     r->text, rt->service, rt->name);
	}
}

/* ---- statements ----------------------------------------------------------- */

/* Roles Anywhere creates sessions with all three actions: a trust
 * statement for it that lacks one fails every CreateSession. */
static void check_roles_anywhere(struct aalint *l, const struct iamp_statement *st)
{
	static const char *const needed[] = { "sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity" };
	bool service = false;

	for (size_t i = 0; i < st->principal.count; i++)
		if (st->principal.items[i].kind == IAMP_PRINCIPAL_SERVICE &&
		    strcmp(st->principal.items[i].value.text, "rolesanywhere.amazonaws.com") == 0)
			service = true;
	if (!service || st->action.is_not || st->action.symbolic || st->effect != IAMP_EFFECT_ALLOW)
		return;
	for (size_t k = 0; k < sizeof needed / sizeof *needed; k++) {
		bool has = false;

		for (size_t i = 0; i < st->action.count && !has; i++)
			has = iamp_catalog_glob(st->action.items[i].text, st->action.items[i].len, needed[k], strlen(needed[k]));
		if (!has) {
			DIAG(l, MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY, st->action.span,
			     "IAM Roles Anywhere needs sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity: %s is missing",
			     needed[k]);
			return;
		}
	}
}

/*
 * Whether the literal start of pattern part `by` (up to its first '*' or
 * '?') can cover part `in`: `in` starts with it, and is equal to it when
 * `by` has no wildcard. A necessary condition of iamp_pattern_covers
 * (match.c), read off its loop: until `by`'s first wildcard no '*' of
 * `by` has been seen, so each step must be the literal branch (the same
 * byte in `in`) or the answer is false; and once a wildcard-free `by` is
 * used up, a byte left in `in` fails the same way.
 */
static bool part_may_cover(const char *by, size_t lb, const char *in, size_t li)
{
	for (size_t i = 0; i < lb; i++) {
		if (by[i] == '*' || by[i] == '?')
			return true;
		if (i >= li || in[i] != by[i])
			return false;
	}
	return li == lb;
}

/*
 * REDUNDANT_RESOURCE's pre-filter: false only where iamp_resource_covers
 * (contain.c) is false, taking the same branches. Either entry with a
 * variable: false there too. `by` of fewer than six parts: its text
 * against `in`'s. Both of six: part by part, `in` of fewer: false. The
 * pairs of a statement mostly share "arn:aws:service:" and differ in
 * the resource type (a part "instance/..." against "volume/..."), which the text's
 * prefix alone does not see.
 */
static bool may_cover(const struct rentry *by, const struct rentry *in)
{
	if (by->var || in->var)
		return false;
	if (!by->split)
		return part_may_cover(by->s->text, by->s->len, in->s->text, in->s->len);
	if (!in->split)
		return false;
	/* the resource part first: it tells most pairs apart */
	for (int k = 5; k >= 0; k--)
		if (!part_may_cover(by->field[k], by->flen[k], in->field[k], in->flen[k]))
			return false;
	return true;
}

static bool covers(const struct rentry *by, const struct rentry *in)
{
	return may_cover(by, in) && iamp_resource_covers(by->s, in->s);
}

static void check_statement(struct aalint *l, const struct iamp_statement *st, const struct rentry *res)
{
	if (st->has_sid && st->sid.len == 0)
		DIAG(l, EMPTY_SID_VALUE, st->sid.span, "the Sid is empty: remove it or name the statement");
	for (size_t i = 0; i < st->action.count; i++) {
		const struct iamp_str *a = &st->action.items[i];
		const char *colon = memchr(a->text, ':', a->len);

		if (colon && has_wildcard(a->text, (size_t)(colon - a->text)))
			DIAG(l, WILDCARD_IN_SERVICE_NAME, a->span,
			     "\"%s\": a wildcard in the service prefix matches services no one meant, and services AWS adds later",
			     a->text);
	}
	for (size_t i = 0; i < st->resource.count; i++) {
		const struct iamp_str *r = &st->resource.items[i];
		const char *v = strstr(r->text, "${");

		if (v && (v[2] == ' ' || v[2] == '\t'))
			DIAG(l, UNSUPPORTED_SPACE_IN_VARIABLE, r->span,
			     "\"%s\": no space may follow ${ in a policy variable", r->text);
	}
	/* an entry another covers (equal bytes: DUPLICATE_VALUE's) */
	for (size_t i = 0; i < st->resource.count; i++) {
		const struct iamp_str *r = &st->resource.items[i];

		for (size_t j = 0; j < st->resource.count; j++) {
			const struct iamp_str *o = &st->resource.items[j];

			if (j != i && !(o->len == r->len && memcmp(o->text, r->text, r->len) == 0) &&
			    covers(&res[j], &res[i]) && !(covers(&res[i], &res[j]) && j > i)) {
				DIAG(l, REDUNDANT_RESOURCE, r->span, "\"%s\" adds nothing: \"%s\" (%u:%u) matches every resource it names",
				     r->text, o->text, o->span.start.line, o->span.start.col);
				break;
			}
		}
	}
	if (l->p->type == IAMP_POLICY_TRUST) {
		check_roles_anywhere(l, st);
		check_trust_actions(l, st);
		check_trust_keys(l, st);
		check_redundant_principals(l, st);
	}
	check_tag_keys(l, st);
	if (l->p->resource_type)
		check_attached(l, st, res);
}

/* ---- the walk -------------------------------------------------------------- */

/* Splits the statement's Resource entries into res[]. */
static void split_resources(struct rentry *res, const struct iamp_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		struct rentry *e = &res[i];

		e->s = &list->items[i];
		e->split = iamp_arn_split(e->s->text, e->s->len, e->field, e->flen);
		e->var = memchr(e->s->text, '$', e->s->len) != NULL;
	}
}

int iamp_lint_policy_aa(const struct iamp_policy *p, struct iamp_diags *diags)
{
	struct aalint l = { p, diags };
	struct rentry small[32], *res = small;
	size_t cap = sizeof small / sizeof *small;

	for (size_t i = 0; i < p->statement_count; i++) {
		const struct iamp_statement *st = &p->statements[i];

		if (st->resource.count > cap) {
			struct rentry *more = malloc(st->resource.count * sizeof(*more));

			if (!more) {
				diags->oom = true; /* some findings are lost, and said to be */
				break;
			}
			if (res != small)
				free(res);
			res = more;
			cap = st->resource.count;
		}
		split_resources(res, &st->resource);
		check_principals(&l, st);
		check_statement(&l, st, res);
		if (p->type == IAMP_POLICY_RCP)
			check_rcp(&l, st);
		for (size_t r = 0; r < st->resource.count; r++)
			check_arn(&l, &res[r]);
		for (size_t c = 0; c < st->condition_count; c++)
			check_condition(&l, st, c);
	}
	if (res != small)
		free(res);
	return 0;
}
