// The search box: results from the site's Pagefind index as the reader types. "/" focuses
// it; arrows choose a result, Enter opens it, Escape closes the list. Without JavaScript
// the box stays hidden. Pagefind is loaded on the first focus, then only the parts of the
// index a query needs are fetched.
(() => {
  const form = document.querySelector(".site-search");
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector(".search-results");
  const status = form.querySelector(".search-status");
  const MOST = 8;
  let pagefind = null;
  let options = [];
  let active = -1;

  form.hidden = false;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    open(active >= 0 ? active : 0);
  });

  function load() {
    if (!pagefind) {
      pagefind = import(form.dataset.index).then(async (module) => {
        await module.options({ excerptLength: 24 });
        return module;
      });
    }
    return pagefind;
  }

  // Pagefind's excerpt is text with <mark> around the words found: only those are kept.
  function excerpt(html) {
    const paragraph = document.createElement("p");
    const parsed = new DOMParser().parseFromString(html, "text/html").body;
    for (const node of parsed.childNodes) {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.append(mark);
      } else {
        paragraph.append(node.textContent);
      }
    }
    return paragraph;
  }

  function show(results, query) {
    list.replaceChildren();
    options = results.map((result, number) => {
      const option = document.createElement("a");
      option.href = result.meta.url || result.url;
      option.id = `search-result-${number}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.tabIndex = -1;
      const title = document.createElement("span");
      title.className = "search-title";
      title.textContent = result.meta.title || option.href;
      option.append(title);
      if (result.meta.section) {
        const section = document.createElement("span");
        section.className = "search-section";
        section.textContent = result.meta.section;
        option.append(section);
      }
      option.append(excerpt(result.excerpt));
      list.append(option);
      return option;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    const open = query !== "";
    list.hidden = !open;
    input.setAttribute("aria-expanded", String(open));
    status.textContent = open ? (results.length ? `${results.length} results` : "No results") : "";
    if (open && !results.length) {
      const none = document.createElement("p");
      none.className = "search-none";
      none.textContent = `Nothing found for “${query}”.`;
      list.append(none);
    }
  }

  function choose(number) {
    if (!options.length) return;
    active = (number + options.length) % options.length;
    options.forEach((option, index) => option.setAttribute("aria-selected", String(index === active)));
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function open(number) {
    if (options[number]) window.location.href = options[number].href;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", async () => {
    const query = input.value.trim();
    const module = await load();
    const search = await module.debouncedSearch(query, {}, 30);
    if (search === null || input.value.trim() !== query) return; // a newer query came
    const results = await Promise.all(search.results.slice(0, MOST).map((found) => found.data()));
    if (input.value.trim() === query) show(query ? results : [], query);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden && options.length) list.hidden = false;
      choose(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape") {
      if (!list.hidden) close();
      else input.value = "";
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) close();
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const typing = target && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
})();
