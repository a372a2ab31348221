/* Keep what people type and choose until the server has it, for the person who typed it and nobody else.
 *
 * Every field of a set's forms (`.setwork-panel form` and any `form[data-keep]`: text, numbers, dates, radios,
 * ticks and selects) is copied to localStorage as it changes, keyed by the signed-in person and the form. The form
 * is named by its address and its hidden inputs (the action reported on, the presenter, the statement answered),
 * so the progress round's several forms to one address stay apart. Whenever a form is drawn again (a reload, the
 * live page's poll redrawing a panel because someone else wrote in it, a refused request) what was typed goes back
 * in; it is forgotten when the server accepts the form.
 *
 * A form sent while the connection is down is queued (also in localStorage, under the same person) and sent
 * again, in order, when it returns; a banner says how many changes are waiting. Each submission carries an id,
 * kept with it in the queue, so that one whose answer was lost but which was done is not done twice. The queue and the drafts belong to
 * one signed-in person: the server names them in `<meta name="draft-owner">` with an opaque key (an HMAC of their
 * id: it names nobody and cannot be made up for someone else). Every page load deletes what belongs to anyone but
 * the person signed in (a page with nobody signed in keeps none), and signing out deletes it all as the form is
 * sent. The server's sign-out answer carries `Clear-Site-Data: "storage"` too, for the page whose script never
 * ran. live.js files the facilitator's queued notes through `window.actionsetDrafts` under the same rules.
 */
