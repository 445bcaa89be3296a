/* Autocomplete for search boxes: every `input[data-apwps-search]` and the site header's search box
   get a list of matching resources from /search?format=json as the reader types. Arrow keys move
   through the list, Enter opens the chosen resource, Escape closes it. Data are written with
   textContent only. */
(function () {
  "use strict";
  var STYLE =
    ".apwps-suggest{position:absolute;z-index:1000;margin:0;padding:.2rem 0;list-style:none;" +
    "background:#fff;color:#1a202c;border:1px solid #90a4c0;border-radius:4px;" +
    "box-shadow:0 6px 18px rgba(0,0,0,.15);max-height:22rem;max-width:min(42rem,95vw);overflow-y:auto;" +
    "font:15px/1.35 system-ui,sans-serif;text-align:left}" +
    ".apwps-suggest li{padding:.35rem .7rem;cursor:pointer;display:flex;gap:.6rem;" +
    "justify-content:space-between;align-items:baseline}" +
    ".apwps-suggest li[aria-selected=true],.apwps-suggest li:hover{background:#e8f0fa}" +
    ".apwps-suggest .kind{color:#4a5568;font-size:.8rem;white-space:nowrap}" +
    ".apwps-suggest .alt{color:#4a5568;font-size:.8rem}";
  var DELAY_MS = 120;
  var MIN_CHARS = 2;

  function addStyle() {
    if (document.getElementById("apwps-suggest-style")) return;
    var style = document.createElement("style");
    style.id = "apwps-suggest-style";
    style.textContent = STYLE;
    document.head.appendChild(style);
  }

  function lang() {
    var match = /[?&]lang=([a-z]{2,3})/.exec(window.location.search);
    return match ? match[1] : "";
  }

  function attach(input) {
    if (input.getAttribute("data-apwps-suggest") === "on") return;
    input.setAttribute("data-apwps-suggest", "on");
    input.removeAttribute("list"); // our list replaces the browser's datalist
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = document.createElement("ul");
    list.className = "apwps-suggest";
    list.setAttribute("role", "listbox");
    list.id = "apwps-suggest-" + Math.random().toString(36).slice(2);
    list.hidden = true;
    document.body.appendChild(list);
    input.setAttribute("aria-controls", list.id);
    var timer = null;
    var latest = 0;
    var items = [];
    var active = -1;

    function place() {
      var box = input.getBoundingClientRect();
      list.style.left = box.left + window.scrollX + "px";
      list.style.top = box.bottom + window.scrollY + 2 + "px";
      list.style.minWidth = Math.max(box.width, 280) + "px";
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      active = -1;
    }

    function select(index) {
      var options = list.children;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      active = index;
      if (index >= 0 && options[index]) options[index].scrollIntoView({ block: "nearest" });
    }

    function go(item) {
      if (item && /^(https?:)?\//.test(item.url)) window.location.href = item.url;
    }

    function show(results) {
      items = results;
      while (list.firstChild) list.removeChild(list.firstChild);
      results.forEach(function (item, i) {
        var option = document.createElement("li");
        option.setAttribute("role", "option");
        option.setAttribute("data-iri", item.iri);
        var name = document.createElement("span");
        name.className = "label";
        name.textContent = item.label;
        option.appendChild(name);
        if (item.matched && item.matched !== item.label) {
          var alt = document.createElement("span");
          alt.className = "alt";
          alt.textContent = item.matched;
          option.appendChild(alt);
        }
        var kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = item.kind;
        option.appendChild(kind);
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          go(items[i]);
        });
        list.appendChild(option);
      });
      if (results.length) {
        place();
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        select(-1);
      } else {
        close();
      }
    }

    function fetchNow() {
      var text = input.value.trim();
      if (text.length < MIN_CHARS) {
        close();
        return;
      }
      var ticket = ++latest;
      var url = "/search?format=json&limit=8&q=" + encodeURIComponent(text);
      if (lang()) url += "&lang=" + lang();
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (ticket === latest) show(data.results || []);
        })
        .catch(function () {
          if (ticket === latest) close();
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchNow, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        select(Math.min(active + 1, items.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        select(Math.max(active - 1, -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        go(items[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
    window.addEventListener("resize", function () {
      if (!list.hidden) place();
    });
  }

  function start() {
    addStyle();
    var inputs = document.querySelectorAll("input[data-apwps-search], form.search input[name=q]");
    for (var i = 0; i < inputs.length; i++) attach(inputs[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
