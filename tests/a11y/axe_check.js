#!/usr/bin/env node
// Check reportgen's HTML pages in a real browser: axe-core's WCAG 2.2 A/AA rules at a
// desktop (1280px) and a phone (390px) width, horizontal overflow of the page, and any
// request the page makes beyond its own file.
//
//   node axe_check.js page.html [more.html ...]   ->  JSON on stdout, one result per page and width
//
// It drives the system's Chromium (CHROMIUM, else /usr/bin/chromium) through puppeteer-core;
// nothing is downloaded. Exit status 0 whether or not violations were found (the Python test
// judges the JSON); 2 when the browser cannot be started.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL } = require("url");
const puppeteer = require("puppeteer-core");

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"];
const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
];

async function main(files) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "reportgen-axe-"));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
      headless: true,
      userDataDir: profile,
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    });
  } catch (err) {
    console.error(`could not start Chromium: ${err.message}`);
    fs.rmSync(profile, { recursive: true, force: true });
    process.exit(2);
  }
  const results = [];
  try {
    for (const file of files) {
      const url = pathToFileURL(path.resolve(file)).href;
      for (const vp of WIDTHS) {
        const page = await browser.newPage();
        const requests = [];
        await page.setRequestInterception(true);
        page.on("request", (req) => {
          if (req.url() !== url) {
            requests.push(req.url());
            req.abort();
          } else {
            req.continue();
          }
        });
        await page.setViewport(vp);
        await page.goto(url, { waitUntil: "load" });
        await page.evaluate(AXE_SOURCE);
        const axe = await page.evaluate(async (tags) => {
          const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
          return r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
          }));
        }, TAGS);
        const overflow = await page.evaluate(() => {
          const doc = document.documentElement;
          return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth };
        });
        results.push({ file, viewport: vp.name, width: vp.width, violations: axe, overflow, requests });
        await page.close();
      }
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify(results, null, 1) + "\n");
}

const files = process.argv.slice(2);
if (!files.length) {
  console.error("usage: node axe_check.js page.html [more.html ...]");
  process.exit(64);
}
main(files).catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
