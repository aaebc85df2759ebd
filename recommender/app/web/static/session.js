// backplan: today's session, one exercise a screen (templates/session.html.j2).
// Without this script the page is the session's list with its doses and its form at
// the end, and everything works; with it, the list becomes screens: the figure large,
// what to do now, a countdown for each hold and rest, and buttons for next, easier,
// skip, back, pause and stop, as `backplan session` does in a terminal. At the end the
// form is filled in with what was done. Spoken cues use the device's own voices only
// (off until asked for), and the screen is kept awake while the session runs.
(function () {
  "use strict";

  var root = document.getElementById("session");
  var player = document.getElementById("player");
  if (!root || !player) { return; }
  var speed = Number(root.getAttribute("data-speed")) || 1; // 1 for people; tests run faster
  var items = Array.prototype.slice.call(root.querySelectorAll(".session-item"));
  var form = document.getElementById("session-end");
  var el = {
    start: document.getElementById("start"),
    now: document.getElementById("now"),
    countdown: document.getElementById("countdown"),
    go: document.getElementById("go"),
    easier: document.getElementById("easier"),
    skip: document.getElementById("skip"),
    back: document.getElementById("back"),
    pause: document.getElementById("pause"),
    stop: document.getElementById("stop"),
    speak: document.getElementById("speak")
  };

  var at = 0;           // the exercise shown
  var step = -1;        // its step under way (-1: getting into position)
  var left = 0;         // seconds left of a timed step
  var ticking = null;   // the countdown's interval
  var last = 0;         // when the countdown last moved (ms, sped up)
  var paused = false;
  var done = {};        // the plan's exercise id: true once finished
  var swapped = {};     // the plan's exercise id: true when its easier version was chosen
  var stopped = false;

  // -- what the screen shows ---------------------------------------------------------

  function article(index) {
    var item = items[index];
    return swapped[index] ? item.querySelector("article.is-easier")
                          : item.querySelector("article:not(.is-easier)");
  }

  function steps(index) {
    return Array.prototype.slice.call(article(index).querySelectorAll(".timers li"))
      .map(function (li) {
        var seconds = li.getAttribute("data-seconds");
        return { kind: li.getAttribute("data-kind"), text: li.textContent,
                 seconds: seconds ? Number(seconds) : null };
      });
  }

  function clock(seconds) {
    var whole = Math.ceil(seconds);
    var minutes = Math.floor(whole / 60);
    var rest = whole % 60;
    return minutes ? minutes + ":" + (rest < 10 ? "0" : "") + rest : rest + " s";
  }

  function show(index) {
    stopTimer();
    at = index;
    step = -1;
    items.forEach(function (item, i) {
      item.hidden = i !== index;
      var easier = item.querySelector("details.easier-version");
      var plain = item.querySelector("article:not(.is-easier)");
      if (easier) { easier.hidden = true; }
      if (swapped[i]) {
        var variant = item.querySelector("article.is-easier");
        if (variant.parentNode !== item) { item.insertBefore(variant, easier); }
        plain.hidden = true;
      }
    });
    var current = article(index);
    current.querySelector(".counter").textContent =
      (swapped[index] ? "Easier version, exercise " : "Exercise ") + (index + 1) + " of " + items.length;
    current.querySelector(".player-slot").appendChild(player);
    el.easier.hidden = swapped[index] || !items[index].querySelector("article.is-easier");
    el.back.hidden = index === 0;
    el.pause.hidden = true;
    el.countdown.hidden = true;
    el.go.textContent = "Start this exercise";
    tell("Get into position, then press Start this exercise.");
    // The exercise is the whole screen: from its top, with the focus on its name
    // (read out by a screen reader, and where Tab goes on from).
    window.scrollTo(0, 0);
    current.querySelector(".exercise-name").focus({ preventScroll: true });
  }

  function tell(text) {
    el.now.textContent = text;
    speak(text);
  }

  // -- steps and the countdown ----------------------------------------------------------

  function begin(index) {
    stopTimer();
    var all = steps(at);
    step = index;
    if (step >= all.length) { finished(); return; }
    var now = all[step];
    paused = false;
    el.pause.textContent = "Pause";
    if (now.seconds === null) {
      el.countdown.hidden = true;
      el.pause.hidden = true;
      el.go.textContent = "Done";
      tell(now.text + ". Press Done when you have done them.");
      return;
    }
    left = now.seconds;
    el.countdown.hidden = false;
    el.countdown.textContent = clock(left);
    el.pause.hidden = false;
    el.go.textContent = now.kind === "rest" ? "End the rest" : "Next";
    tell(now.text + ": " + clock(left));
    last = Date.now();
    ticking = window.setInterval(tick, 200);
  }

  function tick() {
    var moment = Date.now();
    if (!paused) { left -= (moment - last) * speed / 1000; }
    last = moment;
    if (left <= 0) {
      speak(steps(at)[step].kind === "rest" ? "Rest over." : "Done.");
      begin(step + 1);
      return;
    }
    el.countdown.textContent = clock(left) + (paused ? " (paused)" : "");
  }

  function stopTimer() {
    if (ticking !== null) { window.clearInterval(ticking); ticking = null; }
  }

  function finished() {
    done[items[at].getAttribute("data-id")] = true;
    next();
  }

  function next() {
    if (at + 1 < items.length) { show(at + 1); } else { end(); }
  }

  // -- the end ---------------------------------------------------------------------------

  function end() {
    stopTimer();
    release();
    root.classList.remove("running");
    document.body.classList.remove("session-running");
    root.classList.add("ended");
    player.hidden = true;
    root.querySelector(".session-start").hidden = true;
    items.forEach(function (item) { item.hidden = true; });
    if (!form) { return; }
    items.forEach(function (item, i) {
      var id = item.getAttribute("data-id");
      var box = form.querySelector('input[name="done"][value="' + id + '"]');
      if (box) { box.checked = !!done[id]; }
      if (swapped[i]) {
        var name = item.querySelector("article.is-easier .exercise-name").firstChild.textContent.trim();
        form.querySelectorAll('label[data-name="' + id + '"]').forEach(function (label) {
          label.textContent = name + " (the easier version)";
        });
        var chosen = document.createElement("input");
        chosen.type = "hidden";
        chosen.name = "easier";
        chosen.value = id;
        form.appendChild(chosen);
      }
    });
    document.getElementById("stopped").value = stopped ? "yes" : "";
    form.hidden = false;
    var heading = document.getElementById("end-heading");
    heading.focus();
    speak("How did it go?");
  }

  // -- the buttons -----------------------------------------------------------------------

  el.go.addEventListener("click", function () { begin(step + 1); });
  el.skip.addEventListener("click", next);
  el.back.addEventListener("click", function () { if (at > 0) { show(at - 1); } });
  el.easier.addEventListener("click", function () {
    if (!items[at].querySelector("article.is-easier")) { return; }
    swapped[at] = true;
    show(at);
    tell("Changed to an easier version. Get into position, then press Start this exercise.");
  });
  el.pause.addEventListener("click", function () {
    paused = !paused;
    el.pause.textContent = paused ? "Go on" : "Pause";
    el.countdown.textContent = clock(left) + (paused ? " (paused)" : "");
    tell(paused ? "Paused." : "Going on.");
  });
  el.stop.addEventListener("click", function () { stopped = true; end(); });

  // -- spoken cues: the device's own voices only, and only when asked for --------------

  var voice = null;
  function findVoice() {
    if (!("speechSynthesis" in window)) { return; }
    var lang = (document.documentElement.lang || "en").toLowerCase();
    var voices = window.speechSynthesis.getVoices().filter(function (v) {
      return v.localService; // a network voice would send the words elsewhere
    });
    voice = voices.filter(function (v) { return v.lang.toLowerCase().indexOf(lang) === 0; })[0] || null;
    var option = root.querySelector(".speech-option");
    if (option) { option.hidden = voice === null; }
  }
  function speak(text) {
    if (!voice || !el.speak || !el.speak.checked) { return; }
    window.speechSynthesis.cancel();
    var words = new window.SpeechSynthesisUtterance(text);
    words.voice = voice;
    words.lang = voice.lang;
    window.speechSynthesis.speak(words);
  }
  if ("speechSynthesis" in window) {
    findVoice();
    window.speechSynthesis.addEventListener("voiceschanged", findVoice);
  }

  // -- the screen kept awake while the session runs, where the browser allows ---------

  var lock = null;
  function awake() {
    if (!("wakeLock" in navigator) || !root.classList.contains("running")) { return; }
    navigator.wakeLock.request("screen").then(function (held) { lock = held; }, function () {});
  }
  function release() {
    if (lock) { lock.release().catch(function () {}); lock = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { awake(); } // a lock ends when hidden
  });

  // -- the start -------------------------------------------------------------------------

  var starting = root.querySelector(".session-start");
  if (!starting || !el.start || items.length === 0) { return; }
  root.classList.add("scripted");
  starting.hidden = false;
  el.start.addEventListener("click", function () {
    root.classList.add("running");
    document.body.classList.add("session-running");
    if (form) { form.hidden = true; }
    player.hidden = false;
    awake();
    show(0);
  });
})();
