// frostpage live preview: reload on change, swap stylesheets, show errors in an overlay.
(() => {
  const overlayId = "frostpage-overlay";
  function showOverlay(text) {
    let overlay = document.getElementById(overlayId);
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = overlayId;
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,0,0,.92);color:#fff;font:15px/1.5 ui-monospace,monospace;padding:2rem";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    const title = document.createElement("h2");
    title.textContent = "frostpage: this page has an error";
    title.style.cssText = "font:bold 1.2rem system-ui,sans-serif;color:#ff8a80;margin:0 0 1rem";
    const pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = text;
    overlay.append(title, pre);
  }
  async function refresh() {
    try {
      const response = await fetch(location.href, {cache: "no-store"});
      if (response.ok) { location.reload(); return; }
      const html = await response.text();
      const page = new DOMParser().parseFromString(html, "text/html");
      const error = page.querySelector(".frostpage-error");
      if (error) showOverlay(error.textContent); else location.reload();
    } catch (error) {
      setTimeout(refresh, 500);
    }
  }
  function swapStylesheets(changed) {
    let swapped = false;
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      if (changed.some((path) => url.pathname.endsWith(path))) {
        url.searchParams.set("frostpage", Date.now());
        link.href = url.href;
        swapped = true;
      }
    }
    if (!swapped) refresh();
  }
  const script = document.currentScript;
  const events = new EventSource(
    new URL(`events?since=${script.dataset.version}`, script.src));
  events.addEventListener("reload", refresh);
  events.addEventListener("css", (event) => swapStylesheets(JSON.parse(event.data)));
  window.frostpageLive = events;
})();
