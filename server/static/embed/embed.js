/* AP-WPS Knowledge Graph cards for any web page.
   <script src="https://…/embed.js" defer></script>
   <div data-apwps="https://w3id.org/apwps/id/frameworks/un-framework-of-analysis"></div>
   Each element with a data-apwps IRI becomes a card (optional data-lang="nb"). Cards are drawn in a
   shadow root, so the page's styles and the card's do not mix, and every text from the data is set
   with textContent: nothing fetched is ever parsed as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var origin = script && script.src ? new URL(script.src, window.location.href).origin : "";
  var STYLE =
    ":host{display:block}" +
    ".card{box-sizing:border-box;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;" +
    "color:#1a202c;background:#fff;border:1px solid #d9e0ea;border-left:4px solid #1f5f99;" +
    "border-radius:6px;padding:.75rem 1rem;max-width:36rem;margin:.5rem 0}" +
    ".kind{text-transform:uppercase;letter-spacing:.04em;font-size:11px;color:#4a5568;margin:0}" +
    ".title{display:block;font-size:16px;font-weight:600;margin:.15rem 0 .3rem;color:#1a365d;" +
    "text-decoration:none}.title:hover{text-decoration:underline}" +
    "p{margin:.3rem 0}.meta{color:#4a5568;font-size:12px}" +
    ".source{font-size:12px;margin-top:.5rem}.source a{color:#1f5f99}" +
    ".error{color:#a34a12}";

  function httpUrl(value) {
    try {
      var url = new URL(value, origin || window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function link(text, href, className) {
    var anchor = element("a", className, text);
    var url = httpUrl(href);
    if (url) anchor.href = url;
    anchor.target = "_blank";
    anchor.rel = "noopener";
    return anchor;
  }

  function shell(host) {
    var root = host.shadowRoot || host.attachShadow({ mode: "open" });
    while (root.firstChild) root.removeChild(root.firstChild);
    var style = document.createElement("style");
    style.textContent = STYLE;
    root.appendChild(style);
    var card = element("article", "card");
    root.appendChild(card);
    return card;
  }

  function render(host, data) {
    var card = shell(host);
    card.setAttribute("data-iri", String(data.iri || ""));
    card.appendChild(element("p", "kind", String(data.kind || "")));
    card.appendChild(link(String(data.label || data.iri || ""), data.page, "title"));
    if (data.alt_labels && data.alt_labels.length) {
      card.appendChild(element("p", "meta", "Also: " + data.alt_labels.join(", ")));
    }
    if (data.description) card.appendChild(element("p", "description", String(data.description)));
    var meta = [];
    if (data.publishers && data.publishers.length) meta.push(data.publishers.join(", "));
    if (data.issued) meta.push(String(data.issued));
    if (meta.length) card.appendChild(element("p", "meta", meta.join(" · ")));
    var source = element("p", "source");
    if (data.url && httpUrl(data.url)) {
      source.appendChild(link("Website", data.url));
      source.appendChild(document.createTextNode(" · "));
    }
    source.appendChild(link("AP-WPS Knowledge Graph", data.page));
    card.appendChild(source);
  }

  function fail(host, iri) {
    var card = shell(host);
    card.appendChild(element("p", "error", "This resource could not be shown: " + iri));
  }

  function load(host) {
    var iri = host.getAttribute("data-apwps");
    if (!iri || host.getAttribute("data-apwps-state")) return;
    host.setAttribute("data-apwps-state", "loading");
    var url = origin + "/embed/card.json?iri=" + encodeURIComponent(iri);
    var lang = host.getAttribute("data-lang");
    if (lang) url += "&lang=" + encodeURIComponent(lang);
    fetch(url, { mode: "cors", credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        render(host, data);
        host.setAttribute("data-apwps-state", "ready");
      })
      .catch(function () {
        fail(host, iri);
        host.setAttribute("data-apwps-state", "error");
      });
  }

  function scan(root) {
    var hosts = (root || document).querySelectorAll("[data-apwps]");
    for (var i = 0; i < hosts.length; i++) load(hosts[i]);
  }

  window.APWPS = window.APWPS || {};
  window.APWPS.scan = scan;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { scan(); });
  else scan();
})();
