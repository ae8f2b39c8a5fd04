/*
 * org.h - the organization model read from org.yaml.
 *
 *   management_account: "111111111111"    # optional: SCPs do not limit it
 *   root:
 *     scps: [FullAWSAccess]               # omitted: FullAWSAccess, AWS's default
 *     rcps: [rcp/secure-transport.json]   # RCPFullAWSAccess is always implied
 *     ous:
 *       - name: Workloads
 *         scps: [FullAWSAccess, scp/deny-regions.json]
 *         accounts:
 *           - id: "222233334444"
 *             name: prod
 *             scps: [FullAWSAccess]
 *         ous: [...]                      # nested OUs
 *     accounts: [...]                     # accounts directly under the root
 *   principals:                           # optional
 *     - arn: arn:aws:iam::222233334444:role/app
 *       identity: [iam/app.json]
 *       boundary: iam/boundary.json
 *
 *   root ─▶ OU ─▶ ... ─▶ account        one SCP level per node on the path
 *
 * Policy paths are relative to the directory of org.yaml; the name
 * FullAWSAccess (for SCPs) stands for AWS's managed full-access policy.
 * Problems in the file are diagnostics at their position (WRONG_TYPE,
 * UNKNOWN_ELEMENT, EMPTY_ELEMENT, DUPLICATE_VALUE), never errors.
 */
#ifndef IAMP_ORG_H
#define IAMP_ORG_H

#include <stdbool.h>
#include <stddef.h>

#include "load.h"
#include "span.h"

enum iamp_org_kind { IAMP_ORG_ROOT, IAMP_ORG_OU, IAMP_ORG_ACCOUNT };

/* A policy attached in org.yaml: a file, or AWS's full-access policy. */
struct iamp_org_ref {
	const char *path;   /* resolved against org.yaml's directory; NULL for FullAWSAccess */
	bool full_access;
	struct iamp_span span;
};

struct iamp_org_node {
	enum iamp_org_kind kind;
	const char *name;   /* "Root", the OU's name, the account's name (or id) */
	const char *id;     /* accounts: the 12-digit id; NULL otherwise */
	struct iamp_span span;
	bool has_scps;      /* false: FullAWSAccess only */
	struct iamp_org_ref *scps;
	size_t scp_count;
	struct iamp_org_ref *rcps;
	size_t rcp_count;
	struct iamp_org_node *parent;
	struct iamp_org_node **children;
	size_t child_count;
};

struct iamp_org_principal {
	const char *arn;
	struct iamp_span span;
	struct iamp_org_ref *identity;
	size_t identity_count;
	bool has_boundary;
	struct iamp_org_ref boundary;
};

struct iamp_org {
	struct iamp_document *doc; /* owns every string and node */
	const char *management_account; /* or NULL */
	struct iamp_org_node *root;
	struct iamp_org_principal *principals;
	size_t principal_count;
};

/*
 * Reads org.yaml (or JSON of the same shape). Problems are appended to
 * `diags`; *out is NULL when the file has no usable root. Returns 0,
 * IAMP_EIO (unreadable) or IAMP_ENOMEM.
 */
int iamp_org_load(struct iamp_org **out, const char *path, const struct iamp_limits *limits,
		  struct iamp_diags *diags);
void iamp_org_free(struct iamp_org *org);

/* The account node with this id, or NULL. */
const struct iamp_org_node *iamp_org_account(const struct iamp_org *org, const char *id);

/* The nodes from the root down to `node`, into out[0..max); returns how
 * many there are (which may exceed max). */
size_t iamp_org_path(const struct iamp_org_node *node, const struct iamp_org_node **out,
		     size_t max);

/* Whether AWS's FullAWSAccess is attached at the node (or no SCP is
 * named, which leaves AWS's default attachment). */
bool iamp_org_scp_full(const struct iamp_org_node *node);

/* "root", "OU Workloads", "account prod (222233334444)". */
void iamp_org_node_name(char *buf, size_t size, const struct iamp_org_node *node);

/* Whether RCPs govern the actions of the lower-case service prefix
 * svc[0..len) (rcp_services.def). */
bool iamp_org_rcp_service(const char *svc, size_t len);

/* Whether rcp_services.def is sorted, as the search needs (a test). */
bool iamp_org_rcp_services_sorted(void);

#endif