(function () {
  "use strict";
  var PREFIX = "actionset-draft:";
  // Live notes were kept under this name before drafts had an owner; such leftovers belong to nobody now.
  var UNOWNED = "actionset-note-";
  var KEPT = ".setwork-panel form, form[data-keep]";
  // Hidden inputs that change from one drawing of a form to the next without making it another form.
  var VOLATILE = { csrfmiddlewaretoken: 1, next: 1, version: 1, panel: 1 };
  var meta = document.querySelector('meta[name="draft-owner"]');
  var owner = (meta && meta.content) || "";
  var signOutPath = (meta && meta.dataset.signOut) || "";
  var mine = owner ? PREFIX + owner + ":" : "";
  var QUEUE = mine ? mine + "queue" : "";

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

  function read(name, fallback) {
    var storage = store();
    if (!storage || !name) return fallback;
    try { return JSON.parse(storage.getItem(name) || "null") || fallback; } catch (e) { return fallback; }
  }
  function write(name, value) {
    var storage = store();
    if (!storage || !name) return;
    try {
      if (value === null) storage.removeItem(name);
      else storage.setItem(name, JSON.stringify(value));
    } catch (e) { /* storage full or disabled: nothing more we can do */ }
  }

  function path(url) {
    try { return new URL(url, location.href).pathname; } catch (e) { return url || location.pathname; }
  }

  /* The form's identity: its address and what its hidden inputs say it is about. */
  function formKey(form) {
    var parts = [];
    form.querySelectorAll("input[type=hidden][name]").forEach(function (input) {
      if (!VOLATILE[input.name]) parts.push(input.name + "=" + input.value);
    });
    return path(form.getAttribute("action") || location.pathname) + "?" + parts.sort().join("&");
  }
  function draftKey(form) { return mine ? mine + "form:" + formKey(form) : ""; }

  function isKept(field) {
    if (!field || !field.name || !field.closest || !field.form) return false;
    if (field.type === "hidden" || field.type === "submit" || field.type === "button" || field.type === "password") return false;
    return Boolean(field.form.matches(KEPT));
  }

  /* What a field holds now, and whether that differs from what the server drew it with. */
  function changed(field) {
    if (field.type === "radio" || field.type === "checkbox") return field.checked !== field.defaultChecked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  function remember(field) {
    var form = field.form;
    var name = draftKey(form);
    if (!name) return;
    var draft = read(name, {});
    var value = field.type === "checkbox" ? field.checked : field.value;
    if (field.type === "radio") {
      var chosen = form.querySelector('input[type=radio][name="' + CSS.escape(field.name) + '"]:checked');
      value = chosen ? chosen.value : "";
      if (chosen && !changed(chosen)) delete draft[field.name];
      else draft[field.name] = value;
    } else if (changed(field)) {
      draft[field.name] = value;
    } else {
      delete draft[field.name];
    }
    write(name, Object.keys(draft).length ? draft : null);
  }

  function put(form, name, value) {
    form.querySelectorAll('[name="' + CSS.escape(name) + '"]').forEach(function (field) {
      if (!isKept(field)) return;
      if (field.type === "radio") {
        if (field.value === value && !field.checked) field.checked = true;
      } else if (field.type === "checkbox") {
        if (field.checked !== Boolean(value)) field.checked = Boolean(value);
      } else if (field.value !== value) {
        // Only when it differs: putting back the same text would move the cursor of someone typing in it.
        field.value = value;
        field.classList.add("restored-draft");
      }
    });
  }

  function restore(root) {
    if (!mine) return;
    var waiting = {};
    queue().forEach(function (item) { waiting[item.form] = true; });
    (root || document).querySelectorAll(KEPT).forEach(function (form) {
      // A form drawn again (a reload, a phase change and back) still says its change has not been sent.
      if (waiting[formKey(form)]) markQueued(form);
      var draft = read(draftKey(form), null);
      if (!draft) return;
      Object.keys(draft).forEach(function (name) { put(form, name, draft[name]); });
    });
  }

  function forget(form) { write(draftKey(form), null); }

  function onChange(event) {
    if (mine && isKept(event.target)) remember(event.target);
  }
  document.addEventListener("input", onChange);
  document.addEventListener("change", onChange);

  // --- sent while offline: queued, and sent again when the connection returns ---

  var banner = null;
  var online = navigator.onLine !== false;
  var failed = 0;

  function queue() { return read(QUEUE, []).filter(function (item) { return item.owner === owner; }); }
  function setQueue(items) { write(QUEUE, items.length ? items : null); }

  function texts() {
    var el = document.getElementById("offline-banner");
    return el ? el.dataset : null;
  }

  function plural(d, n, one, many) { return (n === 1 ? d[one] : d[many]).replace("%(count)s", String(n)); }

  /* The banner says whether this device is offline and how many changes wait to be sent. */
  function showBanner() {
    banner = banner || document.getElementById("offline-banner");
    var d = texts();
    if (!banner || !d) return;
    var waiting = queue().length;
    var text = "";
    if (!online) text = waiting ? plural(d, waiting, "offlineOne", "offlineMany") : d.offline;
    else if (waiting) text = plural(d, waiting, "sendingOne", "sendingMany");
    else if (failed) text = d.failed;
    banner.querySelector("[data-banner-text]").textContent = text;
    banner.hidden = !text;
    banner.classList.toggle("is-offline", !online);
  }

  function setOnline(value) {
    if (online === value) return;
    online = value;
    showBanner();
    if (online) flush();
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* An id for one submission of a form, sent with it and with every copy of it sent again from the queue: the
     server does it once (core/submissions.py), so an answer lost on the way never adds an action twice. */
  function submissionId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest && elt.closest("form");
    if (!form || !form.matches(KEPT) || event.detail.verb !== "post") return;
    form._submission = submissionId();
    event.detail.headers["X-Submission-Id"] = form._submission;
  });

  /* Say in the form itself that what was sent from it waits on this device. */
  function markQueued(form) {
    var d = texts();
    if (!d) return;
    var note = form.querySelector("[data-queued]") || document.createElement("p");
    note.className = "setwork-flash is-queued";
    note.setAttribute("data-queued", "");
    note.setAttribute("role", "status");
    note.textContent = d.queued;
    form.appendChild(note);
  }

  /* The server has answered for this form: unless another change from it still waits, it no longer says so. */
  function unmarkSent(key) {
    if (queue().some(function (item) { return item.form === key; })) return;
    document.querySelectorAll(KEPT).forEach(function (form) {
      var note = form.querySelector("[data-queued]");
      if (note && formKey(form) === key) note.remove();
    });
  }

  /* What a queued change says, without the CSRF token, which differs from one drawing of the page to the next. */
  function sameChange(a, b) {
    function said(item) {
      return JSON.stringify(item.body.filter(function (pair) { return pair[0] !== "csrfmiddlewaretoken"; }));
    }
    return a.url === b.url && a.form === b.form && said(a) === said(b);
  }

  function enqueue(form, sent) {
    if (!QUEUE) return false;
    var body = [];
    // What htmx sent, the pressed button's value included (a verdict is the button pressed), else the form.
    (sent || new FormData(form)).forEach(function (value, name) {
      if (typeof value === "string") body.push([name, value]);
    });
    var items = queue();
    var item = {
      owner: owner,
      url: path(form.getAttribute("action")),
      form: formKey(form),
      body: body,
      // The id of the submission that failed: it may have been done, and only its answer lost.
      submission: form._submission || submissionId(),
    };
    // Pressed again while nothing seems to happen: the same change waits once, or a question or an action
    // would be added twice when the connection returns.
    if (!items.some(function (queued) { return sameChange(queued, item); })) {
      items.push(item);
      setQueue(items);
    }
    markQueued(form);
    showBanner();
    return true;
  }

  /* A new drawing of the panel that holds a form like this one, from the server's answer to it. */
  function redraw(formId, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector(".setwork-panel");
    if (!fresh) return;
    var old = document.getElementById(fresh.id);
    if (!old) return;
    old.outerHTML = fresh.outerHTML;
    var placed = document.getElementById(fresh.id);
    if (placed && window.htmx) htmx.process(placed);
    restore(placed);
  }

  var flushing = false;
  function flush() {
    if (flushing || !online) return;
    var items = queue();
    if (!items.length) return;
    flushing = true;
    var item = items[0];
    var body = new URLSearchParams();
    item.body.forEach(function (pair) {
      body.append(pair[0], pair[0] === "csrfmiddlewaretoken" ? csrfToken() || pair[1] : pair[1]);
    });
    fetch(item.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {
        "HX-Request": "true",
        "HX-Current-URL": location.href,
        "X-CSRFToken": csrfToken(),
        "X-Submission-Id": item.submission || "",
      },
    })
      .then(function (response) {
        // The server has answered, yes or no: the change leaves the queue either way. A refusal keeps the draft,
        // so what was typed is still in the form to correct and send again.
        setQueue(queue().slice(1));
        unmarkSent(item.form);
        return response.text().then(function (html) {
          if (response.ok) write(mine + "form:" + item.form, null);
          else failed += 1;
          if (response.ok || response.status === 409 || response.status === 422) redraw(item.form, html);
        });
      })
      .then(
        function () {
          flushing = false;
          showBanner();
          flush();
        },
        function () {
          // Still no connection: everything stays queued for the next try.
          flushing = false;
          setOnline(false);
        }
      );
  }

  document.addEventListener("htmx:sendError", function (event) {
    var elt = event.detail.elt;
    var form = elt && elt.closest && elt.closest("form");
    online = false;
    var config = event.detail.requestConfig || {};
    if (form && form.matches(KEPT) && config.verb === "post") enqueue(form, config.formData);
    showBanner();
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    // Any answer from the server, even a refusal, means the connection is back.
    if (event.detail.xhr && event.detail.xhr.status > 0) setOnline(true);
  });
  window.addEventListener("offline", function () { setOnline(false); });
  window.addEventListener("online", function () { setOnline(true); });
  // Belt and braces for networks that come back without an "online" event.
  setInterval(function () {
    if (navigator.onLine !== false) {
      setOnline(true);
      flush();
    }
  }, 3000);

  window.actionsetDrafts = {
    owner: owner,
    /* The storage key for `name`, or "" when nobody is signed in and nothing may be kept. */
    key: function (name) { return mine ? mine + name : ""; },
    /* Where a field sits, the same in every drawing of its form: for live.js to keep the cursor in it. */
    fieldKey: function (field) {
      if (!field || !field.form || !field.name) return "";
      return formKey(field.form) + "#" + field.name + (field.type === "radio" ? "=" + field.value : "");
    },
    restore: restore,
  };

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
    if (form && form.matches(KEPT) && status >= 200 && status < 300) {
      forget(form);
      if (failed) {
        failed = 0;
        showBanner();
      }
    }
  });
  // Out-of-band swaps (the live page's panels) settle too: put back what was typed into whatever was redrawn.
  document.addEventListener("htmx:afterSettle", function () { restore(document); });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // Signing out: nothing typed here may wait for the next person, whether or not the server answers.
    if (isSignOut(form)) sweep(false);
    // Without htmx the page is replaced on success; the server's redirect page then has empty fields,
    // so a plain submit forgets the draft as it leaves.
    else if (form.matches && form.matches(KEPT) && !form.hasAttribute("hx-post")) forget(form);
  });
  function start() {
    restore(document);
    showBanner();
    flush();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
