/*
 * cloudtrail.c - CloudTrail log files into requests; see cloudtrail.h.
 * The only file that includes zlib.h.
 */
#include "cloudtrail.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "arena.h"
#include "arn.h"
#include "catalog.h"
#include "error.h"
#include "load.h"
#include "match.h"

/* ---- reading ------------------------------------------------------------- */

struct reader {
	gzFile gz;
	const char *name;
	unsigned char buf[1 << 16];
	size_t pos, len;
	bool eof, failed;
	char *rec;          /* the record being kept */
	size_t rec_len, rec_cap;
	bool rec_over;      /* the record passed IAMP_CT_MAX_RECORD */
	iamp_ct_record_fn on_record;
	iamp_ct_error_fn on_error;
	void *ctx;
};

static int next_byte(struct reader *r)
{
	if (r->pos == r->len) {
		int n;

		if (r->eof)
			return EOF;
		n = gzread(r->gz, r->buf, sizeof(r->buf));
		if (n <= 0) {
			int zerr;

			if (n < 0 || (gzerror(r->gz, &zerr), zerr != Z_OK && zerr != Z_BUF_ERROR))
				r->failed = true;
			r->eof = true;
			return EOF;
		}
		r->pos = 0;
		r->len = (size_t)n;
	}
	return r->buf[r->pos++];
}

static int peek_byte(struct reader *r)
{
	int c = next_byte(r);

	if (c != EOF)
		r->pos--;
	return c;
}

static int skip_ws(struct reader *r)
{
	int c;

	while ((c = next_byte(r)) == ' ' || c == '\t' || c == '\n' || c == '\r')
		;
	return c;
}

static void keep(struct reader *r, int c)
{
	if (!r->rec || r->rec_over)
		return;
	if (r->rec_len + 2 > r->rec_cap) {
		size_t cap = r->rec_cap * 2;
		char *n;

		if (cap > IAMP_CT_MAX_RECORD + 2) {
			r->rec_over = true;
			return;
		}
		if (!(n = realloc(r->rec, cap))) {
			r->rec_over = true;
			return;
		}
		r->rec = n;
		r->rec_cap = cap;
	}
	r->rec[r->rec_len++] = (char)c;
}

static void keep_n(struct reader *r, const unsigned char *p, size_t n)
{
	if (!r->rec || r->rec_over || !n)
		return;
	if (r->rec_len + n + 2 > r->rec_cap) {
		size_t cap = r->rec_cap;
		char *nr;

		while (cap < r->rec_len + n + 2)
			cap *= 2;
		if (cap > IAMP_CT_MAX_RECORD + 2 || !(nr = realloc(r->rec, cap))) {
			r->rec_over = true;
			return;
		}
		r->rec = nr;
		r->rec_cap = cap;
	}
	memcpy(r->rec + r->rec_len, p, n);
	r->rec_len += n;
}

/*
 * The rest of a string whose opening quote was read, up to and with its
 * closing quote, kept when r->rec is set. The bytes between quotes and
 * backslashes are copied as runs: most of a record is strings. Returns
 * 0, or -1 at the end of the input.
 */
static int scan_string(struct reader *r)
{
	for (;;) {
		const unsigned char *p, *q, *end;
		int c;

		if (r->pos == r->len && peek_byte(r) == EOF)
			return -1;
		p = q = r->buf + r->pos;
		end = r->buf + r->len;
		while (q < end && *q != '"' && *q != '\\')
			q++;
		keep_n(r, p, (size_t)(q - p));
		r->pos = (size_t)(q - r->buf);
		if (q == end)
			continue;
		c = r->buf[r->pos++];
		keep(r, c);
		if (c == '"')
			return 0;
		/* a backslash: the next byte is escaped, whatever it is */
		if ((c = next_byte(r)) == EOF)
			return -1;
		keep(r, c);
	}
}

/*
 * Reads one JSON value whose first byte `c` was read, keeping its bytes
 * when r->rec is set. Only brackets and strings are followed: the value
 * is checked by the loader afterwards. Returns 0, or -1 at the end of
 * the input (truncated).
 */
static int scan_value(struct reader *r, int c)
{
	unsigned depth = 0;

	for (;;) {
		if (c == EOF)
			return -1;
		keep(r, c);
		if (c == '"') {
			if (scan_string(r) != 0)
				return -1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth)
				depth--;
		}
		if (depth == 0) {
			int p = peek_byte(r);

			/* a scalar goes on to the next delimiter */
			if (c == '"' || c == '}' || c == ']' || p == EOF || p == ',' || p == '}' ||
			    p == ']' || p == ' ' || p == '\n' || p == '\r' || p == '\t')
				return 0;
		}
		c = next_byte(r);
	}
}

