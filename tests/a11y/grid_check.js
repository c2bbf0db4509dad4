#!/usr/bin/env node
// Measure the Key to Scores and the heat maps of reportgen's HTML pages in a real browser, at
// phone (360px, 390px) and desktop (1280px) widths: whether each grid scrolls sideways, where its
// column headers are, any cell whose content runs out of it, any word broken across lines, the
// roles the browser gives the grid (so a screen reader still meets a table), and the focus
// ring of a heat-map link.
//
//   node grid_check.js page.html [more.html ...]   ->  JSON on stdout, one result per page and width
//
// Like axe_check.js it drives the system's Chromium (CHROMIUM, else /usr/bin/chromium) through
// puppeteer-core; exit status 0 whatever it measured (the Python test judges), 2 when the
// browser cannot be started.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const { pathToFileURL } = require("url");
const puppeteer = require("puppeteer-core");

const WIDTHS = [
  { name: "small phone", width: 360, height: 780, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
  { name: "phone", width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
  { name: "desktop", width: 1280, height: 900 },
];

function measure() {
  const viewport = document.documentElement.clientWidth;
  const grids = [];
  for (const table of document.querySelectorAll("table.matrix")) {
    const box = table.closest(".scroll") || table.parentElement;
    const boxRect = box.getBoundingClientRect();
    const columns = [...table.querySelectorAll('th[scope="col"]')].map((th) => {
      const r = th.getBoundingClientRect();
      return {
        text: th.textContent.trim(),
        left: r.left, right: r.right, width: r.width,
        visible: r.width > 0 && r.left >= Math.floor(boxRect.left) && r.right <= Math.ceil(boxRect.right) && r.right <= viewport,
      };
    });
    const overflowing = [];
    const broken = [];
    for (const cell of table.querySelectorAll("th, td")) {
      if (cell.scrollWidth > cell.clientWidth + 1) {
        overflowing.push({ text: cell.textContent.trim().slice(0, 60), scrollWidth: cell.scrollWidth, clientWidth: cell.clientWidth });
      }
      // inside the cell's borders: a word reaching over its border overflows it too
      const c = cell.getBoundingClientRect();
      const s = getComputedStyle(cell);
      const inner = [c.left + parseFloat(s.borderLeftWidth), c.right - parseFloat(s.borderRightWidth)];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const re = /\S+/g;
        let m;
        while ((m = re.exec(node.data))) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const rects = [...range.getClientRects()].filter((q) => q.width > 0);
          const tops = new Set(rects.map((q) => Math.round(q.top)));
          if (tops.size > 1) broken.push(m[0]);
          if (rects.some((q) => q.left < inner[0] - 0.5 || q.right > inner[1] + 0.5)) {
            overflowing.push({ text: m[0], cell: [c.left, c.right], word: rects.map((q) => [q.left, q.right]) });
          }
        }
      }
    }
    grids.push({
      caption: table.caption ? table.caption.textContent.trim() : "",
      box: { scrollWidth: box.scrollWidth, clientWidth: box.clientWidth },
      table: { width: table.getBoundingClientRect().width, right: table.getBoundingClientRect().right },
      columns, overflowing, broken,
    });
  }
  // The register tables: the words broken across lines in their cells (a line may end after a
  // hyphen, so it splits words; words with a slash excepted, which Chromium, unlike Word and
  // WeasyPrint, does not end a line after, and words longer than 30 characters: an address or
  // a code may break), and whether the page scrolls sideways.
  const registers = [];
  for (const table of document.querySelectorAll("table.reg")) {
    const broken = [];
    for (const cell of table.querySelectorAll("tbody td, tbody th")) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const re = /\S+/g;
        let m;
        while ((m = re.exec(node.data))) {
          if (m[0].length > 30 || m[0].includes("/")) continue;
          const part = /[^\-\u2013\u2014]+/g;
          let p;
          while ((p = part.exec(m[0]))) {
            const range = document.createRange();
            range.setStart(node, m.index + p.index);
            range.setEnd(node, m.index + p.index + p[0].length);
            const tops = new Set([...range.getClientRects()].filter((q) => q.width > 0).map((q) => Math.round(q.top)));
            if (tops.size > 1) broken.push(m[0]);
          }
        }
      }
    }
    registers.push({ caption: table.caption ? table.caption.textContent.trim() : "", broken });
  }
  const page = { scrollWidth: document.documentElement.scrollWidth, clientWidth: viewport };
  return { viewport, grids, registers, page };
}

async function roles(page) {
  // the roles of the Key's table as the browser exposes them (its accessibility tree)
  const table = await page.$(".key table.matrix");
  if (!table) return {};
  const tree = await page.accessibility.snapshot({ root: table, interestingOnly: false });
  const counts = {};
  (function walk(node) {
    if (!node) return;
    counts[node.role] = (counts[node.role] || 0) + 1;
    (node.children || []).forEach(walk);
  })(tree);
  return counts;
}

async function focusRing(page) {
  const link = await page.$(".hmap a");
  if (!link) return null;
  await page.keyboard.press("Tab"); // keyboard focus, as a user moves through the page
  await link.focus();
  return page.evaluate(() => {
    const a = document.activeElement;
    const s = getComputedStyle(a);
    return {
      text: a.textContent, href: a.getAttribute("href"),
      outlineStyle: s.outlineStyle, outlineWidth: s.outlineWidth, outlineColor: s.outlineColor,
      color: s.color, textDecoration: s.textDecorationLine,
    };
  });
}

async function main(files) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "reportgen-grid-"));
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
        await page.setViewport(vp);
        await page.goto(url, { waitUntil: "load" });
        const m = await page.evaluate(measure);
        results.push({ file, viewport: vp.name, width: vp.width, ...m, roles: await roles(page), focus: await focusRing(page) });
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
  console.error("usage: node grid_check.js page.html [more.html ...]");
  process.exit(64);
}
main(files).catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
