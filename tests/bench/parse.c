/*
 * parse.c - the floor `make bench` measures iamproof against: reads each
 * file named (a directory: its regular files, sorted) and parses it with
 * json-c, nothing else, as a tool that only reads the files would.
 *
 *   build/bench-parse PATH...         files, or directories of files
 *   build/bench-parse --lines FILE    one JSON document a line (the
 *                                     request file of `simulate`)
 *
 * Prints the number of documents parsed; exits 1 when one does not parse.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

static size_t parsed;

static int parse_text(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *o;

	if (!tok)
		return -1;
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success) {
		json_tokener_free(tok);
		return -1;
	}
	json_object_put(o);
	json_tokener_free(tok);
	parsed++;
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 65536);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		r = fread(buf + n, 1, cap - n, f);
		if (!r)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int parse_file(const char *path)
{
	size_t len;
	char *text = slurp(path, &len);
	int rc;

	if (!text)
		return -1;
	rc = parse_text(text, len);
	free(text);
	return rc;
}

static int parse_lines(const char *path)
{
	size_t len;
	char *text = slurp(path, &len), *p, *end, *nl;

	if (!text)
		return -1;
	for (p = text, end = text + len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		if (nl > p && parse_text(p, (size_t)(nl - p))) {
			free(text);
			return -1;
		}
	}
	free(text);
	return 0;
}

static int parse_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	int n, rc = 0;

	if (stat(path, &st) != 0)
		return -1;
	if (!S_ISDIR(st.st_mode))
		return parse_file(path);
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		char child[4096];

		if (!rc && names[i]->d_name[0] != '.') {
			snprintf(child, sizeof(child), "%s/%s", path, names[i]->d_name);
			rc = parse_path(child);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc == 3 && strcmp(argv[1], "--lines") == 0)
		rc = parse_lines(argv[2]);
	else
		for (int i = 1; i < argc && !rc; i++)
			rc = parse_path(argv[i]);
	printf("%zu\n", parsed);
	if (rc)
		fprintf(stderr, "bench-parse: a document did not parse\n");
	return rc ? 1 : 0;
}
