// OneWindow public portal: small progressive enhancements. Every page works without them.
(function () {
  "use strict";

  // Print buttons: <button data-action="print">.
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-action='print']") : null;
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  // The language switcher returns to the address shown now (htmx may have changed it).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.classList.contains("ow-lang")) {
      var next = form.querySelector("input[name='next']");
      if (next) {
        next.value = window.location.pathname + window.location.search + window.location.hash;
      }
    }
  });
})();
