// Madoguchi: small progressive enhancements. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Forms marked data-confirm ask before a destructive or irreversible action.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
  // Prevent double submission of the same form (double bookings, double fees).
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; }, 0);
      });
    });
  });
});

// Uploads on the applicant page: each file is sent as the raw request body (streamed by the
// server into the archive), with the session's CSRF token in a header.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var files = form.querySelector("input[type=file]").files;
      var kind = form.querySelector("select[name=kind]").value;
      var status = form.querySelector(".upload-status");
      if (!files.length) { status.textContent = "ファイルを選んでください。"; return; }
      var failed = 0;
      for (var i = 0; i < files.length; i++) {
        status.textContent = (i + 1) + " / " + files.length + " 件目を送信中…";
        var url = form.dataset.upload + "?kind=" + encodeURIComponent(kind) + "&filename=" + encodeURIComponent(files[i].name);
        var intake = form.querySelector("select[name=intake]");
        if (intake && intake.value) { url += "&intakeId=" + encodeURIComponent(intake.value); }
        var response = await fetch(url, { method: "POST", body: files[i], credentials: "same-origin",
          headers: { "X-CSRF-Token": form.dataset.csrf, "Content-Type": "application/octet-stream" } });
        if (!response.ok) {
          failed++;
          var problem = await response.json().catch(function () { return {}; });
          var detail = (problem.errors && problem.errors.length) ? problem.errors[0].message : (problem.detail || response.status);
          status.textContent = files[i].name + ": " + detail;
          return;
        }
      }
      if (!failed) { window.location.reload(); }
    });
  });

  // The page viewer: page, zoom and rotation, by buttons or keys.
  document.querySelectorAll("[data-viewer]").forEach(function (viewer) {
    var image = viewer.querySelector(".viewer-image");
    var label = viewer.querySelector(".viewer-page");
    var id = viewer.dataset.document, pages = parseInt(viewer.dataset.pages, 10);
    var page = 1, zoom = 0, rotation = 0; // zoom 0 = fit to the stage
    function render() {
      image.src = "/api/v1/documents/" + id + "/pages/" + page + "/preview";
      image.alt = page + "ページ目";
      label.textContent = page + " / " + pages;
      var stage = viewer.querySelector(".viewer-stage");
      if (zoom === 0) { image.style.width = ""; image.style.maxWidth = "100%"; image.style.maxHeight = (stage.clientHeight - 24) + "px"; }
      else { image.style.maxWidth = "none"; image.style.maxHeight = "none"; image.style.width = (zoom * 100) + "%"; }
      image.style.transform = "rotate(" + rotation + "deg)";
    }
    var actions = {
      prev: function () { if (page > 1) { page--; } },
      next: function () { if (page < pages) { page++; } },
      "zoom-in": function () { zoom = Math.min((zoom || 1) + 0.25, 4); },
      "zoom-out": function () { zoom = Math.max((zoom || 1) - 0.25, 0.5); },
      fit: function () { zoom = 0; },
      rotate: function () { rotation = (rotation + 90) % 360; }
    };
    viewer.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () { actions[button.dataset.action](); render(); });
    });
    document.addEventListener("keydown", function (event) {
      if (event.target.closest && event.target.closest("input, textarea, select")) { return; }
      var key = { ArrowLeft: "prev", ArrowRight: "next", "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", "0": "fit", r: "rotate", R: "rotate" }[event.key];
      if (key) { event.preventDefault(); actions[key](); render(); }
    });
    render();
  });
});

// Print buttons (booking confirmation, day lists).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});

// The staff day view updates itself: the server pushes booking changes (server-sent events fed
// by PostgreSQL NOTIFY) and the table is fetched again. Without JavaScript the page still works
// with the reload button; EventSource reconnects by itself with Last-Event-ID.
document.addEventListener("DOMContentLoaded", function () {
  var day = document.getElementById("day");
  if (!day || !day.dataset.live || !window.EventSource) { return; }
  var status = day.querySelector(".live-status");
  var source = new EventSource(day.dataset.live);
  var refreshing = false;
  function refresh() {
    if (refreshing) { return; }
    refreshing = true;
    fetch(window.location.href, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (html) {
      var next = new DOMParser().parseFromString(html, "text/html").getElementById("day");
      if (next) {
        day.innerHTML = next.innerHTML;
        status = day.querySelector(".live-status");
        if (status) { status.textContent = "予約が更新されました（" + new Date().toLocaleTimeString("ja-JP") + "）"; }
      }
    }).finally(function () { refreshing = false; });
  }
  source.addEventListener("booking", function (event) {
    var change = JSON.parse(event.data);
    if (change.day === day.dataset.day || change.kind === "resync") { refresh(); }
  });
  source.addEventListener("open", function () { if (status) { status.textContent = "自動更新中"; } });
  source.addEventListener("error", function () { if (status) { status.textContent = "自動更新の接続を再試行しています…"; } });
});

