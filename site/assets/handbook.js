// Handbook tables: sortable headings (the vendored tablesort) and a filter box that searches the whole
// list, not one page. The list comes as compact JSON (`data-src`, written by the build); matching rows
// are put on the page as text, never as HTML, so nothing a document says can become markup here.
(function () {
  "use strict";

  var lists = {}; // data-src -> promise of the parsed list

  function load(src) {
    if (!lists[src]) {
      lists[src] = fetch(src, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(src + ": " + response.status);
        return response.json();
      });
    }
    return lists[src];
  }

  // A cell is text, one [text, href, class] part, or a list of parts.
  function parts(cell) {
    return typeof cell === "string" || typeof cell[0] === "string" ? [cell] : cell;
  }

  function part(value, root) {
    if (typeof value === "string") return document.createTextNode(value);
    var text = value[0], href = value[1], cls = value[2], node;
    if (cls === "time") {
      node = document.createElement("time");
      node.setAttribute("datetime", text);
    } else if (href) {
      node = document.createElement("a");
      // Only outside addresses the build let through are absolute; the rest are from the site's root.
      node.setAttribute("href", /^(https?:|mailto:)/i.test(href) ? href : root + href);
      if (/^https?:/i.test(href)) node.setAttribute("rel", "noopener noreferrer");
    } else {
      node = document.createElement("span");
    }
    if (cls && cls !== "time") node.className = cls;
    node.textContent = text;
    return node;
  }

  function rowElement(list, row, root) {
    var tr = document.createElement("tr");
    if (row.r) tr.className = row.r;
    if (row.k && list.key) tr.setAttribute(list.key, row.k);
    row.d.forEach(function (cell, index) {
      var td = document.createElement("td");
      parts(cell).forEach(function (value, i) {
        if (i) td.appendChild(document.createTextNode(" "));
        td.appendChild(part(value, root));
      });
      if (row.s && row.s[index] !== undefined) td.setAttribute("data-sort", row.s[index]);
      tr.appendChild(td);
    });
    return tr;
  }

  function rowText(row) {
    if (row._text === undefined) {
      row._text = row.d
        .map(function (cell) {
          return parts(cell).map(function (p) { return typeof p === "string" ? p : p[0]; }).join(" ");
        })
        .join(" ")
        .toLowerCase();
    }
    return row._text;
  }

  function setUp(box) {
    var table = document.getElementById(box.getAttribute("data-table"));
    var src = box.getAttribute("data-src");
    if (!table || !table.tBodies[0] || !src) return;
    var body = table.tBodies[0];
    var original = Array.prototype.slice.call(body.rows);
    var status = box.parentNode.querySelector(".hb-filter-status");
    var pagers = document.querySelectorAll(".hb-pager");
    var root = box.getAttribute("data-root") || "";
    var timer = null;

    function show(rows) {
      while (body.firstChild) body.removeChild(body.firstChild);
      rows.forEach(function (row) { body.appendChild(row); });
      if (table.hbSort) table.hbSort.refresh();
    }

    function apply() {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      if (!words.length) {
        show(original);
        pagers.forEach(function (p) { p.hidden = false; });
        if (status) status.textContent = "";
        return;
      }
      load(src).then(
        function (list) {
          if (box.value.toLowerCase().split(/\s+/).filter(Boolean).join(" ") !== words.join(" ")) return;
          var matches = list.rows.filter(function (row) {
            var text = rowText(row);
            return words.every(function (word) { return text.indexOf(word) !== -1; });
          });
          show(matches.map(function (row) { return rowElement(list, row, root); }));
          pagers.forEach(function (p) { p.hidden = true; });
          if (status) {
            status.textContent = matches.length + " of " + list.rows.length + " match, from every page";
          }
        },
        function () {
          // The list could not be fetched (e.g. the site opened from disk): filter this page instead.
          show(original.filter(function (row) {
            var text = row.textContent.toLowerCase();
            return words.every(function (word) { return text.indexOf(word) !== -1; });
          }));
          if (status) status.textContent = "filtering this page only";
        }
      );
    }

    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(apply, 120);
    });
    // A link may open a list already filtered: reviews/index.html?filter=draft
    var wanted = new URLSearchParams(window.location.search).get("filter");
    if (wanted) {
      box.value = wanted;
      apply();
    }
  }

  // Opened from disk (file://): the browser refuses search's index and the lists' JSON, so say how to
  // see the site as it is meant to be seen.
  function fromDisk() {
    if (window.location.protocol !== "file:" || document.querySelector(".hb-from-disk")) return;
    var note = document.createElement("p");
    note.className = "hb-from-disk admonition warning";
    note.textContent = "This page was opened from disk, where search and the filters over whole lists " +
      "cannot work. Serve the site instead: `handbook serve` (live preview) or " +
      "`python3 -m http.server -d build/site` after `handbook build`.";
    var article = document.querySelector("article") || document.body;
    article.insertBefore(note, article.firstChild);
  }

  function ready() {
    fromDisk();
    if (window.Tablesort) {
      document.querySelectorAll("table.hb-sortable").forEach(function (table) {
        if (!table.hbSort && table.tHead) table.hbSort = new window.Tablesort(table);
      });
    }
    document.querySelectorAll("input.hb-filter[data-src]").forEach(function (box) {
      if (!box.hbReady) {
        box.hbReady = true;
        setUp(box);
      }
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(ready); // Material's page observable (also fires on instant navigation)
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