static void say(struct reader *r, size_t index, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	r->on_error(r->ctx, r->name, index, msg);
}

/* Reads a key string (its opening quote read) into buf, cut at size. */
static int scan_key(struct reader *r, char *buf, size_t size)
{
	size_t n = 0;
	bool esc = false;
	int c;

	for (;;) {
		if ((c = next_byte(r)) == EOF)
			return -1;
		if (!esc && c == '"')
			break;
		esc = !esc && c == '\\';
		if (n + 1 < size)
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return 0;
}

/* The Records array, its '[' read. Returns 0, -1 truncated, -2 malformed,
 * -3 a problem already told, or what the callback returned (> 0). */
static int scan_records(struct reader *r)
{
	size_t index = 0;
	int c = skip_ws(r);

	if (c == ']')
		return 0;
	for (;; index++) {
		int rc;

		if (c != '{') {
			if (c == EOF)
				return -1;
			say(r, index, "a record is not a JSON object (found '%s'): the rest of the file is not read",
			    (char[]){ (char)c, '\0' });
			return -3;
		}
		r->rec_len = 0;
		r->rec_over = false;
		if (scan_value(r, c) != 0) {
			if (!r->failed)
				say(r, index, "%s", "the file ends inside this record (truncated)");
			return -3;
		}
		if (r->rec_over) {
			say(r, index, "%s", "a record over 4 MiB: not read");
		} else if ((rc = r->on_record(r->ctx, r->name, index, r->rec, r->rec_len)) != 0) {
			return rc;
		}
		c = skip_ws(r);
		if (c == ']')
			return 0;
		if (c != ',') {
			if (c == EOF)
				return -1;
			say(r, index + 1, "%s", "expected ',' or ']' after a record: the rest of the file is not read");
			return -3;
		}
		c = skip_ws(r);
	}
}

/* One log document, its '{' read: returns 0, -1 truncated, -2 malformed,
 * or what the callback returned. */
static int scan_document(struct reader *r, bool *has_records)
{
	char key[64];
	int c = skip_ws(r);

	if (c == '}')
		return 0;
	for (;;) {
		int rc;

		if (c != '"')
			return c == EOF ? -1 : -2;
		if (scan_key(r, key, sizeof(key)) != 0)
			return -1;
		if ((c = skip_ws(r)) != ':')
			return c == EOF ? -1 : -2;
		c = skip_ws(r);
		if (strcmp(key, "Records") == 0 && c == '[') {
			*has_records = true;
			if ((rc = scan_records(r)) != 0)
				return rc;
		} else {
			char *keep_rec = r->rec;

			r->rec = NULL; /* skipped, not kept */
			rc = scan_value(r, c);
			r->rec = keep_rec;
			if (rc != 0)
				return -1;
		}
		c = skip_ws(r);
		if (c == '}')
			return 0;
		if (c != ',')
			return c == EOF ? -1 : -2;
		c = skip_ws(r);
	}
}

int iamp_ct_read_fd(int fd, const char *name, iamp_ct_record_fn rec, iamp_ct_error_fn err,
		    void *ctx)
{
	struct reader *r = calloc(1, sizeof(*r));
	int rc = 0, c;

	if (!r) {
		close(fd);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	r->name = name;
	r->on_record = rec;
	r->on_error = err;
	r->ctx = ctx;
	r->rec_cap = 1 << 14;
	if (!(r->rec = malloc(r->rec_cap)) || !(r->gz = gzdopen(fd, "rb"))) {
		if (r->rec)
			close(fd);
		free(r->rec);
		free(r);
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	}
	gzbuffer(r->gz, 1 << 16);
	/* a stream holds one document after another */
	while ((c = skip_ws(r)) != EOF) {
		bool has_records = false;

		if (c != '{') {
			say(r, (size_t)-1, "%s", "not a CloudTrail log file (expected {\"Records\": [...]})");
			break;
		}
		rc = scan_document(r, &has_records);
		if (rc == -1 && !r->failed) { /* -3: told already */
			say(r, (size_t)-1, "%s", "the file ends early (truncated)");
		} else if (rc == -2) {
			say(r, (size_t)-1, "%s", "malformed JSON around the records: the rest of the file is not read");
		} else if (rc == 0 && !has_records) {
			say(r, (size_t)-1, "%s", "no \"Records\" array: not a CloudTrail log file (a digest file?)");
		}
		if (rc != 0)
			break;
	}
	if (r->failed)
		say(r, (size_t)-1, "%s", "cannot decompress: not gzip, or corrupt");
	if (rc < 0)
		rc = 0; /* told to the error callback; the run goes on */
	gzclose(r->gz);
	free(r->rec);
	free(r);
	return rc;
}

static bool log_name(const char *name)
{
	size_t n = strlen(name);

	if (name[0] == '.')
		return false;
	return (n > 5 && strcmp(name + n - 5, ".json") == 0) ||
	       (n > 8 && strcmp(name + n - 8, ".json.gz") == 0);
}

/* Calls `file` for each log file of the tree at `path`, in name order. */
static int list_tree(const char *path, int depth, iamp_ct_file_fn file, iamp_ct_error_fn err,
		     void *ctx)
{
	struct dirent **names = NULL;
	int n, rc = 0;

	if (depth > 32) {
		err(ctx, path, (size_t)-1, "directories nested too deep: not read");
		return 0;
	}
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		err(ctx, path, (size_t)-1, strerror(errno));
		return iamp_error_set(IAMP_EIO, "%s: %s", path, strerror(errno));
	}
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char *full;
		struct stat st;

		if (rc > 0 || name[0] == '.')
			continue;
		if (asprintf(&full, "%s/%s", path, name) < 0) {
			rc = iamp_error_set(IAMP_ENOMEM, "out of memory");
			continue;
		}
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode)) {
			int sub = list_tree(full, depth + 1, file, err, ctx);

			if (sub > 0 || (sub < 0 && rc == 0))
				rc = sub;
		} else if (stat(full, &st) == 0 && S_ISREG(st.st_mode) && log_name(name)) {
			int sub = file(ctx, full);

			if (sub != 0)
				rc = sub;
		}
		free(full);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int iamp_ct_list_path(const char *path, iamp_ct_file_fn file, iamp_ct_error_fn err, void *ctx)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return file(ctx, path);
	if (stat(path, &st) != 0) {
		err(ctx, path, (size_t)-1, strerror(errno));
		return iamp_error_set(IAMP_EIO, "%s: %s", path, strerror(errno));
	}
	if (S_ISDIR(st.st_mode))
		return list_tree(path, 0, file, err, ctx);
	if (!S_ISREG(st.st_mode)) {
		err(ctx, path, (size_t)-1, "not a regular file");
		return iamp_error_set(IAMP_EIO, "%s: not a regular file", path);
	}
	return file(ctx, path);
}

