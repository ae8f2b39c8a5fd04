/*
 * principal.h - who makes a request, and whether a policy's Principal or
 * NotPrincipal names it. One model for lint, the evaluator and the prover.
 *
 *   "*" or "anonymous"                                  anonymous
 *   "111122223333", arn:aws:iam::111122223333:root      the account's root user
 *   arn:aws:iam::111122223333:user/path/alice           an IAM user
 *   arn:aws:iam::111122223333:role/path/app             an IAM role
 *   arn:aws:sts::111122223333:assumed-role/app/s1       a session of role "app"
 *   arn:aws:sts::111122223333:federated-user/bob        a GetFederationToken session
 *   cloudtrail.amazonaws.com                            a service principal
 *
 * A service-linked role lives under the path /aws-service-role/ and is
 * named AWSServiceRoleFor...; a session ARN carries no path, so a session
 * is of a service-linked role when its role name starts so.
 *
 * How a resource policy's Principal names the caller decides what it can
 * grant (decide.h): an ARN of the user or session itself is DIRECT (not
 * limited by a boundary or session policy), the role of a session or "*"
 * is ROLE or WILD (limited), the account is ACCOUNT (delegates to the
 * account's identity policies).
 *
 * NotPrincipal (IAM User Guide, "AWS JSON policy elements: NotPrincipal"):
 * AWS checks each entity of the caller's chain, the account first, then
 * the role, then the session, so a caller is spared only when the
 * account is listed too: the account (its root user) by the account ARN;
 * a user by the account and the user ARN; a role session by the account
 * and the role ARN or the session ARN. A caller with a permissions
 * boundary is never spared by a NotPrincipal Deny.
 */
#ifndef IAMP_PRINCIPAL_H
#define IAMP_PRINCIPAL_H

#include <stdbool.h>
#include <stddef.h>

#include "policy.h"

enum iamp_caller_kind {
	IAMP_CALLER_ANONYMOUS,
	IAMP_CALLER_ROOT,
	IAMP_CALLER_USER,
	IAMP_CALLER_ROLE,
	IAMP_CALLER_SESSION,
	IAMP_CALLER_FEDERATED_USER,
	IAMP_CALLER_SERVICE,
	IAMP_CALLER_OTHER
};

struct iamp_caller {
	enum iamp_caller_kind kind;
	const char *arn;       /* the principal as given */
	size_t arn_len;
	const char *partition; /* of an ARN, or NULL */
	size_t partition_len;
	const char *account;   /* the 12-digit account, or NULL */
	size_t account_len;
	const char *role_name; /* roles and sessions: the role's name */
	size_t role_name_len;
	bool slr;              /* a service-linked role or a session of one */
};

/*
 * An IAM principal of an account (root, user, role, session, federated
 * user): the callers that have identity policies and that SCPs govern.
 * Anonymous callers, service principals and OTHER (a SAML or OIDC
 * provider's federated caller, any form not known) have neither: their
 * requests are authorized by resource and trust policies alone.
 */
bool iamp_caller_is_person(enum iamp_caller_kind kind);

/* Reads the principal of a request. Never fails: unknown forms are OTHER. */
void iamp_caller_parse(struct iamp_caller *out, const char *s, size_t len);

/* "user", "role session", ... for messages. */
const char *iamp_caller_kind_name(enum iamp_caller_kind kind);

/*
 * The ARN of the role of a session, "arn:P:iam::A:role/NAME" (a session
 * ARN has no path, so neither has this), into buf[0..cap). Returns its
 * length, 0 when the caller is not a session or cap is too small.
 */
size_t iamp_caller_role_arn(char *buf, size_t cap, const struct iamp_caller *c);

/* Whether `arn` is the caller, or the role of which the caller is a
 * session (matched by account and role name, whatever the role's path). */
bool iamp_caller_is(const struct iamp_caller *c, const char *arn, size_t len);

/* How a Principal value names the caller: weakest grant first. */
enum iamp_pmatch { IAMP_PM_NONE, IAMP_PM_ACCOUNT, IAMP_PM_WILD, IAMP_PM_ROLE, IAMP_PM_DIRECT };

/* One Principal value of kind `kind` (AWS, Service, ...) against the caller. */
enum iamp_pmatch iamp_principal_value_match(enum iamp_principal_kind kind, const char *text,
					    size_t len, const struct iamp_caller *c);

/* What a NotPrincipal value names of the caller's chain (IAMP_NAMES_*). */
#define IAMP_NAMES_ACCOUNT 1u
#define IAMP_NAMES_ROLE 2u
#define IAMP_NAMES_SELF 4u
#define IAMP_NAMES_ALL 8u  /* "*" */
unsigned iamp_principal_value_names(enum iamp_principal_kind kind, const char *text, size_t len,
				    const struct iamp_caller *c);

/* Whether NotPrincipal values that name `names` (ORed IAMP_NAMES_*) spare
 * the caller. `has_boundary`: the caller has a permissions boundary. */
bool iamp_principal_spared(unsigned names, const struct iamp_caller *c, bool has_boundary);

#endif
