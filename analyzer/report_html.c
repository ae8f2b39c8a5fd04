/*
 * report_html.c - `--format html`: one self-contained page (no external
 * script, style, font or image; a Content-Security-Policy that forbids
 * them), readable offline from a file:// URL or a CI artifact viewer.
 *
 *   header   iamproof's version, the catalog's data date, the command with
 *            its arguments as given, the time of the run (UTC; the CLI
 *            takes SOURCE_DATE_EPOCH when set, so that a test is
 *            reproducible)
 *
 *   prove    the targets against the properties as a matrix:
 *
 *                               STAGE6-01  STAGE6-02  ...
 *              Root / Prod
 *              account 1111 (a) ✓ proven   ✗ violated
 *              ×12 accounts
 *
 *            one row per target as prove makes them (an organization's
 *            accounts with the same SCPs along their path are one row,
 *            with their count), one column per property; each cell a
 *            symbol and a word, never a colour alone. A cell that is not
 *            proven carries data-k, an index into the JSON block
 *            <script type="application/json" id="data">:
 *
 *              {"props": [{"id","title","desc","expect","file"}],
 *               "rows":  [{"name","place","n","as"}],  as: into "assume"
 *               "assume": [text],
 *               "cells": [{"p","r","res","c"?,"a"?,"d"?,"st"?,"x"?,"why"?}],
 *               "cexs":  [text],
 *               "xs":    [text],
 *               "stmts": [{"f","l","c","e","sid"?,"x0","x"}]}
 *
 *            The counterexample, as simulate reads a request
 *            (iamp_report_cex), is "cexs"[c] with each U+0001 replaced by
 *            the account "a" of its caller (and so is the exemption's text,
 *            report_exempt.c, "xs"[x]): the same request for every
 *            account of an organization is written once, which keeps 1,000
 *            rows by 20 properties under 5 MB. "st" indexes "stmts", where
 *            each statement is kept once however many cells meet it ("x":
 *            its source lines from line "x0"). The block comes before the
 *            matrix and the script sits in the head, listening on the
 *            document, so that a cell answers a click as soon as it is
 *            shown; the block is parsed on the first click.
 *
 *   check, review   findings grouped by file, then by severity (highest
 *            first), each with its source line and a caret as the text
 *            form has them; filters by severity and rule; the help of
 *            every rule that fired (rules.def).
 *
 * Escaping: every string from input goes through html() (& < > " ' as
 * entities, control characters as '?', ill-formed UTF-8 as U+FFFD) or,
 * inside the JSON block, through jstr() (iamp_json_string with < > & as
 * \u escapes, so that "</script>" cannot end the block). The script
 * builds its panel with textContent only.
 */
#include "exempt.h"
#include "report.h"
#include "report_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "error.h"
#include "eval.h"
#include "load.h"
#include "policy.h"
#include "props.h"
#include "smt.h"

#define EXCERPT_LINES 16 /* of a statement, in the panel */

/* ---- escaping ------------------------------------------------------------------- */

static void html_n(FILE *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = iamp_utf8_next(p + i, n - i, &cp);

		switch (cp) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if (cp == '\n' || cp == '\r')
				fputc('\n', out);
			else if (iamp_is_control(cp))
				fputc('?', out);
			else if (cp == 0xFFFD && len == 1)
				fputs("\xEF\xBF\xBD", out);
			else
				fwrite(p + i, 1, len, out);
		}
		i += len;
	}
}

static void html(FILE *out, const char *s)
{
	if (s)
		html_n(out, s, strlen(s));
}

/* A JSON string that is safe inside <script>. */
static int jstr_n(FILE *out, const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return IAMP_ENOMEM;
	iamp_json_string(m, s ? s : "", s ? n : 0);
	if (fclose(m) != 0) {
		free(buf);
		return IAMP_ENOMEM;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '<' || buf[i] == '>' || buf[i] == '&')
			fprintf(out, "\\u%04x", (unsigned)buf[i]);
		else
			fputc(buf[i], out);
	}
	free(buf);
	return IAMP_OK;
}

static int jstr(FILE *out, const char *s)
{
	return jstr_n(out, s, s ? strlen(s) : 0);
}

/* ---- page ------------------------------------------------------------------------ */