struct read_ctx {
	iamp_ct_record_fn rec;
	iamp_ct_error_fn err;
	void *ctx;
};

static int read_one(void *ctx, const char *path)
{
	struct read_ctx *r = ctx;
	int fd;

	if (strcmp(path, "-") == 0)
		return iamp_ct_read_fd(dup(0), "<stdin>", r->rec, r->err, r->ctx);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		r->err(r->ctx, path, (size_t)-1, strerror(errno));
		return iamp_error_set(IAMP_EIO, "%s: %s", path, strerror(errno));
	}
	return iamp_ct_read_fd(fd, path, r->rec, r->err, r->ctx);
}

static void read_error(void *ctx, const char *path, size_t index, const char *msg)
{
	struct read_ctx *r = ctx;

	r->err(r->ctx, path, index, msg);
}

int iamp_ct_read_path(const char *path, iamp_ct_record_fn rec, iamp_ct_error_fn err, void *ctx)
{
	struct read_ctx r = { rec, err, ctx };

	return iamp_ct_list_path(path, read_one, read_error, &r);
}

/* ---- the action ---------------------------------------------------------- */

struct ct_source {
	const char *source, *prefix;
	bool strip;
};

static const struct ct_source sources[] = {
#define IAMP_CT_SOURCE(s, p, strip) { s, p, strip },
#include "cloudtrail_actions.def"
#undef IAMP_CT_SOURCE
};

struct ct_action {
	const char *source, *name, *action;
};

static const struct ct_action actions[] = {
#define IAMP_CT_ACTION(s, n, a) { s, n, a },
#include "cloudtrail_actions.def"
#undef IAMP_CT_ACTION
};

