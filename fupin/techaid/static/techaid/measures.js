// The prescription form's measures: "增加一条措施" adds a row from the empty form (the
// formset's __prefix__ numbered), on a phone as on a desktop; removing ticks 删除此条.
(function () {
  var box = document.getElementById("measures");
  var button = document.getElementById("add-measure");
  var template = document.getElementById("measure-template");
  if (!box || !button || !template) { return; }
  var prefix = box.getAttribute("data-prefix");
  var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  button.addEventListener("click", function () {
    var n = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(n));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    row.querySelector("[data-measure-number]").textContent = String(n + 1);
    box.appendChild(row);
    total.value = String(n + 1);
    var first = row.querySelector("input");
    if (first) { first.focus(); }
  });
})();
