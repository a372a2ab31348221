/* Keep what people type until the server has it, for the person who typed it and nobody else.
 *
 * Every text field in a set panel (`.setwork-panel form`) is copied to localStorage as it is typed, keyed by the
 * signed-in person, the form's address and the field's name. If the connection drops, the page is reloaded or the
 * request fails, the text comes back into the empty field; it is forgotten when the server accepts the form.
 *
 * A browser may be shared, so a draft belongs to one signed-in person. The server names that person in
 * `<meta name="draft-owner">` with an opaque key (an HMAC of their id: it names nobody and cannot be made up for
 * someone else). Drafts are kept only under that key, so one person's text never fills another's form; every page
 * load deletes drafts that belong to anyone but the person signed in (a page with nobody signed in keeps none);
 * and signing out deletes them all as the form is sent. The server's sign-out answer carries
 * `Clear-Site-Data: "storage"` too, for the page whose script never ran. live.js files the facilitator's queued
 * notes through `window.actionsetDrafts` under the same rules.
 */
(function () {
  "use strict";
  var PREFIX = "actionset-draft:";
  // Live notes were kept under this name before drafts had an owner; such leftovers belong to nobody now.
  var UNOWNED = "actionset-note-";
  var meta = document.querySelector('meta[name="draft-owner"]');
  var owner = (meta && meta.content) || "";
  var signOutPath = (meta && meta.dataset.signOut) || "";
  var mine = owner ? PREFIX + owner + ":" : "";

  function store() {
    // Reading localStorage itself throws where storage is disabled.
    try { return window.localStorage; } catch (e) { return null; }
  }

  function isDraft(name) { return name.indexOf(PREFIX) === 0 || name.indexOf(UNOWNED) === 0; }

  /* Delete every draft on this device, or every draft but the signed-in person's. */
  function sweep(keepMine) {
    var storage = store();
    if (!storage) return;
    var doomed = [];
    for (var i = 0; i < storage.length; i++) {
      var name = storage.key(i);
      if (name && isDraft(name) && !(keepMine && mine && name.indexOf(mine) === 0)) doomed.push(name);
    }
    doomed.forEach(function (name) { storage.removeItem(name); });
  }

  // Before anything is restored: what someone else left here is deleted, not merely skipped.
  sweep(true);

  window.actionsetDrafts = {
    owner: owner,
    /* The storage key for `name`, or "" when nobody is signed in and nothing may be kept. */
    key: function (name) { return mine ? mine + name : ""; },
  };

  function key(form, field) {
    return mine + (form.getAttribute("action") || location.pathname) + "#" + field.name;
  }

  function fields(form) {
    return form.querySelectorAll("textarea[name], input[type=text][name]");
  }

  function restore(root) {
    var storage = store();
    if (!mine || !storage) return;
    (root || document).querySelectorAll(".setwork-panel form").forEach(function (form) {
      fields(form).forEach(function (field) {
        var saved = storage.getItem(key(form, field));
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
    if (!mine || !form || !field.name || !(field.matches("textarea") || field.type === "text")) return;
    try {
      store().setItem(key(form, field), field.value);
    } catch (e) { /* storage full or disabled: nothing more we can do */ }
  });

  function forget(form) {
    var storage = store();
    if (!mine || !storage) return;
    fields(form).forEach(function (field) { storage.removeItem(key(form, field)); });
  }

  function isSignOut(form) {
    if (!signOutPath || !form.action) return false;
    try { return new URL(form.action, location.href).pathname === signOutPath; } catch (e) { return false; }
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
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Signing out: nothing typed here may wait for the next person, whether or not the server answers.
    if (isSignOut(form)) sweep(false);
    // Without htmx the page is replaced on success; the server's redirect page then has empty fields,
    // so a plain submit forgets the draft as it leaves.
    else if (form.closest && form.closest(".setwork-panel") && !form.hasAttribute("hx-post")) forget(form);
  });
  document.addEventListener("DOMContentLoaded", function () { restore(document); });
})();
