// What the templates would otherwise say inline (the Content-Security-Policy allows no inline
// script, style or event handler, settings.CONTENT_SECURITY_POLICY), as data- attributes:
//   <select data-autosubmit>   submits its form when changed (year, language);
//   <div data-width="42">      a progress bar 42 % wide (also in content htmx swaps in).
(function () {
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });
  function widths(root) {
    var bars = root.querySelectorAll ? root.querySelectorAll("[data-width]") : [];
    for (var i = 0; i < bars.length; i++) {
      var value = Math.max(0, Math.min(100, parseFloat(bars[i].dataset.width) || 0));
      bars[i].style.width = value + "%";  // CSSOM: allowed, unlike a style="" attribute
    }
  }
  if (window.htmx) {
    htmx.onLoad(widths);  // the page itself, then every swapped-in fragment
  } else {
    document.addEventListener("DOMContentLoaded", function () { widths(document); });
  }
})();