static int action_cmp(const char *source, const char *name, const struct ct_action *a)
{
	int c = strcmp(source, a->source);

	return c ? c : strcmp(name, a->name);
}

bool iamp_ct_table_sorted(void)
{
	for (size_t i = 1; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (action_cmp(actions[i - 1].source, actions[i - 1].name, &actions[i]) >= 0)
			return false;
	return true;
}

size_t iamp_ct_action(char *buf, size_t size, const char *source, const char *name)
{
	static const char suffix[] = ".amazonaws.com";
	size_t lo = 0, hi = sizeof(actions) / sizeof(actions[0]);
	size_t slen = strlen(source), plen, nlen = strlen(name);
	const char *prefix = source;
	bool strip = false;
	int n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = action_cmp(source, name, &actions[mid]);

		if (c == 0) {
			n = snprintf(buf, size, "%s", actions[mid].action);
			return n > 0 && (size_t)n < size ? (size_t)n : 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (slen <= sizeof(suffix) - 1 || strcmp(source + slen - (sizeof(suffix) - 1), suffix) != 0)
		return 0;
	plen = slen - (sizeof(suffix) - 1);
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		if (strcmp(sources[i].source, source) == 0) {
			prefix = sources[i].prefix;
			plen = strlen(prefix);
			strip = sources[i].strip;
		}
	}
	if (strip) {
		/* "GetFunction20150331v2": drop v<digits>, then eight digits */
		size_t k = nlen;

		while (k && name[k - 1] >= '0' && name[k - 1] <= '9')
			k--;
		if (k < nlen && k && name[k - 1] == 'v')
			nlen = k - 1;
		k = nlen;
		while (k && name[k - 1] >= '0' && name[k - 1] <= '9')
			k--;
		if (nlen - k == 8 && k)
			nlen = k;
	}
	if (!plen || !nlen)
		return 0;
	n = snprintf(buf, size, "%.*s:%.*s", (int)plen, prefix, (int)nlen, name);
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

/* The keys a record gives whenever AWS sends them (cloudtrail.h): one of
 * them missing from the request is absent, not unknown. */
static const char *const carried[] = {
	"aws:CalledVia", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount", "aws:PrincipalArn",
	"aws:PrincipalIsAWSService", "aws:PrincipalServiceName", "aws:RequestedRegion",
	"aws:SecureTransport", "aws:SourceIp", "aws:SourceVpce", "aws:ViaAWSService", "aws:userid",
};

bool iamp_ct_key_carried(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(carried) / sizeof(carried[0]); i++)
		if (iamp_equals_ignore_case(carried[i], strlen(carried[i]), name, len))
			return true;
	return false;
}

/* ---- the event ------------------------------------------------------------ */

const char *iamp_ct_assumption_text(enum iamp_ct_assumption a)
{
	switch (a) {
	case IAMP_CT_ASSUME_NO_RESOURCE:
		return "the record names no resource: statements with a Resource other than \"*\" taken as not applying";
	case IAMP_CT_ASSUME_ACCOUNT_ROOT:
		return "the caller is known by its account only (userIdentity AWSAccount): taken as the account's root";
	case IAMP_CT_ASSUME_UNKNOWN_ACTION:
		return "the action is not in the catalog: decided by its name";
	}
	return "?";
}

static const char *str_of(const struct iamp_value *obj, const char *key)
{
	const struct iamp_member *m = obj && obj->kind == IAMP_VALUE_OBJECT ? iamp_value_member(obj, key) : NULL;

	return m && m->value->kind == IAMP_VALUE_STRING ? m->value->u.str.text : NULL;
}

static const struct iamp_value *obj_of(const struct iamp_value *obj, const char *key)
{
	const struct iamp_member *m = obj && obj->kind == IAMP_VALUE_OBJECT ? iamp_value_member(obj, key) : NULL;

	return m && m->value->kind == IAMP_VALUE_OBJECT ? m->value : NULL;
}

#define MAX_KEYS 16

struct keys {
	struct iamp_ctx_key k[MAX_KEYS];
	struct iamp_ctx_value v[MAX_KEYS];
	size_t n;
};

static void add_key(struct keys *ks, const char *name, const char *value)
{
	if (!value || ks->n == MAX_KEYS)
		return;
	ks->v[ks->n] = (struct iamp_ctx_value){ value, strlen(value) };
	ks->k[ks->n] = (struct iamp_ctx_key){ name, strlen(name), &ks->v[ks->n], 1, false };
	ks->n++;
}

static bool is_ip(const char *s)
{
	struct iamp_ip ip;

	return s && iamp_ip_parse(&ip, s, strlen(s));
}

static const char *unmapped(struct iamp_ct_event *out, const char *reason)
{
	out->status = IAMP_CT_UNMAPPED;
	out->reason = reason;
	return NULL;
}

/* The principal of the record, or NULL (out->status says why). */
static const char *principal_of(struct iamp_ct_event *out, const struct iamp_value *ui,
				const char **issuer)
{
	const char *type = str_of(ui, "type"), *arn = str_of(ui, "arn");

	*issuer = NULL;
	if (!ui)
		return unmapped(out, "no userIdentity");
	if (!type)
		return unmapped(out, "userIdentity has no type");
	out->identity_type = type;
	if (strcmp(type, "Root") == 0 || strcmp(type, "IAMUser") == 0 ||
	    strcmp(type, "FederatedUser") == 0) {
		return arn ? arn : unmapped(out, "userIdentity has no arn");
	}
	if (strcmp(type, "AssumedRole") == 0) {
		const struct iamp_value *issuer_v = obj_of(obj_of(ui, "sessionContext"), "sessionIssuer");

		*issuer = str_of(issuer_v, "arn");
		return arn ? arn : unmapped(out, "userIdentity has no arn");
	}
	if (strcmp(type, "AWSAccount") == 0) {
		const char *acct = str_of(ui, "accountId");

		if (acct && strcmp(acct, "ANONYMOUS_PRINCIPAL") == 0)
			return "*";
		if (!acct || !iamp_is_account_id(acct, strlen(acct)))
			return unmapped(out, "an AWSAccount caller without a 12-digit accountId");
		out->assumptions |= IAMP_CT_ASSUME_ACCOUNT_ROOT;
		return acct;
	}
	if (strcmp(type, "AWSService") == 0) {
		const char *by = str_of(ui, "invokedBy");

		return by ? by : unmapped(out, "an AWSService caller without invokedBy");
	}
	if (strcmp(type, "SAMLUser") == 0 || strcmp(type, "WebIdentityUser") == 0)
		return unmapped(out, "a SAML or web identity caller (AssumeRoleWith*): no IAM principal of an account");
	if (strcmp(type, "IdentityCenterUser") == 0)
		return unmapped(out, "an IAM Identity Center user: no IAM principal of an account");
	return unmapped(out, "a userIdentity type that names no IAM principal");
}

/* The resource and its account, from `resources` or S3's parameters. */
static const char *resource_of(struct iamp_ct_event *out, struct iamp_arena *arena,
			       const struct iamp_value *rec, const char *source,
			       const char **account)
{
	const struct iamp_member *m = iamp_value_member(rec, "resources");
	const char *found = NULL;

	*account = NULL;
	if (m && m->value->kind == IAMP_VALUE_ARRAY) {
		for (size_t i = 0; i < m->value->u.array.count; i++) {
			const struct iamp_value *r = m->value->u.array.items[i];
			const char *arn = str_of(r, "ARN"), *acct = str_of(r, "accountId");

			if (!found && arn && strncmp(arn, "arn:", 4) == 0)
				found = arn;
			if (!*account && acct)
				*account = acct;
		}
	}
	if (!found && source && strcmp(source, "s3.amazonaws.com") == 0) {
		const struct iamp_value *p = obj_of(rec, "requestParameters");
		const char *bucket = str_of(p, "bucketName"), *key = str_of(p, "key");

		if (bucket) {
			size_t n = strlen("arn:aws:s3:::") + strlen(bucket) + (key ? strlen(key) + 1 : 0) + 1;
			char *arn = iamp_arena_alloc(arena, n);

			if (!arn)
				return NULL;
			snprintf(arn, n, "arn:aws:s3:::%s%s%s", bucket, key ? "/" : "", key ? key : "");
			found = arn;
		}
	}
	(void)out;
	return found;
}

int iamp_ct_event_read(struct iamp_ct_event *out, struct iamp_arena *arena,
		       const struct iamp_value *rec)
{
	const struct iamp_value *ui = obj_of(rec, "userIdentity");
	const char *source = str_of(rec, "eventSource"), *name = str_of(rec, "eventName");
	const char *etype = str_of(rec, "eventType"), *err = str_of(rec, "errorCode");
	const char *principal, *issuer, *resource, *res_account, *by;
	char action[256];
	size_t alen;
	struct keys *ks;
	const struct iamp_value *attrs;

	memset(out, 0, sizeof(*out));
	out->id = str_of(rec, "eventID") ? str_of(rec, "eventID") : "";
	out->time = str_of(rec, "eventTime") ? str_of(rec, "eventTime") : "";
	out->identity_type = "";
	out->account = "";
	out->principal_arn = "";
	if (!rec || rec->kind != IAMP_VALUE_OBJECT) {
		unmapped(out, "the record is not an object");
		return 0;
	}
	if (err) {
		out->status = IAMP_CT_FAILED;
		out->reason = err;
		return 0;
	}
	if (etype && strcmp(etype, "AwsApiCall") != 0) {
		out->status = IAMP_CT_NOT_API;
		out->reason = etype;
		return 0;
	}
	if (!source || !name) {
		unmapped(out, "no eventSource or eventName");
		return 0;
	}
	if (!(alen = iamp_ct_action(action, sizeof(action), source, name))) {
		unmapped(out, "an eventSource that names no service prefix");
		return 0;
	}
	if (!(principal = principal_of(out, ui, &issuer)))
		return 0;
	if (!(out->req.action = iamp_arena_strndup(arena, action, alen)) || !(ks = iamp_arena_alloc(arena, sizeof(*ks))))
		return iamp_error_set(IAMP_ENOMEM, "out of memory");
	out->req.action_len = alen;
	if (!iamp_catalog_action(action, alen))
		out->assumptions |= IAMP_CT_ASSUME_UNKNOWN_ACTION;
	out->req.principal = principal;
	out->req.principal_len = strlen(principal);
	out->account = str_of(ui, "accountId") && iamp_is_account_id(str_of(ui, "accountId"), 12) ?
		       str_of(ui, "accountId") : "";
	resource = resource_of(out, arena, rec, source, &res_account);
	if (resource) {
		out->req.resource = resource;
		out->req.resource_len = strlen(resource);
	} else {
		out->req.resource = "*";
		out->req.resource_len = 1;
		out->assumptions |= IAMP_CT_ASSUME_NO_RESOURCE;
	}
	if (!res_account)
		res_account = str_of(rec, "recipientAccountId");

	/* keys */
	add_key(ks, "aws:RequestedRegion", str_of(rec, "awsRegion"));
	if (is_ip(str_of(rec, "sourceIPAddress")))
		add_key(ks, "aws:SourceIp", str_of(rec, "sourceIPAddress"));
	attrs = obj_of(obj_of(ui, "sessionContext"), "attributes");
	add_key(ks, "aws:MultiFactorAuthPresent", str_of(attrs, "mfaAuthenticated"));
	if (strcmp(principal, "*") != 0 && strcmp(out->identity_type, "AWSService") != 0) {
		out->principal_arn = issuer ? issuer : str_of(ui, "arn");
		add_key(ks, "aws:PrincipalArn", out->principal_arn);
		if (out->account[0])
			add_key(ks, "aws:PrincipalAccount", out->account);
		add_key(ks, "aws:userid", str_of(ui, "principalId"));
	}
	if (!out->principal_arn || !out->principal_arn[0])
		out->principal_arn = principal;
	if (obj_of(rec, "tlsDetails"))
		add_key(ks, "aws:SecureTransport", "true");
	add_key(ks, "aws:SourceVpce", str_of(rec, "vpcEndpointId"));
	by = str_of(ui, "invokedBy");
	if (strcmp(out->identity_type, "AWSService") == 0) {
		add_key(ks, "aws:PrincipalIsAWSService", "true");
		add_key(ks, "aws:PrincipalServiceName", principal);
	} else if (by && strstr(by, ".amazonaws.com")) {
		add_key(ks, "aws:PrincipalIsAWSService", "false");
		add_key(ks, "aws:ViaAWSService", "true");
		add_key(ks, "aws:CalledVia", by);
		ks->k[ks->n - 1].multi = true;
	} else if (strcmp(principal, "*") != 0) {
		add_key(ks, "aws:PrincipalIsAWSService", "false");
		add_key(ks, "aws:ViaAWSService", "false");
	}
	if (res_account && iamp_is_account_id(res_account, strlen(res_account)))
		add_key(ks, "aws:ResourceAccount", res_account);
	out->req.keys = ks->k;
	out->req.key_count = ks->n;
	if (iamp_request_fill_derived(&out->req, arena) != 0)
		return IAMP_ENOMEM;
	out->status = IAMP_CT_OK;
	return 0;
}
