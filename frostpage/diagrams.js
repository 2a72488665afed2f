/* frostpage: draws the page's Mermaid diagrams (<div class="mermaid">) as SVG.

   Mermaid is imported from this site only when a diagram comes near the screen, and drawn
   again when the colour scheme changes (the theme's data-theme, or the system's). The
   Content-Security-Policy allows no inline style: the <style> Mermaid puts in each SVG
   becomes a constructed stylesheet, and its style attributes are set through the CSSOM. */
const diagrams = [...document.querySelectorAll("div.mermaid")];
const root = document.documentElement;
const darkMedia = matchMedia("(prefers-color-scheme: dark)");
let mermaid = null;
let drawn = 0;

function dark() {
  const chosen = root.getAttribute("data-theme");
  return chosen ? chosen === "dark" : darkMedia.matches;
}

const sheets = new Map(); // diagram → its stylesheet, replaced when it is drawn again

function adopt(diagram, svgText) {
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync([...parsed.querySelectorAll("style")].map((style) => style.textContent).join("\n"));
  parsed.querySelectorAll("style").forEach((style) => style.remove());
  // Style attributes are taken off before the SVG enters the page, and set again as CSSOM.
  const styled = [parsed, ...parsed.querySelectorAll("[style]")].filter((e) => e.hasAttribute("style"));
  const styles = styled.map((element) => element.getAttribute("style"));
  styled.forEach((element, index) => element.setAttribute("data-style", index));
  styled.forEach((element) => element.removeAttribute("style"));
  const svg = document.importNode(parsed, true);
  for (const element of [svg, ...svg.querySelectorAll("[data-style]")]) {
    if (!element.hasAttribute("data-style")) continue;
    element.style.cssText = styles[Number(element.getAttribute("data-style"))];
    element.removeAttribute("data-style");
  }
  const others = document.adoptedStyleSheets.filter((other) => other !== sheets.get(diagram));
  document.adoptedStyleSheets = [...others, sheet];
  sheets.set(diagram, sheet);
  return svg;
}

async function draw(diagram) {
  if (!diagram.dataset.source) diagram.dataset.source = diagram.textContent;
  const id = `mermaid-${++drawn}`;
  try {
    const { svg } = await mermaid.render(id, diagram.dataset.source);
    diagram.replaceChildren(adopt(diagram, svg));
    diagram.classList.add("drawn");
    diagram.setAttribute("role", "img");
    diagram.setAttribute("aria-label", "Diagram");
  } catch (error) {
    diagram.textContent = diagram.dataset.source;
    diagram.classList.add("not-drawn");
    diagram.title = `This diagram could not be drawn: ${error.message || error}`;
  }
}

async function drawAll(which) {
  if (!mermaid) {
    mermaid = (await import("./mermaid/mermaid.esm.min.mjs")).default;
  }
  mermaid.initialize({
    startOnLoad: false,
    securityLevel: "strict",
    htmlLabels: false, // SVG text: labels measured without inline styles
    flowchart: { htmlLabels: false },
    theme: dark() ? "dark" : "default",
  });
  for (const diagram of which) await draw(diagram);
}

const waiting = new Set(diagrams);
const observer = new IntersectionObserver(
  (entries) => {
    const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target);
    near.forEach((diagram) => {
      waiting.delete(diagram);
      observer.unobserve(diagram);
    });
    if (near.length) drawAll(near);
  },
  { rootMargin: "400px" },
);
diagrams.forEach((diagram) => observer.observe(diagram));

function redraw() {
  const shown = diagrams.filter((diagram) => !waiting.has(diagram));
  if (shown.length) drawAll(shown);
}
darkMedia.addEventListener("change", redraw);
new MutationObserver(redraw).observe(root, { attributes: true, attributeFilter: ["data-theme"] });
