/* The query page: a SPARQL editor with highlighting, named queries, a results table whose IRIs
   open the resource pages, downloads and a permalink. No outside scripts: it works offline. */
(function () {
  "use strict";

  var KEYWORDS = /^(?:BASE|PREFIX|SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|FROM|NAMED|DISTINCT|REDUCED|AS|GROUP|BY|HAVING|ORDER|ASC|DESC|LIMIT|OFFSET|VALUES|OPTIONAL|UNION|MINUS|GRAPH|SERVICE|SILENT|FILTER|BIND|NOT|EXISTS|IN|UNDEF|A|TRUE|FALSE|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|LANGMATCHES|DATATYPE|BOUND|IRI|URI|BNODE|RAND|ABS|CEIL|FLOOR|ROUND|CONCAT|STRLEN|UCASE|LCASE|ENCODE_FOR_URI|CONTAINS|STRSTARTS|STRENDS|STRBEFORE|STRAFTER|YEAR|MONTH|DAY|HOURS|MINUTES|SECONDS|TIMEZONE|TZ|NOW|UUID|STRUUID|MD5|SHA1|SHA256|SHA384|SHA512|COALESCE|IF|STRLANG|STRDT|SAMETERM|ISIRI|ISURI|ISBLANK|ISLITERAL|ISNUMERIC|REGEX|SUBSTR|REPLACE)$/i;
  var TOKEN = /(#[^\n]*)|('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")|(<[^<>"{}|^`\\\s]*>)|([?$][\w\u00b7-\uffff]+)|((?:[A-Za-z][\w.\-]*)?:[\w\-.%:]*[\w\-%:]?)|(@[A-Za-z]+(?:-[A-Za-z0-9]+)*)|([A-Za-z_]\w*)|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  var CLASSES = [null, "comment", "string", "iri", "variable", "pname", "lang", "word", "number"];

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function highlight(text) {
    var out = "", last = 0, match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      if (match[0] === "") { TOKEN.lastIndex++; continue; }
      out += escapeHtml(text.slice(last, match.index));
      var kind = null;
      for (var i = 1; i < CLASSES.length; i++) { if (match[i] !== undefined) { kind = CLASSES[i]; break; } }
      if (kind === "word") { kind = KEYWORDS.test(match[0]) ? "keyword" : null; }
      out += kind ? '<span class="tok-' + kind + '">' + escapeHtml(match[0]) + "</span>" : escapeHtml(match[0]);
      last = TOKEN.lastIndex;
    }
    return out + escapeHtml(text.slice(last)) + "\n";
  }

  function kindOf(text) {
    var code = text.replace(/#[^\n]*/g, "").replace(/<[^<>\s]*>/g, "<>")
      .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g, '""');
    var form = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(code);
    return form && /^(CONSTRUCT|DESCRIBE)$/i.test(form[1]) ? "graph" : "results";
  }

  function localHref(iri, base) {
    if (base && iri.indexOf(base) === 0) { return "/" + iri.slice(base.length); }
    return iri;
  }

  function termCell(term, base) {
    var cell = document.createElement("td");
    if (!term) { return cell; }
    if (term.type === "uri") {
      var link = document.createElement("a");
      link.href = localHref(term.value, base);
      link.textContent = term.value;
      cell.appendChild(link);
    } else if (term.type === "bnode") {
      cell.textContent = "_:" + term.value;
      cell.className = "bnode";
    } else if (term.type === "triple") {
      cell.textContent = "<< " + JSON.stringify(term.value) + " >>";
    } else {
      cell.textContent = term.value;
      var note = term["xml:lang"] ? "@" + term["xml:lang"] : (term.datatype ? "^^" + term.datatype.replace(/^.*[#/]/, "") : "");
      if (note) {
        var small = document.createElement("small");
        small.textContent = " " + note;
        cell.appendChild(small);
      }
    }
    return cell;
  }

  function table(variables, rows, base) {
    var tableEl = document.createElement("table");
    tableEl.className = "results";
    var head = tableEl.createTHead().insertRow();
    variables.forEach(function (v) {
      var th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    });
    var body = tableEl.createTBody();
    rows.forEach(function (row) {
      var tr = body.insertRow();
      variables.forEach(function (v) { tr.appendChild(termCell(row[v], base)); });
    });
    return tableEl;
  }

  function ntriplesRows(text) {
    var term = /<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([\w-]+)|\^\^<([^>]*)>)?/g;
    var rows = [];
    text.split("\n").forEach(function (line) {
      var terms = [], match;
      term.lastIndex = 0;
      while ((match = term.exec(line)) !== null && terms.length < 3) {
        if (match[1] !== undefined) { terms.push({ type: "uri", value: match[1] }); }
        else if (match[2] !== undefined) { terms.push({ type: "bnode", value: match[2] }); }
        else {
          var lit = { type: "literal", value: JSON.parse('"' + match[3] + '"') };
          if (match[4]) { lit["xml:lang"] = match[4]; }
          if (match[5]) { lit.datatype = match[5]; }
          terms.push(lit);
        }
      }
      if (terms.length === 3) { rows.push({ subject: terms[0], predicate: terms[1], object: terms[2] }); }
    });
    return rows;
  }

  function show(response, started, base, status, results) {
    var elapsed = Math.round(performance.now() - started);
    var truncated = response.headers.get("APWPS-Truncated") === "true";
    var limit = response.headers.get("APWPS-Row-Limit");
    var type = response.headers.get("Content-Type") || "";
    results.innerHTML = "";
    if (!response.ok) {
      return response.text().then(function (text) {
        var message = text;
        try { message = JSON.parse(text).message; } catch (e) { /* not JSON */ }
        status.textContent = "Error " + response.status + ": " + message;
        status.className = "error";
      });
    }
    return response.text().then(function (text) {
      var count = 0;
      if (type.indexOf("application/sparql-results+json") === 0) {
        var data = JSON.parse(text);
        if (typeof data.boolean === "boolean") {
          results.textContent = data.boolean ? "true" : "false";
          results.className = "boolean";
          count = 1;
        } else {
          count = data.results.bindings.length;
          results.appendChild(table(data.head.vars, data.results.bindings, base));
        }
      } else {
        var rows = ntriplesRows(text);
        count = rows.length;
        results.appendChild(table(["subject", "predicate", "object"], rows, base));
      }
      status.className = truncated ? "truncated" : "";
      status.textContent = count + (count === 1 ? " row" : " rows") + " in " + elapsed + " ms" +
        (truncated ? " — cut at the limit of " + limit + " rows (max_result_rows)" : "");
    });
  }

  var ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";

  function queryPage(root) {
    var base = root.getAttribute("data-base-iri");
    var endpoint = root.getAttribute("data-endpoint");
    var textarea = document.getElementById("query");
    var code = document.getElementById("highlight");
    var pre = code.parentNode;
    var status = document.getElementById("status");
    var results = document.getElementById("results");
    var permalink = document.getElementById("permalink");
    var named = JSON.parse(document.getElementById("named-queries").textContent || "{}");

    function refresh() {
      code.innerHTML = highlight(textarea.value);
      var query = encodeURIComponent(textarea.value);
      permalink.href = endpoint + "?query=" + query;
      var kind = kindOf(textarea.value);
      Array.prototype.forEach.call(document.querySelectorAll("a.download"), function (a) {
        a.hidden = a.getAttribute("data-kind") !== kind;
        a.href = endpoint + "?query=" + query + "&format=" + a.getAttribute("data-format");
      });
    }

    function run() {
      status.textContent = "Running…";
      status.className = "";
      var started = performance.now();
      var body = new URLSearchParams();
      body.set("query", textarea.value);
      return fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT },
        body: body.toString()
      }).then(function (response) {
        return show(response, started, base, status, results);
      }).catch(function (error) {
        status.textContent = "The query could not be sent: " + error;
        status.className = "error";
      });
    }

    textarea.addEventListener("input", refresh);
    textarea.addEventListener("scroll", function () {
      pre.scrollTop = textarea.scrollTop;
      pre.scrollLeft = textarea.scrollLeft;
    });
    textarea.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
      if (event.key === "Tab" && !event.shiftKey) {
        event.preventDefault();
        var start = textarea.selectionStart;
        textarea.setRangeText("  ", start, textarea.selectionEnd, "end");
        refresh();
      }
    });
    document.getElementById("query-form").addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.load-query"), function (button) {
      button.addEventListener("click", function () {
        textarea.value = named[button.getAttribute("data-name")] || "";
        refresh();
        run();
      });
    });
    refresh();
    if (root.getAttribute("data-autorun") === "true") { run(); }
  }

  function namedQueryPage(root) {
    var base = root.getAttribute("data-base-iri");
    var status = document.getElementById("status");
    var results = document.getElementById("results");
    Array.prototype.forEach.call(document.querySelectorAll("code.sparql-source"), function (el) {
      el.innerHTML = highlight(el.textContent);
    });
    var url = root.getAttribute("data-url") + window.location.search;
    var started = performance.now();
    status.textContent = "Running…";
    fetch(url, { headers: { "Accept": ACCEPT } }).then(function (response) {
      return show(response, started, base, status, results);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.querySelector(".sparql-page");
    if (page) { queryPage(page); }
    var namedPage = document.querySelector(".named-query-page");
    if (namedPage) { namedQueryPage(namedPage); }
  });
})();
