/* frostpage: draws the page's Mermaid diagrams (<pre class="mermaid">) as SVG.

   Mermaid is imported from this site only when a diagram comes near the screen, and drawn
   again when the colour scheme changes (the theme's data-theme, or the system's). The
   Content-Security-Policy allows no inline style: the <style> Mermaid puts in each SVG
   becomes a constructed stylesheet, and its style attributes are set through the CSSOM. */
const diagrams = [...document.querySelectorAll("pre.mermaid")];
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
  // The styles are taken out of the text before it is parsed: a parser of this page would
  // refuse them (and report it).
  const css = [];
  const styles = [];
  const text = svgText
    .replace(/<style[^>]*>([\s\S]*?)<\/style>/g, (_, rules) => (css.push(rules), ""))
    .replace(/ style="([^"]*)"/g, (_, style) => ` data-style="${styles.push(style) - 1}"`);
  const svg = document.importNode(
    new DOMParser().parseFromString(text, "image/svg+xml").documentElement,
    true,
  );
  for (const element of [svg, ...svg.querySelectorAll("[data-style]")]) {
    if (!element.hasAttribute("data-style")) continue;
    element.style.cssText = styles[Number(element.getAttribute("data-style"))].replace(/&quot;/g, '"');
    element.removeAttribute("data-style");
  }
  const sheet = measuring || new CSSStyleSheet();
  if (css.length) sheet.replaceSync(css.join("\n"));
  const kept = document.adoptedStyleSheets.filter((other) => other !== sheets.get(diagram));
  document.adoptedStyleSheets = kept.includes(sheet) ? kept : [...kept, sheet];
  sheets.set(diagram, sheet);
  return svg;
}

// While Mermaid draws, a style attribute it sets goes through the CSSOM, which the policy
// allows, instead of being refused (and the text measured wrongly).
const setAttribute = Element.prototype.setAttribute;
function styledThroughCssom(name, value) {
  if (String(name).toLowerCase() === "style" && this.style) this.style.cssText = value;
  else setAttribute.call(this, name, value);
}
// The <style> element Mermaid puts in the diagram while it measures it: its rules go into a
// constructed stylesheet instead, and the element it inserts stays empty and inert.
const createElement = document.createElement;
let measuring = null;
function styleAsSheet(name, options) {
  if (String(name).toLowerCase() !== "style") return createElement.call(document, name, options);
  const standIn = createElement.call(document, "template");
  Object.defineProperty(standIn, "innerHTML", {
    set(rules) {
      measuring = new CSSStyleSheet();
      measuring.replaceSync(rules);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, measuring];
    },
  });
  return standIn;
}

async function draw(diagram) {
  if (!diagram.dataset.source) diagram.dataset.source = diagram.textContent;
  const id = `mermaid-${++drawn}`;
  measuring = null;
  Element.prototype.setAttribute = styledThroughCssom;
  document.createElement = styleAsSheet;
  try {
    const { svg } = await mermaid.render(id, diagram.dataset.source);
    diagram.replaceChildren(adopt(diagram, svg));
    diagram.classList.add("drawn");
    diagram.setAttribute("role", "img");
    diagram.setAttribute("aria-label", "Diagram");
  } catch (error) {
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== measuring);
    diagram.textContent = diagram.dataset.source;
    diagram.classList.add("not-drawn");
    diagram.title = `This diagram could not be drawn: ${error.message || error}`;
  } finally {
    Element.prototype.setAttribute = setAttribute;
    document.createElement = createElement;
    measuring = null;
  }
}

async function drawAll(which) {
  if (!mermaid) {
    mermaid = (await import("./mermaid/mermaid.esm.min.mjs")).default;
  }
  mermaid.initialize({
    startOnLoad: false,
    // The diagrams are the author's own, as raw HTML in Markdown is; "strict" would parse
    // the drawn SVG again with DOMPurify, whose parser the policy refuses its styles.
    securityLevel: "loose",
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