static const char css[] =
	"body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#fff}"
	"header{padding:10px 20px;background:#f3f4f6;border-bottom:1px solid #d0d7de}"
	"h1{font-size:20px;margin:0 0 6px}h2{font-size:17px;margin:18px 0 6px}h3{font-size:15px;margin:10px 0 4px}"
	"header dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:0}"
	"dt{font-weight:600}dd{margin:0}main{padding:10px 20px}"
	"code,pre{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace}"
	"pre{background:#f6f8fa;border:1px solid #d0d7de;padding:6px 8px;overflow:auto;margin:4px 0}"
	"#cex,#exemption{white-space:pre-wrap;word-break:break-all}"
	".s-proven{background:#dafbe1}.s-violated{background:#ffcfc9;font-weight:600}"
	".s-unknown{background:#fff1c2}.s-vacuous{background:#eaeef2}"
	"td[data-k]{cursor:pointer}td[data-k]:hover,td[data-k]:focus{outline:2px solid #0969da}"
	"table.m{border-collapse:collapse}.m th,.m td{border:1px solid #d0d7de;padding:2px 6px;white-space:nowrap}"
	".m thead th{position:sticky;top:0;background:#fff;vertical-align:bottom;font-weight:600}"
	".m thead th span{writing-mode:vertical-rl;transform:rotate(180deg);max-height:16em;font-size:12px}"
	".m td{font-size:12px}"
	".m th[scope=row]{text-align:left;position:sticky;left:0;background:#fff;font-weight:400}"
	".pl{color:#57606a;font-size:12px}.n{background:#ddf4ff;border-radius:8px;padding:0 6px;font-size:12px}"
	"#panel{position:fixed;top:0;right:0;bottom:0;width:min(40em,45%);overflow:auto;background:#fff;"
	"border-left:2px solid #57606a;padding:10px 16px;box-shadow:-4px 0 12px #0003}"
	"#panel button{margin:2px 4px 2px 0}.note{color:#57606a}"
	".f{border-left:4px solid #d0d7de;padding:2px 8px;margin:6px 0}.f p{margin:0}"
	".sev-error{border-color:#cf222e}.sev-security-warning{border-color:#bc4c00}"
	".sev-warning{border-color:#bf8700}.sev-suggestion{border-color:#8c959f}"
	".tag{font-size:12px;border:1px solid #8c959f;border-radius:8px;padding:0 6px}"
	"#filters{position:sticky;top:0;background:#fff;padding:6px 0;border-bottom:1px solid #d0d7de}"
	"#filters label{margin-right:10px}[hidden]{display:none!important}";

