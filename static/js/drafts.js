/* Keep what people type in a set's meeting until the server has it.
 *
 * Every text field in a set panel (`.setwork-panel form`) is copied to localStorage as it is typed, keyed by
 * the form's address and the field's name. If the connection drops, the page is reloaded or the request fails,
 * the text comes back into the empty field; it is forgotten only when the server accepts the form.
 */
(function () {
  "use strict";
  var PREFIX = "actionset-draft:";

  function key(form, field) {
    return PREFIX + (form.getAttribute("action") || location.pathname) + "#" + field.name;
  }

  function fields(form) {
    return form.querySelectorAll("textarea[name], input[type=text][name]");
  }

  function restore(root) {
    (root || document).querySelectorAll(".setwork-panel form").forEach(function (form) {
      fields(form).forEach(function (field) {
        var saved = localStorage.getItem(key(form, field));
        if (saved && !field.value) {
          field.value = saved;
          field.classList.add("restored-draft");
        }
      });
    });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    var form = field.closest && field.closest(".setwork-panel form");
    if (!form || !field.name || !(field.matches("textarea") || field.type === "text")) return;
    try {
      localStorage.setItem(key(form, field), field.value);
    } catch (e) { /* storage full or disabled: nothing more we can do */ }
  });

  function forget(form) {
    fields(form).forEach(function (field) { localStorage.removeItem(key(form, field)); });
  }

  // htmx: forget only once the server said yes; a failed or refused request keeps the draft. Listen before
  // the swap: afterwards the form has left the page and its events no longer reach the document.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var config = event.detail.requestConfig || {};
    var form = config.elt && config.elt.closest && config.elt.closest("form");
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (form && status >= 200 && status < 300) forget(form);
  });
  document.addEventListener("htmx:afterSwap", function (event) { restore(event.detail.target); });
  // Without htmx the page is replaced on success; the server's redirect page then has empty fields,
  // so a plain submit forgets the draft as it leaves.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.closest && form.closest(".setwork-panel") && !form.hasAttribute("hx-post")) forget(form);
  });
  document.addEventListener("DOMContentLoaded", function () { restore(document); });
})();
