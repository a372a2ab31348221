/* The live meeting page: the phase timer, cheap polling, and notes that survive a dropped connection.
   Everything here improves a page that already works without it. */
(function () {
  "use strict";

  // --- htmx: let conflicts and refusals swap in (they carry the current state), never swap a 304 ---
  function configureHtmx() {
    if (!window.htmx) return;
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "304", swap: false },
      { code: "409", swap: true, error: false },
      { code: "422", swap: true, error: false },
      { code: "[23]..", swap: true },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  // Polls carry the version this device shows, so an unchanged meeting costs a bodiless 304; and the panel
  // this device shows, so the server sends a new one only when the phase or presenter has changed.
  document.addEventListener("htmx:configRequest", function (event) {
    var state = document.getElementById("live-state");
    var panel = document.getElementById("live-panel");
    if (panel) event.detail.headers["X-Live-Panel"] = panel.dataset.panelKey || "";
    if (state && event.detail.elt === state && event.detail.verb === "get" && state.dataset.etag) {
      event.detail.headers["If-None-Match"] = state.dataset.etag;
    }
  });

  // --- learning of changes: told at once by the meeting's event stream, or by asking every second ---
  // The stream (meetings/events.py) says only "changed"; the state itself, and the access check, come from the
  // usual poll. While a stream is open the page still asks now and then, in case an event was lost on the way;
  // where there is no stream (a server that does not offer one answers 204, or the browser has no EventSource)
  // it asks every second, as it always did. A poll already on its way when a change is announced is followed by
  // one more, since it may have left before the change was made.
  var POLL_MS = 1000;
  var SAFETY_MS = 15000;
  var RETRY_STREAM_MS = 60000;
  var RECONNECT_MS = 2000;
  var source = null;
  var streaming = false;
  var streamUrl = "";
  var retryStreamAt = 0;
  var lastPoll = 0;
  var polling = false;
  var pollAgain = false;
  var busyWaits = 0;
  var posting = 0;
  var postedAt = 0;

  function liveState() {
    var state = document.getElementById("live-state");
    return state && state.getAttribute("hx-get") ? state : null;
  }

  function poll() {
    var state = liveState();
    if (!state || !window.htmx) return;
    // A poll that never ended (its request lost) stops counting as on its way after a few seconds.
    // A form of this device on its way (a command, an action): its answer is swapped into the element it was sent
    // from, which a poll's redraw would replace meanwhile, leaving the answer nowhere to be seen. Poll after it.
    if (posting > 0 && Date.now() - postedAt < 10000) {
      pollAgain = true;
      return;
    }
    if (polling && Date.now() - lastPoll < 5000) {
      pollAgain = true;
      return;
    }
    // Its answer still being swapped in: htmx would drop a new request from the element, so wait for the swap.
    if (state.classList.contains("htmx-request") && busyWaits < 100) {
      busyWaits += 1;
      setTimeout(poll, 30);
      return;
    }
    busyWaits = 0;
    lastPoll = Date.now();
    htmx.trigger(state, "live-poll");
  }

  function closeStream() {
    if (source) source.close();
    source = null;
    streaming = false;
    streamUrl = "";
  }

  function connect() {
    var state = liveState();
    var url = state ? state.dataset.events || "" : "";
    if (!url || !window.EventSource) {
      closeStream();
      return;
    }
    // The address carries the tag of the state shown (it lets the server admit the stream without a query), so it
    // changes with every state: the same meeting's stream is kept, whatever its tag.
    var path = url.split("?")[0];
    if (source && streamUrl === path) return;
    if (Date.now() < retryStreamAt) return;
    closeStream();
    streamUrl = path;
    source = new EventSource(url);
    source.addEventListener("open", function () {
      streaming = true;
      poll(); // whatever changed before the stream opened
    });
    source.addEventListener("changed", poll);
    source.addEventListener("error", function () {
      streaming = false;
      if (!source) return;
      // CLOSED: refused (204 where streams are not served, or the session ended): poll every second, and try a
      // stream again in a minute. Otherwise the stream ended or the network dropped: open it again shortly, with
      // the tag of the state shown now rather than the one the browser would retry with.
      var refused = source.readyState === EventSource.CLOSED;
      closeStream();
      retryStreamAt = Date.now() + (refused ? RETRY_STREAM_MS : RECONNECT_MS);
    });
  }

  // A poll's end is heard on its request, not its element: an answer that is swapped in replaces the element, and
  // events fired on the old one no longer reach the document.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var config = event.detail.requestConfig || {};
    if (config.verb === "post" && event.detail.xhr) {
      posting += 1;
      postedAt = Date.now();
      event.detail.xhr.addEventListener("loadend", function () {
        posting = Math.max(0, posting - 1);
        if (posting === 0 && pollAgain) {
          pollAgain = false;
          // After its answer is swapped in.
          setTimeout(poll, 0);
        }
      });
      return;
    }
    if (!isPoll(event) || !event.detail.xhr) return;
    polling = true;
    var xhr = event.detail.xhr;
    xhr.addEventListener("loadend", function () {
      polling = false;
      if (pollAgain) {
        pollAgain = false;
        poll();
      } else if (xhr.status === 0 || xhr.status >= 500) {
        // Lost on the way or failed at the server: with a stream open the next poll would be the safety net's,
        // up to 15 s away, and the change that woke this one would wait for it. Ask again in a second.
        setTimeout(poll, POLL_MS);
      }
    });
  });

  function keepUp() {
    connect();
    if (!streaming || Date.now() - lastPoll >= SAFETY_MS) poll();
  }

  // --- someone else wrote in the room: the poll redraws the panels, and whoever is typing carries on ---
  // drafts.js puts back what was typed into the redrawn fields; here the cursor goes back where it was, and a
  // "saved" message this device was shown a moment ago stays long enough to be read.
  var FLASH_MS = 6000;
  var REDRAWN = "#live-panel, #live-attendance";
  var kept = null;

  function isPoll(event) {
    var config = event.detail.requestConfig || {};
    return config.verb === "get" && event.detail.elt && event.detail.elt.id === "live-state";
  }

  // A poll answered just before this device's own command, but arriving after the command's answer, would put the
  // older state back (the presenter just handed over, or the pause just lifted, seemingly undone). The same run's
  // versions only ever grow, so an older one is not swapped in.
  function isOlder(html) {
    var shown = document.getElementById("live-state");
    if (!shown) return false;
    var run = /data-run="([^"]*)"/.exec(html);
    var version = /data-version="(\d+)"/.exec(html);
    if (!run || !version || run[1] !== shown.dataset.run) return false;
    return Number(version[1]) < Number(shown.dataset.version);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!isPoll(event) || !event.detail.xhr || event.detail.xhr.status !== 200) return;
    if (isOlder(event.detail.serverResponse || "")) {
      event.detail.shouldSwap = false;
      return;
    }
    var drafts = window.actionsetDrafts;
    var active = document.activeElement;
    var now = Date.now();
    kept = { focus: "", start: null, end: null, flashes: [], open: {}, chosen: [] };
    // A choice made in the facilitator's controls but not yet sent (the next presenter, say) stays made: the
    // redrawn controls would otherwise put the old one back just before the button is pressed.
    document.querySelectorAll("#live-state select[name]").forEach(function (select) {
      var chosen = select.options[select.selectedIndex];
      if (chosen && !chosen.defaultSelected) {
        kept.chosen.push({ form: select.form ? select.form.getAttribute("action") : "", name: select.name, value: select.value });
      }
    });
    // A section someone opened (or closed) stays so: the redrawn panel would otherwise reset it.
    document.querySelectorAll("#live-panel details[id], #live-attendance details[id]").forEach(function (d) {
      kept.open[d.id] = d.open;
    });
    if (drafts && active && active.closest && active.closest(REDRAWN)) {
      kept.focus = drafts.fieldKey(active);
      try {
        kept.start = active.selectionStart;
        kept.end = active.selectionEnd;
      } catch (e) { /* radios and selects have no selection */ }
    }
    document.querySelectorAll(".setwork-flash:not(.is-queued), .saved-note").forEach(function (flash) {
      var panel = flash.closest("[id]");
      if (!panel || !panel.closest(REDRAWN)) return;
      if (!flash.dataset.shownAt) flash.dataset.shownAt = String(now);
      if (now - Number(flash.dataset.shownAt) < FLASH_MS) kept.flashes.push({ panel: panel.id, flash: flash });
    });
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!kept) return;
    var was = kept;
    kept = null;
    was.chosen.forEach(function (item) {
      document.querySelectorAll("#live-state select[name]").forEach(function (select) {
        var form = select.form ? select.form.getAttribute("action") : "";
        if (select.name !== item.name || form !== item.form) return;
        for (var i = 0; i < select.options.length; i++) {
          if (select.options[i].value === item.value) {
            select.value = item.value;
            break;
          }
        }
      });
    });
    Object.keys(was.open).forEach(function (id) {
      var details = document.getElementById(id);
      if (details && details.tagName === "DETAILS") details.open = was.open[id];
    });
    was.flashes.forEach(function (item) {
      var panel = document.getElementById(item.panel);
      if (!panel || panel.contains(item.flash) || panel.querySelector(".setwork-flash, .saved-note")) return;
      var heading = panel.querySelector("h2");
      if (item.flash.classList.contains("saved-note")) {
        var actions = panel.querySelector(".actions");
        if (actions) actions.appendChild(item.flash);
      } else if (heading) {
        heading.insertAdjacentElement("afterend", item.flash);
      }
    });
    if (!was.focus || !window.actionsetDrafts) return;
    var fields = document.querySelectorAll(
      "#live-panel input, #live-panel textarea, #live-panel select, #live-attendance input"
    );
    for (var i = 0; i < fields.length; i++) {
      if (window.actionsetDrafts.fieldKey(fields[i]) === was.focus) {
        fields[i].focus({ preventScroll: true });
        if (was.start !== null) {
          try { fields[i].setSelectionRange(was.start, was.end); } catch (e) { /* not a text field */ }
        }
        break;
      }
    }
  });

  // --- the timer: computed here from the server's timestamps, with the server's clock as the reference ---
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    var s = Math.abs(Math.round(seconds));
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }

  function tick() {
    document.querySelectorAll("[data-timer]").forEach(function (el) {
      var d = el.dataset;
      if (el._offset === undefined) el._offset = Number(d.serverNow) - Date.now();
      var now = Date.now() + el._offset;
      var until = d.pausedAt ? Number(d.pausedAt) : now;
      var elapsed = Math.max(0, (until - Number(d.phaseStarted)) / 1000 - Number(d.pausedSeconds || 0));
      var allotted = Number(d.allotted);
      var remaining = allotted - elapsed;
      var over = remaining < 0;
      var clockEl = el.querySelector("[data-timer-clock]");
      var labelEl = el.querySelector("[data-timer-label]");
      var bar = el.querySelector("[data-timer-bar]");
      if (clockEl) clockEl.textContent = (over ? "+" : "") + clock(remaining);
      // The words come from the page, in its language; "%(time)s" stands where the allotted time goes.
      if (labelEl) {
        labelEl.textContent = over
          ? d.labelOver || "over time"
          : (d.labelLeft || "left of %(time)s").replace("%(time)s", clock(allotted));
      }
      if (bar) bar.style.width = Math.min(100, allotted ? (100 * elapsed) / allotted : 100) + "%";
      el.classList.toggle("is-overrun", over);
      el.classList.toggle("is-ending", !over && remaining <= 60);
      rhythm(elapsed);
    });
  }

  // A round with a rhythm (Troika's 2/6/2): mark the part the room is in, and cue the client to turn their back.
  function rhythm(elapsed) {
    var parts = document.querySelectorAll("[data-rhythm] li");
    if (!parts.length) return;
    var turned = false;
    parts.forEach(function (li, index) {
      var from = Number(li.dataset.from), to = Number(li.dataset.to);
      var current = elapsed >= from && (elapsed < to || index === parts.length - 1);
      li.classList.toggle("is-current", current);
      if (current) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      if (current && li.hasAttribute("data-turn-back")) turned = true;
    });
    document.querySelectorAll("[data-turn-cue]").forEach(function (cue) { cue.hidden = !turned; });
  }

  // --- the whole meeting's clock and the undo's ten minutes, both counted against the server's clock ---
  function offsetOf(el) {
    if (el._offset === undefined) el._offset = Number(el.dataset.serverNow) - Date.now();
    return el._offset;
  }
  function tickMeeting() {
    document.querySelectorAll("[data-meeting-clock]").forEach(function (el) {
      var left = el.querySelector("[data-meeting-left]");
      // Only the time left runs here; once past the scheduled end the server's wording takes over.
      if (!left || !left.dataset.meetingLeft) return;
      var seconds = Math.max(0, (Number(el.dataset.meetingEnds) - (Date.now() + offsetOf(el))) / 1000);
      var minutes = Math.floor(seconds / 60);
      var hours = Math.floor(minutes / 60);
      left.textContent = hours
        ? hours + " " + el.dataset.unitHours + " " + pad(minutes % 60)
        : minutes + " " + el.dataset.unitMinutes;
    });
    document.querySelectorAll("[data-undo-until]").forEach(function (el) {
      // The server refuses a late undo anyway; hiding the button spares the facilitator the refusal.
      el.hidden = Date.now() + offsetOf(el) > Number(el.dataset.undoUntil);
    });
  }

  // --- the facilitator's keyboard shortcuts: N next, P pause or resume, + five more minutes, ? the list ---
  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable], [contenteditable=''], [contenteditable=true]"));
  }
  function press(selector) {
    var button = document.querySelector("#live-state " + selector);
    if (button && !button.disabled) {
      button.click();
      return true;
    }
    return false;
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target)) return;
    var help = document.getElementById("live-shortcuts");
    if (!help) return; // only the facilitator's page has them
    var key = event.key;
    var done = false;
    if (key === "?") {
      help.open = !help.open;
      if (help.open) help.querySelector("summary").focus();
      done = true;
    } else if (key === "n" || key === "N") {
      done = press("button[value=next]");
    } else if (key === "p" || key === "P") {
      done = press("button[value=pause]") || press("button[value=resume]");
    } else if (key === "+" || key === "=") {
      done = press("button[value=extend]");
    }
    if (done) event.preventDefault();
  });

  // --- private notes: a local draft until the server has it, kept for the facilitator who typed it ---
  function setUpNotes() {
    var form = document.getElementById("note-form");
    if (!form || form._live) return;
    form._live = true;
    var text = document.getElementById("note-text");
    var status = document.getElementById("note-status");
    // drafts.js (loaded first, from the base page) owns the storage: one signed-in person's key, or none.
    var drafts = window.actionsetDrafts || { owner: "", key: function () { return ""; } };
    var key = drafts.key("note:" + form.dataset.noteKey);
    var sending = null;

    function forget() {
      try { localStorage.removeItem(key); } catch (e) { /* private mode */ }
    }
    function draft() {
      if (!key) return null;
      var stored;
      try { stored = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
      // A queued note carries the key of the person who typed it: under anyone else's name it is dropped, not sent.
      if (stored && stored.owner !== drafts.owner) {
        forget();
        return null;
      }
      return stored;
    }
    function keep(dirty) {
      if (!key) return;
      // Once the server has the text, the copy here is deleted rather than left on the device.
      if (!dirty) {
        forget();
        return;
      }
      try {
        localStorage.setItem(key, JSON.stringify({ owner: drafts.owner, text: text.value, dirty: true }));
      } catch (e) { /* private mode */ }
    }
    function save() { if (window.htmx) htmx.trigger(form, "note-save"); }

    var stored = draft();
    if (stored && stored.dirty && stored.text !== text.value) {
      // Typed here while the server could not be reached, and never saved: put it back and send it.
      text.value = stored.text;
      setTimeout(save, 0);
    }

    text.addEventListener("input", function () { keep(true); });
    form.addEventListener("htmx:beforeRequest", function () { sending = text.value; });
    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.successful && event.detail.xhr.status === 200 && sending === text.value) keep(false);
      sending = null;
    });
    form.addEventListener("htmx:sendError", function () {
      sending = null;
      status.innerHTML = "";
      var note = document.createElement("span");
      note.className = "note-offline";
      note.dataset.testid = "note-offline";
      note.textContent =
        form.dataset.offlineNote ||
        "Offline. Your notes are kept on this device and will be saved when the connection returns.";
      status.appendChild(note);
    });
    window.addEventListener("online", function () { if ((draft() || {}).dirty) save(); });
    // Belt and braces for networks that come back without an "online" event.
    setInterval(function () {
      if (sending === null && navigator.onLine && (draft() || {}).dirty) save();
    }, 4000);

    // A conflict shows the other device's text; the facilitator decides, and nothing is dropped meanwhile.
    status.addEventListener("click", function (event) {
      var button = event.target.closest("[data-note-resolve]");
      if (!button) return;
      var theirs = document.getElementById("note-theirs");
      if (button.dataset.noteResolve === "both" && theirs && theirs.value.trim()) {
        text.value = text.value.replace(/\s+$/, "") + "\n\n" + theirs.value;
      }
      document.getElementById("note-version").value = button.dataset.version;
      keep(true);
      save();
    });
  }

  function start() {
    configureHtmx();
    setUpNotes();
    tick();
    tickMeeting();
    setInterval(tick, 250);
    setInterval(tickMeeting, 1000);
    connect();
    setInterval(keepUp, POLL_MS);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", tick);
  document.addEventListener("htmx:afterSettle", tickMeeting);

  // The state is swapped whole, so a live region inside it would be replaced rather than updated; one that
  // stays put tells screen reader users when the phase or the presenter changes, and only then.
  var announced = null;
  function announce() {
    var title = document.querySelector("[data-testid=phase-title]");
    var presenter = document.querySelector("[data-testid=presenter] strong");
    var region = document.getElementById("live-announce");
    if (!title || !region) return;
    var text = title.textContent.trim() + (presenter ? ". Presenter: " + presenter.textContent.trim() : "");
    if (announced !== null && text !== announced) region.textContent = text;
    announced = text;
  }
  document.addEventListener("DOMContentLoaded", announce);
  document.addEventListener("htmx:afterSettle", announce);
})();