static void put_arg(FILE *out, const char *a)
{
	bool plain = *a != '\0';

	for (const char *p = a; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+", *p))
			plain = false;
	if (plain) {
		html(out, a);
		return;
	}
	fputc('\'', out);
	for (const char *p = a; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", out);
		else
			html_n(out, p, 1);
	}
	fputc('\'', out);
}

/* `script`, when given, goes into the head: it listens on the document,
 * so that the part of a long page already shown answers clicks. */
static void page_begin(FILE *out, const char *what, const struct iamp_report_opts *o,
		       const char *script)
{
	char when[64] = "";
	time_t t = (time_t)o->run_time;
	struct tm tm;

	if (o->run_time && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n<title>", out);
	html(out, o->command ? o->command : what);
	fprintf(out, "</title>\n<style>%s</style>\n", css);
	if (script)
		fprintf(out, "<script>%s</script>\n", script);
	fputs("</head>\n<body>\n<header><h1>", out);
	html(out, o->command ? o->command : what);
	fputs("</h1><dl>\n<dt>iamproof</dt><dd id=\"version\">", out);
	html(out, o->tool_version ? o->tool_version : "(not given)");
	fputs("</dd>\n<dt>catalog data</dt><dd id=\"data-date\">", out);
	html(out, o->data_version ? o->data_version : "(none)");
	fputs("</dd>\n<dt>parameters</dt><dd><code id=\"args\">", out);
	html(out, o->command ? o->command : "iamproof");
	for (size_t i = 0; i < o->arg_count; i++) {
		fputc(' ', out);
		put_arg(out, o->args[i]);
	}
	fputs("</code></dd>\n<dt>run at</dt><dd id=\"run-time\">", out);
	html(out, when[0] ? when : "(not given)");
	fputs("</dd>\n</dl></header>\n<main>\n", out);
	if (o->note) {
		fputs("<p class=\"note\">", out);
		html(out, o->note);
		fputs("</p>\n", out);
	}
}

static void page_end(FILE *out, const char *script)
{
	fputs("</main>\n", out);
	if (script)
		fprintf(out, "<script>%s</script>\n", script);
	fputs("</body></html>\n", out);
}

/* ---- findings (check, review) ----------------------------------------------------- */

static const char *const sev_symbol[] = {
	[IAMP_SEV_SUGGESTION] = "\xC2\xB7",             /* · */
	[IAMP_SEV_WARNING] = "\xE2\x97\x8F",            /* ● */
	[IAMP_SEV_SECURITY_WARNING] = "\xE2\x96\xB2",   /* ▲ */
	[IAMP_SEV_ERROR] = "\xE2\x9C\x96",              /* ✖ */
};

static const char diags_script[] =
	"(function(){var sv=document.querySelectorAll('#filters input'),ru=document.getElementById('rule'),"
	"ct=document.getElementById('count'),fs=document.querySelectorAll('.f');"
	"function apply(){var on={},r=ru.value,n=0;sv.forEach(function(s){if(s.checked)on[s.value]=1});"
	"fs.forEach(function(f){var v=!!on[f.dataset.sev]&&(!r||f.dataset.rule===r);f.hidden=!v;if(v)n++});"
	"document.querySelectorAll('.g').forEach(function(g){g.hidden=!g.querySelector('.f:not([hidden])')});"
	"ct.textContent=n+' of '+fs.length+' findings shown'}"
	"sv.forEach(function(s){s.addEventListener('change',apply)});ru.addEventListener('change',apply);apply()})();";

static void finding(FILE *out, const struct iamp_diag *d, const char *state)
{
	const char *sev = iamp_severity_name(d->severity);
	const char *id = iamp_rules[d->rule].id;

	fprintf(out, "<div class=\"f sev-%s\" data-sev=\"%s\" data-rule=\"%s\"><p>", sev, sev, id);
	if (d->span.start.line)
		fprintf(out, "<code>%lu:%lu</code> ", (unsigned long)d->span.start.line,
			(unsigned long)(d->span.start.col ? d->span.start.col : 1));
	fprintf(out, "%s %s: <span class=\"msg\">", sev_symbol[d->severity], sev);
	html(out, d->message);
	fprintf(out, "</span> <a href=\"#rule-%s\">[%s]</a>", id, id);
	if (state) {
		fputs(" <span class=\"tag\">", out);
		html(out, state);
		fputs("</span>", out);
	}
	fputs("</p>", out);
	if (d->source_line && d->span.start.line) {
		size_t n = iamp_report_line_length(d->source_line);

		fputs("<pre>", out);
		html_n(out, d->source_line, n);
		fputc('\n', out);
		iamp_report_caret(out, d->source_line, n, &d->span, false);
		fputs("</pre>", out);
	}
	fputs("</div>\n", out);
}

int iamp_report_html_diags(FILE *out, const struct iamp_diags *diags,
			   const struct iamp_report_opts *opts)
{
	size_t by_sev[IAMP_SEV_ERROR + 1] = { 0 };
	size_t by_rule[IAMP_RULE__COUNT] = { 0 };

	for (size_t i = 0; i < diags->count; i++) {
		by_sev[diags->items[i].severity]++;
		by_rule[diags->items[i].rule]++;
	}
	page_begin(out, "iamproof findings", opts, NULL);
	fprintf(out, "<p id=\"summary\">%zu findings in %zu files:", diags->count, opts->file_count);
	for (int s = IAMP_SEV_ERROR; s >= IAMP_SEV_SUGGESTION; s--)
		fprintf(out, " %zu %s%s", by_sev[s], iamp_severity_name((enum iamp_severity)s),
			s > IAMP_SEV_SUGGESTION ? "," : ".");
	fputs("</p>\n", out);
	if (opts->unread_count) {
		fputs("<h2>Not read</h2><ul id=\"unread\">", out);
		for (size_t i = 0; i < opts->unread_count; i++) {
			fputs("<li>", out);
			html(out, opts->unread[i]);
			fputs("</li>", out);
		}
		fputs("</ul>\n", out);
	}
	fputs("<form id=\"filters\"><strong>Show:</strong> ", out);
	for (int s = IAMP_SEV_ERROR; s >= IAMP_SEV_SUGGESTION; s--) {
		const char *name = iamp_severity_name((enum iamp_severity)s);

		fprintf(out, "<label><input type=\"checkbox\" value=\"%s\" checked> %s %s (%zu)</label>", name,
			sev_symbol[s], name, by_sev[s]);
	}
	fputs("<label>rule <select id=\"rule\"><option value=\"\">every rule</option>", out);
	for (size_t r = 0; r < IAMP_RULE__COUNT; r++)
		if (by_rule[r])
			fprintf(out, "<option value=\"%s\">%s (%zu)</option>", iamp_rules[r].id, iamp_rules[r].id,
				by_rule[r]);
	fputs("</select></label> <output id=\"count\"></output></form>\n", out);
	if (!diags->count)
		fputs("<p>No findings.</p>\n", out);
	for (size_t i = 0, j; i < diags->count; i = j) {
		const char *path = diags->items[i].path;

		for (j = i + 1; j < diags->count && strcmp(diags->items[j].path, path) == 0; j++)
			;
		fputs("<section class=\"g file\"><h2>", out);
		html(out, path);
		fprintf(out, " <small>(%zu)</small></h2>\n", j - i);
		for (int s = IAMP_SEV_ERROR; s >= IAMP_SEV_SUGGESTION; s--) {
			size_t n = 0;

			for (size_t k = i; k < j; k++)
				n += diags->items[k].severity == (enum iamp_severity)s;
			if (!n)
				continue;
			fprintf(out, "<div class=\"g\"><h3>%s %s (%zu)</h3>\n", sev_symbol[s],
				iamp_severity_name((enum iamp_severity)s), n);
			for (size_t k = i; k < j; k++)
				if (diags->items[k].severity == (enum iamp_severity)s)
					finding(out, &diags->items[k],
						opts->baseline_state ? opts->baseline_state[k] : NULL);
			fputs("</div>\n", out);
		}
		fputs("</section>\n", out);
	}
	fputs("<section id=\"rules\"><h2>Rules</h2><dl>\n", out);
	for (size_t r = 0; r < IAMP_RULE__COUNT; r++) {
		if (!by_rule[r])
			continue;
		fprintf(out, "<dt id=\"rule-%s\">%s &middot; %s &middot; ", iamp_rules[r].id, iamp_rules[r].id,
			iamp_severity_name(iamp_rules[r].severity));
		html(out, iamp_rules[r].title);
		fputs("</dt><dd>", out);
		html(out, iamp_rules[r].help);
		fputs("</dd>\n", out);
	}
	fputs("</dl></section>\n", out);
	page_end(out, diags_script);
	return IAMP_OK;
}

/* ---- proofs (prove) ------------------------------------------------------------------ */

static const char *const proof_cell[] = {
	[IAMP_PROOF_PROVEN] = "\xE2\x9C\x93 proven",    /* ✓ */
	[IAMP_PROOF_VIOLATED] = "\xE2\x9C\x97 violated", /* ✗ */
	[IAMP_PROOF_UNKNOWN] = "? unknown",
	[IAMP_PROOF_VACUOUS] = "\xE2\x97\x8B vacuous",  /* ○ */
};

static const char proofs_script[] =
	"(function(){var D=null,P;"
	"function cell(e){return e.target.closest?e.target.closest('#matrix td[data-k]'):null}"
	"function el(t,x,c){var e=document.createElement(t);if(x!=null)e.textContent=x;if(c)e.className=c;return e}"
	"function add(p,t,x,c){var e=el(t,x,c);p.appendChild(e);return e}"
	"function show(k){var j=document.getElementById('data');"
	"if(!j){document.addEventListener('DOMContentLoaded',function(){show(k)});return}"
	"if(!D)D=JSON.parse(j.textContent);P=document.getElementById('panel');"
	"var c=D.cells[k],r=D.rows[c.r],p=D.props[c.p];P.replaceChildren();"
	"if(c.c!=null)c.cex=D.cexs[c.c].split('\\u0001').join(c.a||'');"
	"var b=add(P,'button','Close');b.onclick=function(){P.hidden=true};"
	"add(P,'h2',p.id+': '+c.res);add(P,'p',p.title);if(p.desc)add(P,'p',p.desc,'note');"
	"add(P,'p','Target: '+(r.place?r.place+' / ':'')+r.name+(r.n>1?' ('+r.n+' accounts)':''));"
	"add(P,'p','Expected: '+p.expect+'. Property file: '+p.file,'note');"
	"add(P,'p','Assumptions: '+D.assume[r.as],'note');if(c.why)add(P,'p','Reason: '+c.why);"
	"if(c.cex){add(P,'h3','Counterexample');"
	"add(P,'p','This request is '+c.d+'. As a simulate request (one line of a --requests file):');"
	"var pre=add(P,'pre',c.cex);pre.id='cex';var cb=add(P,'button','Copy request');"
	"cb.onclick=function(){var s=getSelection(),g=document.createRange();g.selectNodeContents(pre);"
	"s.removeAllRanges();s.addRange(g);var ok=false;try{ok=document.execCommand('copy')}catch(e){}"
	"if(navigator.clipboard)navigator.clipboard.writeText(c.cex).then(function(){cb.textContent='Copied'},"
	"function(){cb.textContent=ok?'Copied':'Selected: press Ctrl+C'});else cb.textContent=ok?'Copied':'Selected: press Ctrl+C'};"
	"add(P,'h3','Deciding statements');if(!c.st||!c.st.length)add(P,'p','None in a policy file: what decided is assumed (see Assumptions).','note');"
	"(c.st||[]).forEach(function(i){var s=D.stmts[i];"
	"add(P,'p',s.e+' statement'+(s.sid?' \"'+s.sid+'\"':'')+' at '+s.f+':'+s.l+':'+s.c);"
	"add(P,'pre',s.x.split('\\n').map(function(l,j){return String(s.x0+j).padStart(5)+'  '+l}).join('\\n'))});"
	"if(c.x!=null){add(P,'h3','Exemption');"
	"add(P,'p',p.expect==='allowed'?'What would let this request through the Deny statements that deny it:'"
	":'What lets this request through the Deny statements:','note');"
	"add(P,'pre',D.xs[c.x].split('\\u0001').join(c.a||'')).id='exemption'}}"
	"P.hidden=false;P.scrollTop=0;b.focus()}"
	"document.addEventListener('click',function(e){var t=cell(e);if(t)show(+t.dataset.k)});"
	"document.addEventListener('keydown',function(e){var t=cell(e);if(e.key==='Escape'&&P)P.hidden=true;"
	"if(t&&(e.key==='Enter'||e.key===' ')){e.preventDefault();show(+t.dataset.k)}});"
	"document.addEventListener('change',function(e){if(e.target.id!=='only-open')return;"
	"document.querySelectorAll('#matrix tbody tr.ok').forEach(function(r){r.hidden=e.target.checked})})})();";

struct row {
	const char *name;
	const char *place;
	const char *assumptions;
	size_t naccounts;
	bool open;   /* some answer is not proven */
};

struct grid {
	struct row *rows;
	size_t nrows;
	size_t *cell;                    /* [row * nprops + prop]: a proof, or SIZE_MAX */
	const char **assume;             /* distinct assumption texts */
	size_t nassume;
	const struct iamp_statement **stmts; /* distinct statements, in order met */
	const struct iamp_match **stmt_match;
	size_t nstmts;
};

static void grid_free(struct grid *g)
{
	free(g->rows);
	free(g->cell);
	free(g->assume);
	free(g->stmts);
	free(g->stmt_match);
}

static int grid_build(struct grid *g, size_t nprops, const struct iamp_report_proof *proofs,
		      size_t nproofs)
{
	size_t *row_of = calloc(nproofs + 1, sizeof(*row_of));
	size_t nmatch = 0;

	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < nproofs; i++)
		nmatch += proofs[i].nstatements;
	g->rows = calloc(nproofs + 1, sizeof(*g->rows));
	g->assume = calloc(nproofs + 1, sizeof(*g->assume));
	g->stmts = calloc(nmatch + 1, sizeof(*g->stmts));
	g->stmt_match = calloc(nmatch + 1, sizeof(*g->stmt_match));
	if (!row_of || !g->rows || !g->assume || !g->stmts || !g->stmt_match) {
		free(row_of);
		return IAMP_ENOMEM;
	}
	for (size_t i = 0; i < nproofs; i++) {
		const struct iamp_report_proof *p = &proofs[i];
		size_t r = g->nrows;

		/* a target's answers come together: look at the last row first */
		if (r && strcmp(g->rows[r - 1].name, p->target) == 0)
			r--;
		else
			for (r = 0; r < g->nrows && strcmp(g->rows[r].name, p->target) != 0; r++)
				;
		if (r == g->nrows) {
			size_t a;

			for (a = 0; a < g->nassume && strcmp(g->assume[a], p->assumptions ? p->assumptions : "") != 0; a++)
				;
			if (a == g->nassume)
				g->assume[g->nassume++] = p->assumptions ? p->assumptions : "";
			g->rows[g->nrows++] = (struct row){ p->target, p->place, g->assume[a], p->naccounts, false };
		}
		row_of[i] = r;
		if (p->result->proof != IAMP_PROOF_PROVEN)
			g->rows[r].open = true;
		for (size_t s = 0; s < p->nstatements; s++) {
			size_t k;

			for (k = 0; k < g->nstmts && g->stmts[k] != p->statements[s].stmt; k++)
				;
			if (k == g->nstmts) {
				g->stmts[g->nstmts] = p->statements[s].stmt;
				g->stmt_match[g->nstmts++] = &p->statements[s];
			}
		}
	}
	g->cell = malloc((g->nrows * nprops + 1) * sizeof(*g->cell));
	if (!g->cell) {
		free(row_of);
		return IAMP_ENOMEM;
	}
	for (size_t i = 0; i < g->nrows * nprops; i++)
		g->cell[i] = SIZE_MAX;
	for (size_t i = 0; i < nproofs; i++)
		if (proofs[i].property < nprops)
			g->cell[row_of[i] * nprops + proofs[i].property] = i;
	free(row_of);
	return IAMP_OK;
}

static size_t stmt_index(const struct grid *g, const struct iamp_statement *s)
{
	size_t k = 0;

	while (k < g->nstmts && g->stmts[k] != s)
		k++;
	return k;
}

static size_t assume_index(const struct grid *g, const char *a)
{
	size_t k = 0;

	while (k < g->nassume && g->assume[k] != a)
		k++;
	return k;
}

static const char *decision_words(enum iamp_decision d)
{
	switch (d) {
	case IAMP_DECISION_ALLOWED: return "allowed";
	case IAMP_DECISION_EXPLICIT_DENY: return "denied explicitly";
	default: return "denied (nothing allows it)";
	}
}

/* The counterexample's text with its caller's account as U+0001, into
 * tpl; the account into acct ("" when the caller has none). */
/* The exemption's text with the account acct as U+0001, as the
 * counterexample's template has it. */
static int exempt_template(char **tpl, const char *acct, const struct iamp_exemptions *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return IAMP_ENOMEM;
	iamp_report_exemptions(m, IAMP_REPORT_TEXT, x, "");
	if (fclose(m) != 0) {
		free(buf);
		return IAMP_ENOMEM;
	}
	if (acct[0])
		for (char *p = buf; (p = strstr(p, acct)); p++) {
			memmove(p + 1, p + 12, strlen(p + 12) + 1);
			*p = '\1';
		}
	*tpl = buf;
	return IAMP_OK;
}

static int cex_template(char **tpl, char acct[13], const struct iamp_cex *c)
{
	char *buf = NULL;
	size_t len = 0, n = 0;
	FILE *m = open_memstream(&buf, &len);
	const char *a = c->principal;

	if (!m)
		return IAMP_ENOMEM;
	iamp_report_cex(m, c);
	if (fclose(m) != 0) {
		free(buf);
		return IAMP_ENOMEM;
	}
	acct[0] = '\0';
	/* arn:PARTITION:SERVICE::ACCOUNT:... */
	for (int colons = 0; a && *a && colons < 4; a++)
		colons += *a == ':';
	while (a && a[n] >= '0' && a[n] <= '9')
		n++;
	if (a && n == 12 && a[n] == ':') {
		memcpy(acct, a, 12);
		acct[12] = '\0';
		for (char *p = buf; (p = strstr(p, acct)); p += 12) {
			memmove(p + 1, p + 12, strlen(p + 12) + 1);
			*p = '\1';
		}
	}
	*tpl = buf;
	return IAMP_OK;
}

/* The JSON block the page's script reads on the first click. */
static int write_data(FILE *out, const struct grid *g, const struct iamp_report_property *props,
		      size_t nprops, const struct iamp_report_proof *proofs, size_t nproofs)
{
	int rc = IAMP_OK;
	size_t k = 0, ncex = 0;
	/* the templates, each once; looked up among those of the same
	 * property, which is where the same request comes back */
	char **cexs = calloc(nproofs + 1, sizeof(*cexs));
	char **xs = calloc(nproofs + 1, sizeof(*xs));
	size_t nx = 0;
	size_t *cex_prop = calloc(nproofs + 1, sizeof(*cex_prop));

	if (!cexs || !cex_prop || !xs) {
		free(xs);
		free(cexs);
		free(cex_prop);
		return IAMP_ENOMEM;
	}

	fputs("<script type=\"application/json\" id=\"data\">{\"props\":[", out);
	for (size_t i = 0; i < nprops && !rc; i++) {
		fputs(i ? ",{\"id\":" : "{\"id\":", out);
		rc |= jstr(out, props[i].p->id);
		fputs(",\"title\":", out);
		rc |= jstr(out, props[i].p->title);
		fputs(",\"desc\":", out);
		rc |= jstr(out, props[i].p->description);
		fputs(",\"expect\":", out);
		rc |= jstr(out, iamp_expect_name(props[i].p->expect));
		fputs(",\"file\":", out);
		rc |= jstr(out, props[i].path);
		fputc('}', out);
	}
	fputs("],\n\"assume\":[", out);
	for (size_t i = 0; i < g->nassume && !rc; i++) {
		fputs(i ? "," : "", out);
		rc |= jstr(out, g->assume[i]);
	}
	fputs("],\n\"rows\":[", out);
	for (size_t i = 0; i < g->nrows && !rc; i++) {
		fputs(i ? ",\n{\"name\":" : "{\"name\":", out);
		rc |= jstr(out, g->rows[i].name);
		fputs(",\"place\":", out);
		rc |= jstr(out, g->rows[i].place);
		fprintf(out, ",\"n\":%zu,\"as\":%zu}", g->rows[i].naccounts,
			assume_index(g, g->rows[i].assumptions));
	}
	fputs("],\n\"cells\":[", out);
	/* in the order of the matrix, so that data-k counts up */
	for (size_t r = 0; r < g->nrows && !rc; r++) {
		for (size_t p = 0; p < nprops && !rc; p++) {
			size_t i = g->cell[r * nprops + p];
			const struct iamp_report_proof *pr;

			if (i == SIZE_MAX || i >= nproofs || proofs[i].result->proof == IAMP_PROOF_PROVEN)
				continue;
			pr = &proofs[i];
			fprintf(out, "%s{\"p\":%zu,\"r\":%zu,\"res\":\"%s\"", k++ ? ",\n" : "", p, r,
				iamp_proof_name(pr->result->proof));
			if (pr->result->reason[0]) {
				fputs(",\"why\":", out);
				rc |= jstr(out, pr->result->reason);
			}
			if (pr->result->proof == IAMP_PROOF_VIOLATED) {
				char *tpl, acct[13];
				size_t c;

				if ((rc = cex_template(&tpl, acct, &pr->result->cex)))
					break;
				for (c = 0; c < ncex && (cex_prop[c] != p || strcmp(cexs[c], tpl) != 0); c++)
					;
				if (c == ncex) {
					cex_prop[ncex] = p;
					cexs[ncex++] = tpl;
				} else {
					free(tpl);
				}
				fprintf(out, ",\"c\":%zu,\"a\":\"%s\",\"d\":\"%s\",\"st\":[", c, acct,
					decision_words(pr->decision));
				for (size_t s = 0; s < pr->nstatements; s++)
					fprintf(out, "%s%zu", s ? "," : "", stmt_index(g, pr->statements[s].stmt));
				fputc(']', out);
				if (pr->exemptions) {
					size_t x;

					if ((rc = exempt_template(&tpl, acct, pr->exemptions)))
						break;
					for (x = 0; x < nx && strcmp(xs[x], tpl) != 0; x++)
						;
					if (x == nx)
						xs[nx++] = tpl;
					else
						free(tpl);
					fprintf(out, ",\"x\":%zu", x);
				}
			}
			fputc('}', out);
		}
	}
	fputs("],\n\"cexs\":[", out);
	for (size_t c = 0; c < ncex; c++) {
		if (!rc)
			rc |= (fputs(c ? ",\n" : "", out), jstr(out, cexs[c]));
		free(cexs[c]);
	}
	free(cexs);
	free(cex_prop);
	fputs("],\n\"xs\":[", out);
	for (size_t x = 0; x < nx; x++) {
		if (!rc)
			rc |= (fputs(x ? ",\n" : "", out), jstr(out, xs[x]));
		free(xs[x]);
	}
	free(xs);
	fputs("],\n\"stmts\":[", out);
	for (size_t i = 0; i < g->nstmts && !rc; i++) {
		const struct iamp_match *m = g->stmt_match[i];
		const struct iamp_span *sp = &m->stmt->span;
		const struct iamp_document *doc = m->policy ? m->policy->doc : NULL;
		size_t last = sp->end.line >= sp->start.line ? sp->end.line : sp->start.line;
		char *buf = NULL;
		size_t len = 0;
		FILE *x;

		if (last - sp->start.line >= EXCERPT_LINES)
			last = sp->start.line + EXCERPT_LINES - 1;
		if (!(x = open_memstream(&buf, &len)))
			return IAMP_ENOMEM;
		for (size_t l = sp->start.line; doc && l && l <= last; l++) {
			size_t n = 0;
			const char *line = iamp_document_line(doc, l, &n);

			if (!line)
				break;
			fprintf(x, "%s%.*s", l > sp->start.line ? "\n" : "", (int)n, line);
		}
		if (last < sp->end.line)
			fputs("\n...", x);
		if (fclose(x) != 0) {
			free(buf);
			return IAMP_ENOMEM;
		}
		fputs(i ? ",\n{\"f\":" : "{\"f\":", out);
		rc |= jstr(out, m->name);
		fprintf(out, ",\"l\":%u,\"c\":%u,\"e\":\"%s\"", (unsigned)sp->start.line, (unsigned)sp->start.col,
			m->deny ? "Deny" : "Allow");
		if (m->stmt->has_sid) {
			fputs(",\"sid\":", out);
			rc |= jstr(out, m->stmt->sid.text);
		}
		fprintf(out, ",\"x0\":%u,\"x\":", (unsigned)sp->start.line);
		rc |= jstr_n(out, buf, len);
		fputc('}', out);
		free(buf);
	}
	fputs("]}</script>\n", out);
	return rc ? IAMP_ENOMEM : IAMP_OK;
}

int iamp_report_html_proofs(FILE *out, const struct iamp_report_property *props, size_t nprops,
			    const struct iamp_report_proof *proofs, size_t nproofs,
			    const struct iamp_report_opts *opts)
{
	struct grid g;
	size_t counts[IAMP_PROOF_VACUOUS + 1] = { 0 };
	size_t k = 0;
	int rc;

	if ((rc = grid_build(&g, nprops, proofs, nproofs))) {
		grid_free(&g);
		return iamp_error_set(rc, "out of memory");
	}
	for (size_t i = 0; i < nproofs; i++)
		counts[proofs[i].result->proof]++;
	page_begin(out, "iamproof prove", opts, proofs_script);
	fprintf(out, "<p id=\"summary\">%zu targets, %zu properties: %zu %s, %zu %s, %zu %s, %zu %s. "
		"Click a cell that is not proven for its counterexample or reason.</p>\n",
		g.nrows, nprops, counts[IAMP_PROOF_VIOLATED], proof_cell[IAMP_PROOF_VIOLATED],
		counts[IAMP_PROOF_UNKNOWN], proof_cell[IAMP_PROOF_UNKNOWN], counts[IAMP_PROOF_PROVEN],
		proof_cell[IAMP_PROOF_PROVEN], counts[IAMP_PROOF_VACUOUS], proof_cell[IAMP_PROOF_VACUOUS]);
	/* the data before the matrix, so that a cell answers as soon as it
	 * is shown: a data block costs the parser next to nothing */
	fputs("<aside id=\"panel\" hidden tabindex=\"-1\" aria-live=\"polite\"></aside>\n", out);
	if ((rc = write_data(out, &g, props, nprops, proofs, nproofs))) {
		grid_free(&g);
		return iamp_error_set(rc, "out of memory");
	}
	fputs("<p><label><input type=\"checkbox\" id=\"only-open\"> only targets with a property not "
	      "proven</label></p>\n<table class=\"m\" id=\"matrix\"><thead><tr><th>target</th>", out);
	for (size_t p = 0; p < nprops; p++) {
		fputs("<th scope=\"col\" title=\"", out);
		html(out, props[p].p->title);
		fputs("\"><span>", out);
		html(out, props[p].p->id);
		fputs("</span></th>", out);
	}
	fputs("</tr></thead>\n<tbody>\n", out);
	for (size_t r = 0; r < g.nrows; r++) {
		fprintf(out, "<tr%s><th scope=\"row\">", g.rows[r].open ? "" : " class=\"ok\"");
		if (g.rows[r].place) {
			fputs("<span class=\"pl\">", out);
			html(out, g.rows[r].place);
			fputs("</span><br>", out);
		}
		html(out, g.rows[r].name);
		if (g.rows[r].naccounts > 1)
			fprintf(out, " <span class=\"n\">&times;%zu accounts</span>", g.rows[r].naccounts);
		fputs("</th>", out);
		for (size_t p = 0; p < nprops; p++) {
			size_t i = g.cell[r * nprops + p];
			enum iamp_proof pf;

			if (i == SIZE_MAX) {
				fputs("<td>&mdash; not asked</td>", out);
				continue;
			}
			pf = proofs[i].result->proof;
			if (pf == IAMP_PROOF_PROVEN)
				fprintf(out, "<td class=\"s-proven\">%s</td>", proof_cell[pf]);
			else
				fprintf(out, "<td class=\"s-%s\" data-k=\"%zu\" tabindex=\"0\">%s</td>",
					iamp_proof_name(pf), k++, proof_cell[pf]);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n<h2>Properties</h2><dl id=\"props\">\n", out);
	for (size_t p = 0; p < nprops; p++) {
		fputs("<dt>", out);
		html(out, props[p].p->id);
		fputs(": ", out);
		html(out, props[p].p->title);
		fputs("</dt><dd>", out);
		if (props[p].p->description) {
			html(out, props[p].p->description);
			fputs(" ", out);
		}
		fprintf(out, "<span class=\"note\">(expected: %s; ", iamp_expect_name(props[p].p->expect));
		html(out, props[p].path);
		fprintf(out, ":%u)</span></dd>\n", (unsigned)props[p].p->span.start.line);
	}
	fputs("</dl>\n", out);
	grid_free(&g);
	page_end(out, NULL);
	return IAMP_OK;
}
