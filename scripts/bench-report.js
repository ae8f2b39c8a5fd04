// bench-report.js FILE.html [RUNS] - how soon an HTML report is usable in
// headless Chromium (/usr/bin/chromium, or CHROMIUM): per run, the file's
// size, DOMContentLoaded, the load event, first contentful paint, the
// time at which the first cell shown answers a click with its panel, and
// the time from a click on the last cell that is not proven to its panel.
// Medians of RUNS (5) fresh pages.
// NODE_PATH=.cache/npm/puppeteer/node_modules (tests/report.sh installs it).
'use strict';
const fs = require('fs');
const path = require('path');
const puppeteer = require('puppeteer-core');

const file = path.resolve(process.argv[2]);
const runs = +(process.argv[3] || 5);
const median = (a) => {
	const v = a.filter((x) => typeof x === 'number' && !isNaN(x)).sort((x, y) => x - y);
	return v.length ? v[Math.floor(v.length / 2)].toFixed(0) : '-';
};
(async () => {
	const browser = await puppeteer.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
	});
	const m = { usable: [], dcl: [], load: [], fcp: [], click: [] };
	for (let i = 0; i < runs; i++) {
		const page = await browser.newPage();
		await page.setViewport({ width: 1600, height: 1000 });
		// usable: the first cell shown answers a click with its panel
		await page.evaluateOnNewDocument(() => {
			const iv = setInterval(() => {
				const td = document.querySelector('td[data-k]');
				if (!td) return;
				clearInterval(iv);
				td.click();
				const done = () => { window.usable = performance.now(); };
				const p = document.getElementById('panel');
				if (p && !p.hidden) done(); else document.addEventListener('DOMContentLoaded', () => setTimeout(done, 0));
			}, 5);
		});
		await page.goto('file://' + file, { waitUntil: 'load' });
		const t = await page.evaluate(async () => {
			await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
			const n = performance.getEntriesByType('navigation')[0];
			const p = performance.getEntriesByName('first-contentful-paint')[0];
			return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: p ? p.startTime : NaN,
				usable: window.usable };
		});
		await page.keyboard.press('Escape');
		const click = await page.evaluate(() => {
			const cells = document.querySelectorAll('td[data-k]');
			if (!cells.length) return NaN;
			const t0 = performance.now();
			cells[cells.length - 1].click();
			if (document.getElementById('panel').hidden) return NaN;
			return performance.now() - t0;
		});
		m.usable.push(t.usable);
		m.dcl.push(t.dcl); m.load.push(t.load); m.fcp.push(t.fcp); m.click.push(click);
		await page.close();
	}
	await browser.close();
	console.log(`${path.basename(file)}: ${(fs.statSync(file).size / 1e6).toFixed(2)} MB; median of ${runs}: ` +
		`DOMContentLoaded ${median(m.dcl)} ms, load ${median(m.load)} ms, ` +
		`first contentful paint ${median(m.fcp)} ms, first cell answering a click ${median(m.usable)} ms, ` +
		`a click to its panel ${median(m.click)} ms`);
})();
