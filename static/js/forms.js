/* Small enhancements to forms, switched on by data attributes; each form works without them.
 *
 * Kept in this file, not in the templates: the Content Security Policy runs no inline script or event attribute.
 *
 * - `data-select-all` on a checkbox: ticking it ticks (or clears) every `people` checkbox in its form.
 * - `data-action-from-select` on a form: it is sent to the address chosen in its select.
 * - `data-select-on-focus` on a field: focusing it selects its text, ready to copy.
 */
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("form").querySelectorAll("input[name=people]").forEach(function (b) { b.checked = box.checked; });
    });
  });
  document.querySelectorAll("form[data-action-from-select]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.action = form.querySelector("select").value;
    });
  });
  document.querySelectorAll("[data-select-on-focus]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
})();
