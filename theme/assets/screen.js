/* The lobby screen: rotates slides unattended, polls for a new publish, never reloads itself.
 * Plain ES5 + fetch so that the old browsers inside LED players run it. All text is set
 * with textContent: nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";

  var root = document.getElementById("screen");
  var stage = document.getElementById("screen-stage");
  var base = root.getAttribute("data-base");
  var params = new URLSearchParams(window.location.search);
  /* What things are called comes with the data (index.json "labels", from generator/schema.py). */
  var labels = null;
  var WEEKDAYS = "日一二三四五六";

  var state = { index: null, pending: null, steps: [], step: -1, pages: [], settings: null, failures: 0, timer: null,
    retry: 1000 };

  /* A setting from the URL, else the site's; held within [min, max] (timers past 2^31 ms fire at once). */
  function number(name, fallback, min, max) {
    var value = parseFloat(params.get(name));
    value = isFinite(value) && value >= min ? value : fallback;
    return isFinite(value) ? Math.min(Math.max(value, min), max) : min;
  }

  /* ---- data: fetched, then checked for shape (a half-published or foreign file is a failure, like a 404) */

  var MAX_ROWS = 100;   /* rows one step may lay out: more would stall the page (the data is capped too) */

  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function isNumber(v) { return typeof v === "number" && isFinite(v); }
  function isText(v) { return typeof v === "string"; }
  function all(list, test) { return Array.isArray(list) && list.every(test); }
  function has(object, keys, test) { return isObject(object) && keys.every(function (k) { return test(object[k]); }); }

  function isCounts(c) { return has(c, ["total", "finished", "closed", "done", "in_progress", "overdue"], isNumber); }
  function isEvaluation(ev) {
    return ev === null || (has(ev, ["members", "probationary", "participants", "rated", "excellent", "qualified", "basic",
      "unqualified", "full_members"], isNumber) && (ev.participation_rate === null || isNumber(ev.participation_rate)) &&
      (ev.shares === null || has(ev.shares, ["excellent", "qualified", "basic", "unqualified"], isNumber)));
  }
  function isItem(item) {
    return has(item, ["id", "problem", "owner", "deadline", "status", "status_label"], isText) &&
      typeof item.overdue === "boolean";
  }
  function isIndex(i) {
    return has(i, ["organization", "period", "as_of", "build"], isText) && all(i.branches, isText) &&
      has(i.settings, ["seconds", "refresh", "scale"], isNumber) && isObject(i.overview) &&
      has(i.overview, ["branches", "temporary_branches"], isNumber) && isCounts(i.overview.counts) &&
      isObject(i.overview.evaluation) && isEvaluation(i.overview.evaluation);
  }
  function isPerson(p) {
    return has(p, ["name", "role", "pledge", "fulfilled"], isText) && isNumber(p.finished) && all(p.items, isItem);
  }
  function isBranch(b) {
    return has(b, ["id", "name", "kind"], isText) && isCounts(b.counts) && isEvaluation(b.evaluation) && all(b.items, isItem) &&
      (b.people === undefined || all(b.people, isPerson));
  }
  function isOverdue(d) { return isObject(d) && isNumber(d.total) && all(d.items, function (i) { return isItem(i) && isText(i.branch); }); }

  function getJSON(path, valid) {
    return fetch(base + path, { cache: "no-store" }).then(function (response) {
      if (!response.ok) { throw new Error(path + ": " + response.status); }
      return response.json();
    }).then(function (data) {
      if (!valid(data)) { throw new Error(path + ": unexpected content"); }
      return data;
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function pct(value) { return value === null || value === undefined ? "—" : value.toFixed(1) + "%"; }

  function cnDate(iso) {
    var p = iso.split("-");
    return p.length === 3 ? Number(p[0]) + "年" + Number(p[1]) + "月" + Number(p[2]) + "日" : iso;
  }

  /* ---- layout ---------------------------------------------------------------------------- */

  /* 1rem: 26px on a 1080p wall, proportionally less on smaller ones, but never under MIN_REM (the smallest
     text, .8rem, stays 12px on a 384×192 LED board) and never so big that the stage holds less than ten lines.
     Small-pixel boards get the compact layout: "narrow" (under 40rem wide) stacks a list's columns, "short"
     (under 30rem tall, e.g. 768×384 or a 1920×240 strip) tightens the spacing. */
  var MIN_REM = 15;

  function fit() {
    var w = window.innerWidth, h = window.innerHeight, scale = state.settings ? state.settings.scale : 1;
    var size = Math.max(MIN_REM, Math.min(Math.min(w, h) / 1080 * 26 * scale, h / 10, w / 20));
    document.documentElement.style.fontSize = size + "px";
    root.classList.toggle("screen--narrow", w / size < 40);
    root.classList.toggle("screen--short", h / size < 30);
    tick();
  }

  function applySettings(index) {
    var d = index.settings;
    labels = index.labels;
    var theme = params.get("theme") || d.theme;
    state.settings = {
      seconds: number("seconds", d.seconds, 1, 3600),   /* the limits of screen.py's ScreenSettings */
      refresh: number("refresh", d.refresh, 5, 3600),
      scale: number("scale", d.scale, 0.3, 10)
    };
    root.classList.remove("screen--light", "screen--dark");
    root.classList.add("screen--" + (theme === "light" ? "light" : "dark"));
    document.getElementById("screen-org").textContent = index.organization;
    document.getElementById("screen-period").textContent = index.period + " 党务公开";
    document.getElementById("screen-asof").textContent = "数据截至 " + cnDate(index.as_of);
    document.getElementById("screen-preview").hidden = !index.preview;  /* 预览稿: not approved */
    fit();
  }

  function tick() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var time = two(now.getHours()) + ":" + two(now.getMinutes()) + ":" + two(now.getSeconds());
    document.getElementById("screen-clock").textContent = root.classList.contains("screen--narrow") ? time :
      now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日 星期" + WEEKDAYS.charAt(now.getDay()) +
      " " + time;
  }

  /* ---- slides ---------------------------------------------------------------------------- */

  /* The slide's QR code (only when the board has a site_url): a path of squares from the data, set as an attribute. */
  function qrCode(qr) {
    var ns = "http://www.w3.org/2000/svg", quiet = 4, side = qr.size + 2 * quiet;
    var figure = el("figure", "slide__qr");
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", -quiet + " " + -quiet + " " + side + " " + side);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "二维码：" + qr.url);
    var paper = document.createElementNS(ns, "rect");
    paper.setAttribute("x", -quiet);
    paper.setAttribute("y", -quiet);
    paper.setAttribute("width", side);
    paper.setAttribute("height", side);
    paper.setAttribute("fill", "#fff");
    var code = document.createElementNS(ns, "path");
    code.setAttribute("d", qr.path);
    code.setAttribute("fill", "#000");
    svg.appendChild(paper);
    svg.appendChild(code);
    figure.appendChild(svg);
    figure.appendChild(el("figcaption", null, "扫码查看"));
    return figure;
  }

  function slide(id, title, qr) {
    var section = el("section", "slide");
    section.setAttribute("data-slide", id);
    var head = el("div", "slide__head");
    head.appendChild(el("h1", "slide__title", title));
    head.appendChild(el("span", "slide__page"));
    if (qr) { head.appendChild(qrCode(qr)); }
    section.appendChild(head);
    return section;
  }

  function card(value, label, modifier) {
    var node = el("div", "card" + (modifier ? " card--" + modifier : ""));
    node.appendChild(el("span", "card__value", value));
    node.appendChild(el("span", "card__label", label));
    return node;
  }

  function bar(label, detail, parts) {
    var wrap = el("div", "bar");
    var head = el("div", "bar__label");
    head.appendChild(el("span", null, label));
    head.appendChild(el("span", null, detail));
    wrap.appendChild(head);
    var track = el("div", "bar__track");
    parts.forEach(function (part) {
      var span = el("span", "bar__part bar__part--" + part[0]);
      span.style.width = Math.max(0, part[1]) + "%";
      track.appendChild(span);
    });
    wrap.appendChild(track);
    return wrap;
  }

  function legend(entries) {
    var node = el("div", "legend");
    entries.forEach(function (entry) {
      var item = el("span");
      item.appendChild(el("i", "bar__part--" + entry[0]));
      item.appendChild(document.createTextNode(entry[1]));
      node.appendChild(item);
    });
    return node;
  }

  /* The parts of the progress bar, in order; in_progress and not_started count the items within their deadline. */
  var PROGRESS = ["closed", "done", "in_progress", "not_started", "overdue"];

  function progressBar(counts) {
    var total = counts.total || 1;
    return bar("整改进度", "已完成 " + counts.finished + " / " + counts.total + " 项（" + pct(counts.completion_rate) + "）",
      PROGRESS.map(function (key) {
        var n = key === "in_progress" || key === "not_started" ? counts.on_time[key] : counts[key];
        return [key, n * 100 / total];
      }));
  }

  function sharesBar(ev) {
    if (!ev || !ev.shares) { return el("p", "report", "暂无民主评议数据"); }
    return bar("民主评议等次", labels.grades.map(function (g) { return g[1] + " " + pct(ev.shares[g[0]]); }).join("　"),
      labels.grades.map(function (g) { return [g[0], ev.shares[g[0]]]; }));
  }

  function overviewSlide(index) {
    var o = index.overview, ev = o.evaluation, c = o.counts;
    var cards = [card(o.branches, "党支部"), card(o.temporary_branches, "临时党支部"), card(ev.members, labels.evaluation.members),
      card(ev.participants, labels.evaluation.participants), card(pct(ev.participation_rate), "参与率"),
      card(c.total, labels.counts.total), card(c.finished, "已完成和销号", "good"),
      card(c.overdue, "逾期未完成", c.overdue ? "alert" : null)];
    var bars = [sharesBar(ev), progressBar(c), legend(PROGRESS.map(function (key) { return [key, labels.counts[key]]; }))];
    var grades = labels.grades.map(function (g) { return g[1] + " " + ev[g[0]] + " 名"; }).join("、");
    var report = [el("p", "report", "正式党员 " + ev.full_members + " 名，" + labels.evaluation.probationary + " " +
      ev.probationary + " 名；" + labels.evaluation.rated + " " + ev.rated + " 名，评定为" + grades + "。")];
    if (o.carried_line) { report.push(el("p", "report report--carried", "上年度整改落实情况：" + o.carried_line)); }
    var blocks = grouped(cards, "cards cards--overview").concat(grouped(bars, "bars"), grouped(report, null));
    return numbered(flow(function () { return slide("overview", index.period + "组织生活会和民主评议党员情况", index.qr); },
      blocks), "overview");
  }

  /* ---- flowing blocks over slides (small screens) ---------------------------------------------- */

  function grouped(nodes, group) {
    return nodes.map(function (node) { return { node: node, group: group }; });
  }

  function spills(box) {
    return box.scrollHeight > box.clientHeight + 1 || box.scrollWidth > box.clientWidth + 1;
  }

  function holder(body, group) {
    if (!group) { return body; }
    var last = body.lastElementChild;
    if (last && last.className === group) { return last; }
    return body.appendChild(el("div", group));
  }

  /* Blocks (cards, bars, sentences) laid out on as many slides as the screen needs, in order, never clipped:
     a big screen gets one slide, a 384×192 board a few. A block alone on a slide stays even if it spills. */
  function flow(makeSlide, blocks) {
    var pages = [], s = null, body = null, placed = 0;
    function open() {
      s = makeSlide();
      s.querySelector(".slide__page").textContent = "9/9";   /* measure with the label in place */
      body = s.appendChild(el("div", "slide__body"));
      stage.appendChild(s);
      placed = 0;
    }
    function close() { stage.removeChild(s); pages.push(s); }
    open();
    blocks.forEach(function (block) {
      var parent = holder(body, block.group);
      parent.appendChild(block.node);
      if (placed > 0 && spills(body)) {
        parent.removeChild(block.node);
        if (parent !== body && !parent.firstChild) { body.removeChild(parent); }
        close();
        open();
        holder(body, block.group).appendChild(block.node);
      }
      placed += 1;
    });
    close();
    return pages;
  }

  /* Slides of one step named step:1, step:2 … and labelled 1/n on screen (none when there is one). */
  function numbered(pages, name) {
    pages.forEach(function (page, i) {
      page.setAttribute("data-slide", name + ":" + (i + 1));
      page.querySelector(".slide__page").textContent = pages.length > 1 ? (i + 1) + "/" + pages.length : "";
    });
    if (pages.length === 1) { pages[0].setAttribute("data-slide", name); }
    return pages;
  }

  function labelled(node, label) {
    node.setAttribute("data-label", label);
    return node;
  }

  function itemRow(item, withBranch) {
    var tr = el("tr", item.overdue ? "is-overdue" : null);
    if (withBranch) { tr.appendChild(el("td", null, item.branch)); }
    tr.appendChild(el("td", null, item.id));
    tr.appendChild(el("td", "cell-problem", item.problem));
    tr.appendChild(labelled(el("td", null, item.owner), labels.item.owner));     /* labels show on narrow screens */
    tr.appendChild(labelled(el("td", null, cnDate(item.deadline)), labels.item.deadline));
    var status = el("td");
    status.appendChild(el("span", "status status--" + item.status, item.status_label));
    if (item.overdue) { status.appendChild(el("div", "overdue-tag", "已逾期")); }
    tr.appendChild(status);
    return tr;
  }

  /* 承诺公示: one row per person; the pledge is the column that is squeezed and grown like an item's problem. */
  function personRow(person) {
    var tr = el("tr");
    tr.appendChild(el("td", null, person.name));
    tr.appendChild(el("td", null, person.role));
    tr.appendChild(el("td", "cell-problem", person.pledge));
    var fulfilled = el("td", null, person.fulfilled);
    if (person.items.length) {
      fulfilled.appendChild(el("div", "person-items", labels.person.items + " " + person.finished + "/" + person.items.length));
    }
    tr.appendChild(fulfilled);
    return tr;
  }

  function listTable(withBranch, record) {
    record = record || "item";
    var keys = record === "person" ? ["name", "role", "pledge", "fulfilled"] : ["id", "problem", "owner", "deadline", "status"];
    var table = el("table", "list list--" + record);
    var colgroup = el("colgroup");
    var cols = (withBranch ? ["branch"] : []).concat(keys);
    cols.forEach(function (name) { colgroup.appendChild(el("col", "col-" + name)); });
    table.appendChild(colgroup);
    var head = el("tr");
    (withBranch ? ["支部"] : []).concat(keys.map(function (key) {
      return labels[record][key];
    })).forEach(function (label) {
      head.appendChild(el("th", null, label));
    });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    table.appendChild(el("tbody"));
    return table;
  }

  /* A few pixels of margin: borders and rounding differ slightly once the slide is shown. */
  function overflows(box) {
    var content = box.firstElementChild;
    return !!content && (content.offsetHeight > box.clientHeight - 4 || content.offsetWidth > box.clientWidth + 1);
  }

  /* Shorten one row that cannot fit even alone (a very long problem text) until it does. */
  function squeeze(row, box) {
    var cell = row.querySelector(".cell-problem");
    var text = cell.textContent, low = 0, high = text.length;
    while (low < high) {
      var mid = Math.floor((low + high + 1) / 2);
      cell.textContent = text.slice(0, mid) + "…（详见网站）";
      if (overflows(box)) { high = mid - 1; } else { low = mid; }
    }
    cell.textContent = text.slice(0, low) + "…（详见网站）";
  }

  /* Few rows: let them grow (larger text, taller rows) into the free space of their one slide,
     as long as a line of the problem column still holds ten characters (the other columns grow with the text). */
  function grow(table, box) {
    var base = parseFloat(window.getComputedStyle(table).fontSize), low = 1, high = 2.2;
    var problem = table.querySelector(".cell-problem");
    for (var i = 0; i < 8; i += 1) {
      var mid = (low + high) / 2;
      table.style.fontSize = base * mid + "px";
      if (overflows(box) || problem.clientWidth < 10 * base * mid) { high = mid; } else { low = mid; }
    }
    table.style.fontSize = base * low + "px";
  }

  /* Lay rows out on as many slides as they need: measured in the real stage, never scrolled. */
  function paginate(makeSlide, rows, withBranch, empty, record) {
    var pages = [], next = 0;
    rows = rows.slice(0, MAX_ROWS);
    do {
      var s = makeSlide(pages.length + 1);
      s.querySelector(".slide__page").textContent = "9/9";   /* measure with the label in place */
      var box = el("div", "slide__list");
      s.appendChild(box);
      stage.appendChild(s);
      if (!rows.length) {
        box.appendChild(el("p", "slide__message", empty));
      } else {
        var table = listTable(withBranch, record), tbody = table.querySelector("tbody"), count = 0;
        box.appendChild(table);
        while (next < rows.length) {
          var row = record === "person" ? personRow(rows[next]) : itemRow(rows[next], withBranch);
          tbody.appendChild(row);
          if (overflows(box)) {
            if (count > 0) { tbody.removeChild(row); break; }
            squeeze(row, box);
          }
          next += 1;
          count += 1;
        }
        if (!pages.length && next >= rows.length) { grow(table, box); }
      }
      stage.removeChild(s);
      pages.push(s);
    } while (next < rows.length);
    pages.forEach(function (page, i) {
      page.setAttribute("data-slide", page.getAttribute("data-slide") + ":" + (i + 1));
      page.querySelector(".slide__page").textContent = pages.length > 1 ? (i + 1) + "/" + pages.length : "";
    });
    return pages;
  }

  function branchBlocks(branch) {
    var ev = branch.evaluation, c = branch.counts;
    var cards = ev ? [card(ev.members, labels.evaluation.members), card(pct(ev.participation_rate), "参与率"),
      card(pct(ev.shares ? ev.shares[labels.grades[0][0]] : null), labels.grades[0][1] + "比例")]
      : [card(branch.kind, "未开展民主评议")];
    cards.push(card(c.finished + "/" + c.total, "整改已完成", "good"), card(c.overdue, "逾期", c.overdue ? "alert" : null));
    var blocks = grouped(cards, "cards").concat(grouped([progressBar(c)], null));
    if (branch.items.length < c.total) {
      blocks.push({ node: el("p", "report", "共 " + c.total + " 项，这里显示逾期和未完成的 " + branch.items.length +
        " 项；完整清单请看网站"), group: null });
    }
    return blocks;
  }

  /* Whether a slide made by makeSlide leaves its list at least LIST_LINES lines of text. */
  var LIST_LINES = 6;

  function roomForList(makeSlide) {
    var s = makeSlide(), box = s.appendChild(el("div", "slide__list"));
    stage.appendChild(s);
    var rem = parseFloat(window.getComputedStyle(document.documentElement).fontSize);
    var room = box.clientHeight >= LIST_LINES * 1.35 * rem && !spills(s);
    stage.removeChild(s);
    return room;
  }

  /* The branch's figures above its list; on a screen too small for both, the figures get slides of their own
     and the list follows on slides that carry the title only. */
  function branchSlides(branch) {
    var name = "branch:" + branch.id, empty = "暂无公开的整改事项";
    function head() { return slide(name, branch.name, branch.qr); }
    function withFigures() {
      var s = head();
      branchBlocks(branch).forEach(function (block) { holder(s, block.group).appendChild(block.node); });
      return s;
    }
    if (roomForList(withFigures)) { return paginate(withFigures, branch.items, false, empty); }
    var blocks = branchBlocks(branch);
    if (!branch.items.length) { blocks.push({ node: el("p", "report", empty), group: null }); }
    return numbered(flow(head, blocks).concat(branch.items.length ? paginate(head, branch.items, false, empty) : []), name);
  }

  /* 党员承诺公示: the branch's people as a list under its title, paged like the overdue list (fits every board). */
  function pledgeSlides(branch) {
    return paginate(function () {
      return slide("pledges:" + branch.id, branch.name + " · 党员承诺公示", branch.qr);
    }, branch.people || [], false, "暂无公开的承诺", "person");
  }

  function overdueSlides(data) {
    var title = "逾期未完成的整改事项（" + (data.items.length < data.total
      ? "共 " + data.total + " 项，显示逾期最久的 " + data.items.length + " 项）" : data.total + " 项）");
    return paginate(function () { return slide("overdue", title, data.qr); }, data.items, true, "所有整改事项均在整改时限内");
  }

  /* ---- rotation ---------------------------------------------------------------------------- */

  function show(page, position) {
    var old = stage.querySelectorAll(".slide");
    stage.appendChild(page);
    page.className = "slide is-current";
    for (var i = 0; i < old.length; i += 1) { stage.removeChild(old[i]); }
    document.getElementById("screen-position").textContent = position;
    var progress = document.getElementById("screen-progress");
    progress.style.transition = "none";
    progress.style.width = "0";
    void progress.offsetWidth;
    progress.style.transition = "width " + state.settings.seconds + "s linear";
    progress.style.width = "100%";
  }

  function stepsOf(index) {
    var pledges = index.pledges || [];
    return ["overview"].concat(index.branches.reduce(function (steps, id) {
      return steps.concat(["branch:" + id], pledges.indexOf(id) >= 0 ? ["pledges:" + id] : []);
    }, []), ["overdue"]);
  }

  function pagesFor(step) {
    if (step === "overview") { return Promise.resolve(overviewSlide(state.index)); }
    if (step === "overdue") { return getJSON("overdue.json", isOverdue).then(overdueSlides); }
    if (step.indexOf("pledges:") === 0) {
      return getJSON("branches/" + encodeURIComponent(step.slice(8)) + ".json", isBranch).then(pledgeSlides);
    }
    return getJSON("branches/" + encodeURIComponent(step.slice(7)) + ".json", isBranch).then(branchSlides);
  }

  function position(step) {
    var id = step.slice(step.indexOf(":") + 1);
    if (step.indexOf("branch:") !== 0 && step.indexOf("pledges:") !== 0) { return ""; }
    return "支部 " + (state.index.branches.indexOf(id) + 1) + " / " + state.index.branches.length;
  }

  function schedule(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(advance, delay);
  }

  /* Whatever goes wrong with one step (data, layout), the rotation goes on. */
  function advance() {
    try {
      next();
    } catch (error) {
      state.pages = [];
      failed();
    }
  }

  function failed() {
    /* Server briefly away or a file of the wrong shape: keep what is on screen, try the next slide a little later. */
    state.failures += 1;
    schedule(state.failures >= state.steps.length ? state.settings.seconds * 1000 : 200);
  }

  function next() {
    if (state.pages.length) {
      show(state.pages.shift(), position(state.steps[state.step]));
      return schedule(state.settings.seconds * 1000);
    }
    if (state.pending) {
      state.index = state.pending;
      state.pending = null;
      state.steps = stepsOf(state.index);
      state.step = -1;
      applySettings(state.index);
    }
    state.step = (state.step + 1) % state.steps.length;
    var step = state.steps[state.step];
    pagesFor(step).then(function (pages) {
      state.failures = 0;
      state.pages = pages;
      advance();
    }).catch(failed);
  }

  function poll() {
    getJSON("index.json", isIndex).then(function (index) {
      if (index.build !== state.index.build) { state.pending = index; }
    }).catch(function () { /* keep showing the last content; try again at the next poll */ });
    setTimeout(poll, state.settings.refresh * 1000);
  }

  function start() {
    getJSON("index.json", isIndex).then(function (index) {
      var steps = stepsOf(index);
      applySettings(index);
      state.index = index;
      state.steps = steps;
      setTimeout(poll, state.settings.refresh * 1000);
      advance();
    }).catch(function () {
      /* Not there yet, or not a board's index: try again soon, then every 10 seconds. */
      setTimeout(start, state.retry);
      state.retry = Math.min(state.retry * 2, 10000);
    });
  }

  window.addEventListener("resize", function () { fit(); state.pages = []; });
  tick();
  setInterval(tick, 1000);
  start();
}());
