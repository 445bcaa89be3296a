// The validation page: choosing a kind shows its fields at once, and a suggestion in the report
// can replace the value it suggests for in the pasted entry. The page works without this script.
(function () {
  "use strict";
  var kind = document.getElementById("kind");
  if (kind) {
    kind.addEventListener("change", function () { if (kind.value) { kind.form.submit(); } });
  }
  function localName(iri) {
    return iri.replace(/[#\/]+$/, "").split(/[#\/]/).pop();
  }
  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }
  document.querySelectorAll("button.use-suggestion").forEach(function (button) {
    button.addEventListener("click", function () {
      var entry = document.getElementById("entry");
      var found = button.getAttribute("data-found") || "";
      var match = /<([^<>]+)>\s*$/.exec(button.getAttribute("data-suggestion") || "");
      if (!entry || !match || !found) { return; }
      var iri = match[1];
      var text = entry.value;
      var full = "<" + found + ">";
      if (text.indexOf(full) >= 0) {
        text = text.split(full).join("<" + iri + ">");
      } else {
        // written as a prefixed name (prefix:local): keep the prefix when the namespace is the same
        var pattern = new RegExp("([A-Za-z][\\w.-]*):" + escapeRegExp(localName(found)) + "(?![\\w-])", "g");
        text = text.replace(pattern, function (all, prefix) {
          var namespace = found.slice(0, found.length - localName(found).length);
          return iri.indexOf(namespace) === 0 ? prefix + ":" + localName(iri) : "<" + iri + ">";
        });
      }
      entry.value = text;
      button.classList.add("used");
      entry.focus();
    });
  });
}());
