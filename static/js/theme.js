/* frostpage default theme: the colour scheme toggle, the copy buttons of code blocks and
   the players of videos.
   Loaded in <head> so a remembered scheme applies before the first paint; everything
   else waits for the document. Without JavaScript the page follows the system scheme
   and the buttons stay hidden. */
(function () {
  "use strict";
  var KEY = "frostpage-theme";
  var SCHEMES = ["auto", "light", "dark"];
  var root = document.documentElement;
  // The theme's words in the page's language, written by the template into <html>.
  var WORDS = {auto: "auto", light: "light", dark: "dark", copy: "Copy", copied: "Copied",
               failed: "Copy failed", code: "code"};
  try {
    WORDS = Object.assign(WORDS, JSON.parse(root.getAttribute("data-words") || "{}"));
  } catch (error) { /* a theme's own template without them: English */ }

  function stored() {
    try {
      var value = localStorage.getItem(KEY);
      return SCHEMES.indexOf(value) > 0 ? value : "auto";
    } catch (error) {
      return "auto"; // storage blocked: follow the system
    }
  }

  var DARK_CODE_MEDIA = {auto: "(prefers-color-scheme: dark)", light: "not all", dark: "all"};

  function apply(scheme) {
    if (scheme === "auto") root.removeAttribute("data-theme");
    else root.setAttribute("data-theme", scheme);
    var darkCode = document.getElementById("dark-code"); // the dark code colours
    if (darkCode) darkCode.media = DARK_CODE_MEDIA[scheme];
  }

  function remember(scheme) {
    try {
      if (scheme === "auto") localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, scheme);
    } catch (error) { /* the choice lasts for this page only */ }
  }

  apply(stored());
  root.classList.add("has-js"); // shows the toggle before the first paint: no layout shift

  function setUpToggle() {
    var button = document.querySelector(".theme-toggle");
    if (!button) return;
    var label = button.querySelector(".theme-name");
    function show(scheme) {
      label.textContent = WORDS[scheme];
      button.setAttribute("data-scheme", scheme);
    }
    show(stored());
    button.addEventListener("click", function () {
      var next = SCHEMES[(SCHEMES.indexOf(stored()) + 1) % SCHEMES.length];
      remember(next);
      apply(next);
      show(next);
    });
  }

  function setUpCopyButtons() {
    if (!navigator.clipboard) return; // only on secure origins (https, localhost)
    document.querySelectorAll(".content pre").forEach(function (pre) {
      if (pre.closest(".linenos")) return; // a table's line numbers: copied with nothing
      if (pre.classList.contains("mermaid")) return; // a diagram, drawn from its source
      var box = pre.parentElement.classList.contains("highlight") ? pre.parentElement : null;
      if (!box) {
        box = document.createElement("div");
        pre.parentNode.insertBefore(box, pre);
        box.appendChild(pre);
      }
      box.classList.add("code-box");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-code";
      var label = document.createElement("span");
      label.textContent = WORDS.copy;
      var what = document.createElement("span");
      what.className = "visually-hidden";
      what.textContent = " " + WORDS.code;
      button.append(label, what);
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(
          function () { label.textContent = WORDS.copied; },
          function () { label.textContent = WORDS.failed; }
        );
        setTimeout(function () { label.textContent = WORDS.copy; }, 2000);
      });
      box.appendChild(button);
    });
  }

  // The youtube shortcode's link becomes the cookie-free player only when it is clicked.
  function setUpVideos() {
    document.querySelectorAll(".video-link[data-embed]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var frame = document.createElement("iframe");
        frame.src = link.getAttribute("data-embed");
        frame.title = link.querySelector(".video-title").textContent;
        frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
        frame.allowFullscreen = true;
        frame.className = "video-player";
        link.replaceWith(frame);
        frame.focus();
      });
    });
  }

  function setUp() {
    setUpToggle();
    setUpCopyButtons();
    setUpVideos();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