// Check-in field: a keyboard-wedge scanner types the QR content and Enter; keep the field
// focused after each check-in so the next person can be scanned at once.
document.addEventListener("DOMContentLoaded", function () {
  var code = document.getElementById("checkin-code");
  if (code) { code.focus(); code.select(); }
});

// QR registration (C2): a keyboard-wedge scanner types the code and Enter. Each scan is sent at
// once; the result is shown at the top of the list, with a tone (high: done, low: refused), and
// the field is cleared and focused for the next card. Without JavaScript the form posts normally.
document.addEventListener("DOMContentLoaded", function () {
  var section = document.querySelector("[data-scan]");
  if (!section) { return; }
  var form = section.querySelector("form"), input = section.querySelector("input[name=code]");
  var log = section.querySelector(".scan-log"), sessionCount = 0, audio = null;
  // A code that was not ours is shown short, and never with a run of 12 digits (it may be an
  // individual number read from the back of a card).
  function masked(code) { return /[0-9０-９]{12}/.test(code.replace(/[\s-－]/g, "")) ? "（12桁の番号）" : code.slice(0, 40); }
  function tone(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = ok ? 1320 : 330;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (ok ? 0.12 : 0.4));
    } catch (e) { /* no audio device: the colour and text still tell */ }
  }
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    input.focus();
    if (!code) { return; }
    var item = document.createElement("li");
    try {
      var response = await fetch(section.dataset.scan, { method: "POST", credentials: "same-origin",
        headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded", "X-CSRF-Token": section.dataset.csrf },
        body: "code=" + encodeURIComponent(code) });
      if (response.redirected) {
        // The session ended (idle timeout): the server sent the login page instead.
        item.className = "scan-invalid";
        item.textContent = "ログインの有効期限が切れました。ページを開き直してログインしてから、もう一度読み取ってください。";
        log.insertBefore(item, log.firstChild);
        tone(false);
        return;
      }
      var result = await response.json();
      var ok = result.outcome === "registered" || result.outcome === "confirmed";
      item.className = "scan-" + result.outcome;
      item.textContent = (result.applicationId || masked(code)) + " " + (result.name || "") + " — " + (result.message || result.detail || "");
      if (ok) { sessionCount++; }
      section.querySelector("[data-scan-session]").textContent = sessionCount;
      if (typeof result.today === "number") { section.querySelector("[data-scan-today]").textContent = result.today; }
      tone(ok || result.outcome === "already");
    } catch (e) {
      item.className = "scan-invalid";
      item.textContent = masked(code) + " — 送信できませんでした。もう一度読み取ってください。";
      tone(false);
    }
    log.insertBefore(item, log.firstChild);
  });
});

// A card read waiting for the counter's reader (#15): ask for its status every second; when it
// has finished, put the finished page's result in place (no reload, focus kept, announced by
// the aria-live region). Without this script the page offers a refresh link.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("[data-card-job]");
  if (!box) { return; }
  var statusURL = box.getAttribute("data-card-job");
  var tries = 0;
  async function check() {
    tries++;
    try {
      var response = await fetch(statusURL, { credentials: "same-origin", headers: { "Accept": "application/json" } });
      if (response.ok) {
        var status = await response.json();
        if (status.finished) {
          var page = await fetch(window.location.pathname, { credentials: "same-origin" });
          var doc = new DOMParser().parseFromString(await page.text(), "text/html");
          var fresh = doc.getElementById("card-read-result");
          if (fresh) { box.replaceWith(fresh); return; }
        }
      }
    } catch (e) { /* the server is away for a moment: keep asking */ }
    if (tries < 180) { window.setTimeout(check, 1000); }
  }
  window.setTimeout(check, 1000);
});
