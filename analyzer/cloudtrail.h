/*
 * cloudtrail.h - CloudTrail log files in, one request per event out.
 *
 *   file.json.gz ─┐                      {"Records": [ {event}, {event}, ... ]}
 *   file.json    ─┼─▶ gzread (zlib) ─▶ scanner ─▶ one record's bytes
 *   directory    ─┤    (plain input        │        ─▶ iamp_load_buffer (strict JSON,
 *   stdin        ─┘     passes through)    │           positions) ─▶ value tree
 *                                          │        ─▶ iamp_ct_event_read ─▶ request
 *                                          └─ errors: file, record index, message
 *
 * Streaming: the scanner keeps one record at a time (at most
 * IAMP_CT_MAX_RECORD bytes), so memory stays flat whatever the number of
 * events; a stream (stdin) may hold many log documents one after the
 * other, gzip'ed or not. A record that is not valid JSON is an error
 * naming the file and the record's index (from 0), and the next record
 * is read; a truncated file is an error after the records before the
 * truncation were handed over.
 *
 * Mapping an event (CloudTrail User Guide, "CloudTrail record contents"
 * and "CloudTrail userIdentity element"):
 *   principal  userIdentity: the arn of Root, IAMUser, AssumedRole (the
 *              session), FederatedUser; an AWSAccount caller by its
 *              account (assumed: its root), "*" for ANONYMOUS_PRINCIPAL;
 *              AWSService by invokedBy. Other types are unmapped.
 *   action     eventSource's prefix ":" eventName, through
 *              cloudtrail_actions.def where the action has another name.
 *   resource   the first ARN of `resources`, else S3's bucketName/key of
 *              requestParameters; else none (an assumption).
 *   keys       aws:RequestedRegion (awsRegion), aws:SourceIp (an IP in
 *              sourceIPAddress), aws:MultiFactorAuthPresent
 *              (sessionContext.attributes.mfaAuthenticated),
 *              aws:PrincipalArn (the session's issuer for a role
 *              session), aws:PrincipalAccount, aws:userid (principalId),
 *              aws:SecureTransport (tlsDetails present), aws:SourceVpce
 *              (vpcEndpointId), aws:ViaAWSService
 *              and aws:CalledVia (invokedBy), aws:PrincipalIsAWSService,
 *              aws:ResourceAccount (resources' accountId, else
 *              recipientAccountId).
 * Failed events (errorCode) and what is not an API call (eventType other
 * than AwsApiCall) are classified, never decided.
 */
#ifndef IAMP_CLOUDTRAIL_H
#define IAMP_CLOUDTRAIL_H

#include <stdbool.h>
#include <stddef.h>

#include "context.h"

struct iamp_arena;
struct iamp_value;

/* The largest record the scanner keeps (AWS's records are far smaller). */
#define IAMP_CT_MAX_RECORD (4u << 20)

/* Handed each record's JSON text; `index` counts records of the file
 * from 0. Return non-zero to stop reading (that value is returned). */
typedef int (*iamp_ct_record_fn)(void *ctx, const char *path, size_t index, const char *json,
				 size_t len);
/* Told each problem of the input; reading goes on where it can. `index`
 * is the record's, or (size_t)-1 for the file as a whole. */
typedef void (*iamp_ct_error_fn)(void *ctx, const char *path, size_t index, const char *msg);

/*
 * Reads `path`: a log file (gzip'ed or plain), a directory tree (its
 * regular files whose names end .json or .json.gz, in name order; names
 * starting with '.' skipped) or "-" for a stream on standard input.
 * Returns 0 when everything could be opened (problems within records go
 * to `err`), IAMP_EIO when something could not (also told to `err`), or
 * what `rec` returned to stop.
 */
int iamp_ct_read_path(const char *path, iamp_ct_record_fn rec, iamp_ct_error_fn err, void *ctx);

/* Handed each log file that iamp_ct_list_path finds ("-" for standard
 * input). Return non-zero to stop (that value is returned). */
typedef int (*iamp_ct_file_fn)(void *ctx, const char *path);

/* The log files iamp_ct_read_path would read, in the same order, without
 * reading them: so that a caller can spread them over threads. */
int iamp_ct_list_path(const char *path, iamp_ct_file_fn file, iamp_ct_error_fn err, void *ctx);

/* The same for one open file descriptor (closed on return); `name` for
 * messages. */
int iamp_ct_read_fd(int fd, const char *name, iamp_ct_record_fn rec, iamp_ct_error_fn err,
		    void *ctx);

enum iamp_ct_status {
	IAMP_CT_OK,          /* a request to decide */
	IAMP_CT_FAILED,      /* errorCode: the call failed */
	IAMP_CT_NOT_API,     /* eventType is not AwsApiCall (sign-in, service event, ...) */
	IAMP_CT_UNMAPPED     /* what the request is cannot be told: `reason` */
};

/* What a mapped event's request rests on (bits of iamp_ct_event.assumptions). */
enum iamp_ct_assumption {
	IAMP_CT_ASSUME_NO_RESOURCE = 1u << 0,   /* the record names no resource */
	IAMP_CT_ASSUME_ACCOUNT_ROOT = 1u << 1,  /* an AWSAccount caller, taken as its root */
	IAMP_CT_ASSUME_UNKNOWN_ACTION = 1u << 2 /* the action is not in the catalog */
};

/* The text of one assumption bit. */
const char *iamp_ct_assumption_text(enum iamp_ct_assumption a);

struct iamp_ct_event {
	enum iamp_ct_status status;
	const char *reason;      /* UNMAPPED, FAILED, NOT_API: why, as text */
	const char *id;          /* eventID, or "" */
	const char *time;        /* eventTime, or "" */
	const char *identity_type; /* userIdentity.type, or "" */
	const char *account;     /* the caller's account (userIdentity.accountId), or "" */
	const char *principal_arn; /* aws:PrincipalArn: the role for a session; the
				      principal otherwise */
	unsigned assumptions;    /* IAMP_CT_ASSUME_* */
	struct iamp_request req; /* strings in the record's tree or the arena */
};

/*
 * Reads one record's value tree into `out`. Strings point into the tree
 * or `arena`. Returns 0 (see out->status) or IAMP_ENOMEM.
 */
int iamp_ct_event_read(struct iamp_ct_event *out, struct iamp_arena *arena,
		       const struct iamp_value *record);

/*
 * The action of event `name` of `source` ("s3.amazonaws.com",
 * "HeadObject") into buf ("s3:GetObject"). Returns its length, or 0 when
 * the source is not "<prefix>.amazonaws.com" or buf is too small.
 */
size_t iamp_ct_action(char *buf, size_t size, const char *source, const char *name);

/* Whether a record gives condition key `name` whenever AWS sends it for
 * the request (aws:SourceIp, aws:PrincipalArn, ...): a request without
 * it is one AWS sent without it. Other keys (aws:PrincipalTag/...,
 * aws:ResourceTag/..., service keys) are unknown to a replay. */
bool iamp_ct_key_carried(const char *name, size_t len);

/* Whether cloudtrail_actions.def's event table is sorted (a test). */
bool iamp_ct_table_sorted(void);

#endif
