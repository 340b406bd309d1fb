// The column-mapping step of an import lists the fields once (<template id="import-fields">);
// every column's <select data-fields> gets a copy here, keeping the column's current choice.
// The page itself then grows by one short line per column, however wide the file.
(function () {
  "use strict";
  function fill(root) {
    var fields = document.getElementById("import-fields");
    if (!fields) return;
    root.querySelectorAll("select[data-fields]:not([data-filled])").forEach(function (select) {
      var chosen = select.value;
      select.replaceChildren(fields.content.cloneNode(true));
      select.value = chosen;
      select.setAttribute("data-filled", "");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { fill(document); });
  document.addEventListener("htmx:afterSwap", function (event) { fill(event.target); });
})();
